"""The real thing: `streamlit run` served on localhost, driven in Debian's chromium by playwright."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {"": "Tổng quan chuyển đổi số", "compare": "So sánh giữa các xã", "map": "Bản đồ các xã",
         "profile?commune=21421": "Hồ sơ xã", "bdhvs": "Bình dân học vụ số", "upload": "Tải dữ liệu lên",
         "history": "Lịch sử tải dữ liệu"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(db_file: Path, *args: str, open_uploads: bool = True):
    """`streamlit run app.py [args]` on a free port with WAREHOUSE_DB=db_file; stopped on exit."""
    port = free_port()
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    if not open_uploads:
        env.pop("WAREHOUSE_OPEN_UPLOADS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1", *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def server(seeded_copy):
    """A server of its own, for a test that writes to the warehouse."""
    with serve(seeded_copy) as url:
        yield url, seeded_copy


@pytest.fixture(scope="module")
def shared_server(seeded_db, tmp_path_factory):
    """One server for the tests that only read (on a copy: the app writes its snapshots beside the file)."""
    import shutil

    copy = tmp_path_factory.mktemp("served") / "warehouse.duckdb"
    shutil.copyfile(seeded_db, copy)
    with serve(copy) as url:
        yield url


@pytest.fixture
def browser_page():
    """A function opening a new page (a new Streamlit session) in Debian's chromium."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (make test does it)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield lambda: browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        browser.close()


@pytest.fixture
def page(browser_page):
    return browser_page()


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=re.compile(heading)).first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_every_page_renders(shared_server, page, tmp_path):
    for path, heading in PAGES.items():
        open_page(page, f"{shared_server}/{path}", heading)
        page.screenshot(path=str(tmp_path / f"{path.split('?')[0] or 'overview'}.png"), full_page=True)


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
    url, _ = server  # a fresh server: this link must be its very first request
    open_page(page, f"{url}/compare?metric=online_rate_pct&period=2025-10-30&type=ph%C6%B0%E1%BB%9Dng", "So sánh giữa")
    assert page.get_by_role("link", name="Bình dân học vụ số").count() == 1  # our navigation, not file names
    # the 9 phường, a percentage measure, the period of the link
    # wait: "networkidle" can come before the script run ends (its messages travel on a websocket)
    page.get_by_text(re.compile(r"9 đơn vị có số liệu · toàn tỉnh: [\d,]+ %")).wait_for(timeout=30_000)
    assert page.get_by_text("30/10/2025").first.is_visible()


def test_clicking_a_commune_in_the_comparison_chart_opens_its_profile(shared_server, page):
    open_page(page, f"{shared_server}/compare?metric=online_rate_pct&period=2025-10-30", "So sánh giữa")
    bar = page.locator('[data-testid="stVegaLiteChart"] .mark-rect path[aria-label*="Xã Mỏ Cày"]')
    bar.click()
    page.wait_for_url(re.compile(r"/profile\?commune=21421$"), timeout=30_000)
    page.get_by_role("heading", name="Xã Mỏ Cày").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_copied_url_reopens_the_view_chosen_on_the_page(shared_server, page, browser_page):
    open_page(page, f"{shared_server}/compare?metric=online_rate_pct&period=2025-10-30", "So sánh giữa")
    page.get_by_role("radio", name="Phân bố").click()
    page.wait_for_url(re.compile("chart=dist"))
    page.get_by_text(re.compile("^Trung vị")).wait_for()
    page.get_by_text("Lọc theo tỉnh cũ").click()
    districts = page.get_by_role("combobox", name="Huyện cũ")
    districts.click()
    districts.press_sequentially("Mộ Đức", delay=50)
    page.get_by_role("option").filter(has_text="H. Mộ Đức").first.click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile("district="))
    page.get_by_text(re.compile(r"^4 đơn vị có số liệu")).wait_for()  # H. Mộ Đức's 4 communes of today
    copied = page.url

    other = browser_page()  # another person, another session
    open_page(other, copied, "So sánh giữa")
    assert other.get_by_role("radio", name="Phân bố").get_attribute("aria-checked") == "true"
    other.get_by_text(re.compile(r"^4 đơn vị có số liệu · toàn tỉnh: 81,7 %")).wait_for()
    assert other.get_by_text("Trung vị", exact=False).count() == 1
    assert other.locator('[data-testid="stMultiSelect"]', has_text="Huyện cũ").get_by_text("H. Mộ Đức").count() == 1


def test_an_export_downloads_as_xlsx_with_its_headers(shared_server, page, tmp_path):
    from openpyxl import load_workbook

    open_page(page, f"{shared_server}/compare?metric=online_rate_pct&period=2025-10-30&type=ph%C6%B0%E1%BB%9Dng",
              "So sánh giữa")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Tải bảng Excel")).click()
    assert download.value.suggested_filename == "so_sanh_online_rate_pct_20251030.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("Tỷ lệ hồ sơ tiếp nhận trực tuyến — kỳ 30/10/2025")
    assert rows[1][0] == "Bộ lọc: Loại đơn vị: phường"
    assert rows[3] == ("Hạng", "Đơn vị", "Loại", "Huyện cũ", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "So với chỉ tiêu")
    assert len(rows) == 4 + 9 and {r[2] for r in rows[4:]} == {"phường"}


def test_clicking_a_peer_or_a_commune_of_a_target_opens_its_profile(server, page):
    url, _ = server
    page.goto(f"{url}/profile?commune=21421")
    page.get_by_role("heading", name="Xã Mỏ Cày").wait_for(timeout=30_000)
    frames = page.locator('[data-testid="stDataFrame"]')
    frames.nth(2).wait_for(timeout=30_000)  # measures, targets, peers
    page.wait_for_load_state("networkidle")
    frames.nth(2).scroll_into_view_if_needed()
    box = frames.nth(2).bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 + 17)  # the selection box of the 2nd row: Xã Long Phụng
    page.get_by_role("heading", name="Xã Long Phụng").wait_for(timeout=30_000)
    assert page.url.endswith("profile?commune=21409")

    page.goto(f"{url}/targets?year=2025&indicator=3.5")
    page.get_by_role("heading", name="Các xã so với mục tiêu").wait_for(timeout=30_000)
    frames.nth(2).wait_for(timeout=30_000)  # year summary, per year, communes
    page.wait_for_load_state("networkidle")
    frames.nth(2).scroll_into_view_if_needed()
    box = frames.nth(2).bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)  # furthest below the 2025 online target: Xã Đăk Sao, 63,4 %
    page.get_by_role("heading", name="Xã Đăk Sao").wait_for(timeout=30_000)
    assert page.url.endswith("profile?commune=23416")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_brief_page_shows_and_downloads_the_brief(server, page, tmp_path):
    url, _ = server
    page.goto(f"{url}/brief?district=H.%20M%E1%BB%99%20%C4%90%E1%BB%A9c")
    page.get_by_role("heading", name="Bản tin cho lãnh đạo").wait_for(timeout=30_000)
    shown = page.frame_locator("iframe").get_by_role("heading", name="Bản tin chuyển đổi số tỉnh Quảng Ngãi")
    shown.wait_for(timeout=30_000)
    assert page.frame_locator("iframe").get_by_text("Xã Mỏ Cày").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bản tin (HTML, in khổ A4)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "ban_tin_2025.html"
    document = saved.read_text(encoding="utf-8")
    assert "Huyện cũ: H. Mộ Đức" in document and "86,6 %" in document
    assert page.locator('[data-testid="stException"]').count() == 0
