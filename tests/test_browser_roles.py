"""Roles in a real browser: the upload page is not in a viewer's navigation, and appears after signing in."""


import pytest
from test_browser import browser_page, expect, open_page, page, serve, wait_for_run  # noqa: F401 (fixtures)

from warehouse import auth

pytestmark = pytest.mark.browser
PASSWORD = "Quang-Ngai-2025"


@pytest.fixture
def server(seeded_copy, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[analysts]\n" + auth.toml_line("lan", auth.hash_password(PASSWORD)) + "\n", encoding="utf-8")
    with serve(seeded_copy, "--secrets.files", str(secrets), open_uploads=False) as url:
        yield url


def test_viewer_navigation_has_no_upload_page_until_an_analyst_signs_in(server, page):  # noqa: F811
    open_page(page, f"{server}/history", "Lịch sử tải dữ liệu")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_role("link", name="Lịch sử tải")).to_have_count(1)
    expect(sidebar.get_by_role("link", name="Tải dữ liệu lên")).to_have_count(0)
    expect(page.get_by_role("button", name="Thu hồi lần nạp này…")).to_have_count(0)

    sidebar.get_by_text("Đăng nhập chuyên viên").click()  # an expander, and a form: no run until it is sent
    sidebar.get_by_label("Tên đăng nhập").fill("lan")
    sidebar.get_by_label("Mật khẩu").fill(PASSWORD)
    with wait_for_run(page):
        sidebar.get_by_role("button", name="Đăng nhập").click()
    expect(sidebar.get_by_role("link", name="Tải dữ liệu lên")).to_be_visible()
    expect(sidebar.get_by_text("Chuyên viên: lan")).to_be_visible()
    expect(page.get_by_role("button", name="Thu hồi lần nạp này…")).to_be_visible()
