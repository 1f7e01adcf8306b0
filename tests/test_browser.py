"""The real thing: `streamlit run` served on localhost, driven in Debian's chromium by playwright.

Every step that makes Streamlit run the script (opening a URL, a click, a choice) is wrapped in
`wait_for_run(page)`, so the next step acts on what the finished run drew, never on an element
that the run is about to redraw; everything else waits through playwright's `expect`.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.browser import (  # noqa: F401 (re-exported for the other browser tests)
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SCRIPT_RUN_S,
    SCRIPT_RUNS,
    STEP_MS,
    new_page,
    serve,
    wait_for_run,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the browser_page fixture skips; modules importing this one keep their other tests
    expect = None

pytestmark = pytest.mark.browser
PAGES = {"": "Tổng quan chuyển đổi số", "compare": "So sánh giữa các xã", "map": "Bản đồ các xã",
         "profile?commune=21421": "Hồ sơ xã", "bdhvs": "Bình dân học vụ số", "upload": "Tải dữ liệu lên",
         "history": "Lịch sử tải dữ liệu"}
if expect is not None:
    expect.set_options(timeout=STEP_MS)


def open_page(page, url: str, heading: str) -> None:
    """Open `url` in `page`, wait for the script run, check the page's heading and that nothing failed."""
    with wait_for_run(page):
        page.goto(url)
    expect(page.get_by_role("heading", name=re.compile(heading)).first).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox or multiselect labelled `label`: open its list, type the option to
    narrow the list, click it (a locator: found again if the list is redrawn), wait for the run."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option)
    item = page.get_by_role("option", name=option, exact=True)
    expect(item).to_have_count(1)
    with wait_for_run(page):
        item.click()
    page.keyboard.press("Escape")  # a multiselect keeps its list open


# ---------------------------------------------------------------- fixtures


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
    opened = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def open_new():
            opened.append(new_page(browser))
            return opened[-1]

        yield open_new
        browser.close()
    for page in opened:
        SCRIPT_RUNS.pop(page)


@pytest.fixture
def page(browser_page):
    return browser_page()


# ---------------------------------------------------------------- tests


def test_every_page_renders(shared_server, page, tmp_path):
    for path, heading in PAGES.items():
        open_page(page, f"{shared_server}/{path}", heading)
        page.screenshot(path=str(tmp_path / f"{path.split('?')[0] or 'overview'}.png"), full_page=True)


def online_rate_card(page):
    card = page.locator('[data-testid="stMetric"]', has_text="Tỷ lệ hồ sơ tiếp nhận trực tuyến")
    return card.locator('[data-testid="stMetricValue"]')


def test_cli_load_while_serving_shows_after_reload(server, page, make_xlsx):
    url, db_file = server
    open_page(page, url, PAGES[""])
    before = online_rate_card(page).inner_text()
    rows = [["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
             "Tiếp nhận trực tiếp và bưu chính"]]
    rows += [[code, "01/07/2025", "30/10/2025", 1000, 1000, 0] for code in ("21025", "21028", "21034", "21040")]
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    done = subprocess.run([sys.executable, "-m", "warehouse", "load", str(make_xlsx(rows, "resend.xlsx"))],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    open_page(page, url, PAGES[""])
    expect(online_rate_card(page)).not_to_have_text(before)


def test_a_shared_link_opened_first_reopens_the_same_view(server, page):
    """The first request of a fresh server is a deep link: the whole app must run, with the link's choices."""
    url, _ = server  # a fresh server: this link must be its very first request
    open_page(page, f"{url}/compare?metric=online_rate_pct&period=2025-10-30&type=ph%C6%B0%E1%BB%9Dng", "So sánh giữa")
    expect(page.get_by_role("link", name="Bình dân học vụ số")).to_have_count(1)  # our navigation, not file names
    # the 9 phường, a percentage measure, the period of the link
    expect(page.get_by_text(re.compile(r"9 đơn vị có số liệu 01/07–30/10/2025 · toàn tỉnh: [\d,]+ %"))).to_be_visible()
    expect(page.get_by_text("30/10/2025").first).to_be_visible()


def test_clicking_a_commune_in_the_comparison_chart_opens_its_profile(shared_server, page):
    open_page(page, f"{shared_server}/compare?metric=online_rate_pct&period=2025-10-30&show=all", "So sánh giữa")
    bar = page.locator('[data-testid="stVegaLiteChart"] .mark-rect path[aria-label*="Xã Mỏ Cày"]')
    with wait_for_run(page):  # the click's run switches to the profile page and runs it
        bar.click()
    expect(page).to_have_url(re.compile(r"/profile\?commune=21421$"))
    expect(page.get_by_role("heading", name="Xã Mỏ Cày")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_clicking_a_bar_of_the_bdhvs_ranking_opens_its_profile(shared_server, page):
    open_page(page, f"{shared_server}/bdhvs?date=2025-11-18", "Bình dân học vụ số")
    bar = page.locator('[data-testid="stVegaLiteChart"] .mark-rect path[aria-label*="Xã Bình Sơn"]')
    with wait_for_run(page):
        bar.click()
    expect(page).to_have_url(re.compile(r"/profile\?commune=21040$"))
    expect(page.get_by_role("heading", name="Xã Bình Sơn")).to_be_visible()


def test_a_copied_url_reopens_the_view_chosen_on_the_page(shared_server, page, browser_page):
    open_page(page, f"{shared_server}/compare?metric=online_rate_pct&period=2025-10-30", "So sánh giữa")
    with wait_for_run(page):
        page.get_by_role("radio", name="Phân bố").click()
    expect(page).to_have_url(re.compile("chart=dist"))
    expect(page.get_by_text(re.compile("^Trung vị"))).to_be_visible()
    page.get_by_text("Lọc theo tỉnh cũ").click()  # an expander: no run
    choose(page, "Huyện cũ", "H. Mộ Đức")
    expect(page).to_have_url(re.compile("district="))
    expect(page.get_by_text(re.compile(r"^4 đơn vị có số liệu"))).to_be_visible()  # H. Mộ Đức's 4 communes of today
    copied = page.url

    other = browser_page()  # another person, another session
    open_page(other, copied, "So sánh giữa")
    expect(other.get_by_role("radio", name="Phân bố")).to_have_attribute("aria-checked", "true")
    expect(other.get_by_text(re.compile(r"^4 đơn vị có số liệu 01/07–30/10/2025 · toàn tỉnh: 81,7 %"))).to_be_visible()
    expect(other.get_by_text("Trung vị", exact=False)).to_have_count(1)
    expect(other.locator('[data-testid="stMultiSelect"]', has_text="Huyện cũ").get_by_text("H. Mộ Đức")).to_have_count(1)


def test_an_export_downloads_as_xlsx_with_its_headers(shared_server, page, tmp_path):
    from openpyxl import load_workbook

    open_page(page, f"{shared_server}/compare?metric=online_rate_pct&period=2025-10-30&type=ph%C6%B0%E1%BB%9Dng",
              "So sánh giữa")
    with page.expect_download() as download:  # on_click="ignore": no run
        page.get_by_role("button", name=re.compile("Tải bảng Excel")).click()
    assert download.value.suggested_filename == "so_sanh_online_rate_pct_20251030.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    blank = next(i for i, row in enumerate(rows) if row[0] is None)  # the header block, a blank row, the table
    notes, header, body = [row[0] for row in rows[:blank]], rows[blank + 1], rows[blank + 2:]
    assert notes[0].startswith("Tỷ lệ hồ sơ tiếp nhận trực tuyến — ") and "30/10/2025" in notes[0]
    assert notes[1:3] == ["Dữ liệu mẫu — số liệu minh họa, không phải số liệu chính thức", "Bộ lọc: Loại đơn vị: phường"]
    assert [re.sub(r" \([^)]*\)", "", note) for note in notes[3:6]] == [  # the seeded sample's loads (meta.loads)
        "Nguồn: Hồ sơ thủ tục hành chính và dịch vụ công trực tuyến: lần nạp #3; #7",
        "Nguồn: Chỉ tiêu kế hoạch: lần nạp #5; #6", "Nguồn: Danh mục đơn vị hành chính: lần nạp #1"]
    assert re.fullmatch(r"Xuất lúc: \d\d:\d\d ngày \d\d/\d\d/20\d\d \(giờ Việt Nam\)", notes[6]) and len(notes) == 7
    assert header == ("Hạng", "Đơn vị", "Loại", "Huyện cũ", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "So với chỉ tiêu")
    assert len(body) == 9 and {r[2] for r in body} == {"phường"}


def selectable_table(page, key_prefix: str):
    """The st.dataframe whose widget key starts with `key_prefix` (its container has the class st-key-<key>)."""
    return page.locator(f'[class*="st-key-{key_prefix}"] [data-testid="stDataFrame"]')


def click_row(page, table, row: int) -> None:
    """Select the row-th row (1 = the first under the header) of a st.dataframe by its selection box;
    the page's run then opens the profile of the row's commune."""
    with wait_for_run(page):  # a locator click: scrolled to, and the position taken when the table stands still
        table.click(position={"x": 14, "y": 35 * row + 17})


def test_clicking_a_peer_or_a_commune_of_a_target_opens_its_profile(server, page):
    url, _ = server
    open_page(page, f"{url}/profile?commune=21421", "Xã Mỏ Cày")
    click_row(page, selectable_table(page, "profile_peers_"), 2)  # Xã Long Phụng
    expect(page.get_by_role("heading", name="Xã Long Phụng")).to_be_visible()
    expect(page).to_have_url(re.compile(r"profile\?commune=21409$"))

    open_page(page, f"{url}/targets?year=2025&indicator=3.5", "Các xã so với mục tiêu")
    click_row(page, selectable_table(page, "targets_communes_"), 1)  # furthest below the 2025 online target
    expect(page.get_by_role("heading", name="Xã Đăk Sao")).to_be_visible()  # 63,4 %
    expect(page).to_have_url(re.compile(r"profile\?commune=23416$"))
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_brief_page_shows_and_downloads_the_brief(server, page, tmp_path):
    url, _ = server
    open_page(page, f"{url}/brief?district=H.%20M%E1%BB%99%20%C4%90%E1%BB%A9c", "Bản tin cho lãnh đạo")
    brief = page.frame_locator("iframe")
    expect(brief.get_by_role("heading", name="Bản tin chuyển đổi số tỉnh Quảng Ngãi")).to_be_visible()
    expect(brief.get_by_text("Xã Mỏ Cày").first).to_be_visible()
    with page.expect_download() as download:  # on_click="ignore": no run
        page.get_by_role("button", name="Tải bản tin (HTML, in khổ A4)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "ban_tin_2025.html"
    document = saved.read_text(encoding="utf-8")
    assert "Huyện cũ: H. Mộ Đức" in document and "86,6 %" in document
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
