"""The real thing: `streamlit run` served on localhost, driven in Debian's chromium by playwright."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {"": "Tổng quan chuyển đổi số", "compare": "So sánh giữa các xã", "bdhvs": "Bình dân học vụ số",
         "upload": "Tải dữ liệu lên", "history": "Lịch sử tải dữ liệu"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(seeded_copy):
    port = free_port()
    env = {**os.environ, "WAREHOUSE_DB": str(seeded_copy), "GX_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    yield url, seeded_copy
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def page():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (make test does it)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        browser.close()


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=re.compile(heading)).first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_every_page_renders(server, page, tmp_path):
    url, _ = server
    for path, heading in PAGES.items():
        open_page(page, f"{url}/{path}", heading)
        page.screenshot(path=str(tmp_path / f"{path or 'overview'}.png"), full_page=True)


def online_rate_card(page) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text="Tỷ lệ hồ sơ tiếp nhận trực tuyến")
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_cli_load_while_serving_shows_after_reload(server, page, make_xlsx):
    url, db_file = server
    open_page(page, url, PAGES[""])
    before = online_rate_card(page)
    rows = [["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
             "Tiếp nhận trực tiếp và bưu chính"]]
    rows += [[code, "01/07/2025", "30/10/2025", 1000, 1000, 0] for code in ("21025", "21028", "21034", "21040")]
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    done = subprocess.run([sys.executable, "-m", "warehouse", "load", str(make_xlsx(rows, "resend.xlsx"))],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    open_page(page, url, PAGES[""])
    assert online_rate_card(page) != before


def test_a_shared_link_opened_first_reopens_the_same_view(server, page):
    """The first request of a fresh server is a deep link: the whole app must run, with the link's choices."""
    url, _ = server
    open_page(page, f"{url}/compare?metric=online_rate_pct&period=2025-10-30&type=ph%C6%B0%E1%BB%9Dng", "So sánh giữa")
    assert page.get_by_role("link", name="Bình dân học vụ số").count() == 1  # our navigation, not file names
    # the 9 phường, a percentage measure, the period of the link
    # wait: "networkidle" can come before the script run ends (its messages travel on a websocket)
    page.get_by_text(re.compile(r"9 đơn vị có số liệu · toàn tỉnh: [\d,]+ %")).wait_for(timeout=30_000)
    assert page.get_by_text("30/10/2025").first.is_visible()
