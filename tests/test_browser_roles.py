"""Roles in a real browser: the upload page is not in a viewer's navigation, and appears after signing in."""

import re

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, serve

from warehouse import auth

pytestmark = pytest.mark.browser
PASSWORD = "Quang-Ngai-2025"


@pytest.fixture
def server(seeded_copy, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[analysts]\n" + auth.toml_line("lan", auth.hash_password(PASSWORD)) + "\n", encoding="utf-8")
    with serve(seeded_copy, "--secrets.files", str(secrets), open_uploads=False) as url:
        yield url


def test_viewer_navigation_has_no_upload_page_until_an_analyst_signs_in(server):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        page.goto(f"{server}/history")
        page.get_by_role("heading", name=re.compile("Lịch sử tải dữ liệu")).wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_role("link", name="Lịch sử tải").count() == 1
        assert sidebar.get_by_role("link", name="Tải dữ liệu lên").count() == 0
        assert page.get_by_role("button", name="Thu hồi lần nạp này…").count() == 0

        sidebar.get_by_text("Đăng nhập chuyên viên").click()
        sidebar.get_by_label("Tên đăng nhập").fill("lan")
        sidebar.get_by_label("Mật khẩu").fill(PASSWORD)
        sidebar.get_by_role("button", name="Đăng nhập").click()
        sidebar.get_by_role("link", name="Tải dữ liệu lên").wait_for(timeout=30_000)
        sidebar.get_by_text("Chuyên viên: lan").wait_for(timeout=30_000)
        page.get_by_role("button", name="Thu hồi lần nạp này…").wait_for(timeout=30_000)
        browser.close()
