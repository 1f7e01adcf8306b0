"""The printable brief: figures hand-checked on the sample warehouse, self-contained HTML, the page around it."""

import functools
import re
from datetime import date

import pandas as pd
import pytest

from warehouse import brief, exports, formatting, queries

TODAY = date(2026, 11, 22)


def table_rows(html: str) -> list[list[tuple[str, str]]]:
    """Every body row of the tables in `html` as [(css class, text)]; heading and group rows left out."""
    rows = [re.findall(r'<td class="([^"]*)">(.*?)</td>', row) for row in re.findall(r"<tr>(.*?)</tr>", html)]
    return [row for row in rows if row]


def text_of(document: str) -> str:
    """The visible text, tags dropped and entities kept as written by html.escape."""
    body = document.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def mo_duc(seeded_con) -> str:
    return brief.render(seeded_con, year=2025, former_district=["H. Mộ Đức"], today=TODAY)


def test_header_says_sample_data_date_and_filters(mo_duc):
    text = text_of(mo_duc)
    assert "DỮ LIỆU MẪU — số liệu minh họa, không phải số liệu chính thức" in text
    assert "Số liệu đến ngày 30/11/2025" in text and "Chỉ tiêu năm 2025" in text and "Lập ngày 22/11/2026" in text
    assert "Bộ lọc danh sách xã: Huyện cũ: H. Mộ Đức, 10 xã đầu danh sách" in text
    # the loads of the seeded sample in meta.loads, checked by hand (tests/test_exports.py lists them)
    assert ("Nguồn: kho dữ liệu chuyển đổi số tỉnh Quảng Ngãi, lần nạp Danh mục xã #1 · Hạ tầng số #2 · DVCTT #3, #7 · "
            "BDHVS #4 · Chỉ tiêu #5, #6.") in text


def test_laggards_of_mo_duc_with_mo_cay_as_reported(mo_duc):
    """Every H. Mộ Đức commune misses the 2025 5G target (50 %: none has 5G, a xã is neither urban nor an industrial
    park); Mỏ Cày: online 3.276 / 3.781 = 86,6 %, digitisation 100 % as reported."""
    cells = table_rows(mo_duc.split("3. Các xã chưa đạt", 1)[1])
    by_name = {c[1][1]: c for c in cells}
    assert set(by_name) == {"Xã Lân Phong", "Xã Long Phụng", "Xã Mỏ Cày", "Xã Mộ Đức"}
    mo_cay = by_name["Xã Mỏ Cày"]
    assert [text for _, text in mo_cay[2:]] == ["H. Mộ Đức", "1/3", "0,0 %", "100,00 %", "100,00 %", "99,7 %", "86,6 %"]
    assert mo_cay[4][0] == "num miss" and mo_cay[-1][0] == "num"  # 5G missed, online met
    assert [c[0][1] for c in cells] == ["1", "2", "3", "4"]
    # furthest below first: all miss one target by the same 5G shortfall (50 points), then in Vietnamese order
    assert [c[1][1] for c in cells] == ["Xã Lân Phong", "Xã Long Phụng", "Xã Mỏ Cày", "Xã Mộ Đức"]


def test_province_figures_are_ratios_of_sums(seeded_con):
    document = brief.render(seeded_con, year=2025, today=TODAY)
    online, total = seeded_con.execute("""
        select sum(received_online), sum(received_total) from stg_dvctt where period_end = date '2025-10-30'
    """).fetchone()
    province = f"{100 * online / total:.1f}".replace(".", ",") + " %"
    assert province == "81,7 %"
    [row] = [r for r in table_rows(document.split("2. Chỉ tiêu", 1)[0]) if r[0][1] == "Tỷ lệ hồ sơ tiếp nhận trực tuyến"]
    assert [text for _, text in row[1:]] == [province, "+3,2 điểm %", "≥ 70 % (chỉ tiêu 3.5)", "Đạt"]
    assert row[-1][0] == "met"
    assert "14 chỉ tiêu khác của năm chưa có số đo trong kho" in document


def test_default_laggards_are_the_ten_furthest_below(seeded_con):
    document = brief.render(seeded_con, year=2025, today=TODAY)
    names = re.findall(r'<td class="name">(Xã [^<]+|Phường [^<]+|Đặc khu [^<]+)</td>', document.split("3. Các xã", 1)[1])
    assert len(names) == 10 and names[0] == "Xã Đăk Sao"
    assert "Bộ lọc danh sách xã: tất cả đơn vị, 10 xã đầu danh sách" in text_of(document)
    rate = seeded_con.execute("""
        select 100.0 * received_online / received_total from stg_dvctt
        join stg_communes using (commune_code) where commune_name = 'Xã Đăk Sao' and period_end = date '2025-10-30'
    """).fetchone()[0]
    assert f"{rate:.1f}" == "63.4" and "63,4 %" in document


def test_self_contained_and_printable(mo_duc):
    lowered = mo_duc.lower()
    for fetch in ("http:", "https:", "<script", "<link", "@import", "url(", "<img", "@font-face", "src="):
        assert fetch not in lowered, fetch
    assert "@page { size: a4 portrait" in lowered and "@media print" in lowered
    assert mo_duc.startswith("<!DOCTYPE html>") and '<html lang="vi">' in mo_duc and '<meta charset="utf-8">' in mo_duc


def test_every_value_is_escaped():
    laggards = pd.DataFrame([{
        "laggard_rank": 1, "commune_code": "00001", "commune_name": "<script>alert(1)</script>", "unit_type": "xã",
        "former_province": "Quảng Ngãi", "former_district": "H. <b>A</b>", "targets_judged": 1, "targets_missed": 1,
        "mean_relative_shortfall": 0.5, "indicator_code": "3.5", "metric": "online_rate_pct", "comparator": "≥",
        "target_text": "≥70", "target_value": 70.0, "target_upper": None, "unit": "%", "actual": 35.0, "met": False,
        "shortfall": 35.0,
    }])
    html = brief.laggards_section(laggards)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "H. &lt;b&gt;A&lt;/b&gt;" in html


def test_no_laggards_says_so(seeded_con):
    empty = queries.target_laggards(seeded_con, 2025, former_district=["no such district"])
    assert empty.empty and "Không có xã nào chưa đạt" in brief.laggards_section(empty)


@pytest.fixture
def brief_page(open_page):
    return functools.partial(open_page, "app_pages/brief.py")


def test_page_reads_its_filters_from_the_url_and_shows_the_brief(brief_page):
    at = brief_page(district="H. Mộ Đức", n="5", type="drop table")
    assert at.multiselect(key="brief_district").value == ["H. Mộ Đức"]
    assert at.multiselect(key="brief_type").value == []  # not in the allow-list: ignored
    assert at.selectbox(key="brief_n").value == 5
    assert dict(at.query_params) == {"year": "2025", "n": "5", "district": "H. Mộ Đức"}
    [frame] = at.get("iframe")
    assert "Xã Mỏ Cày" in frame.proto.srcdoc and "Huyện cũ: H. Mộ Đức, 5 xã đầu danh sách" in frame.proto.srcdoc
    assert f"Lập ngày {formatting.day(exports.now())}" in frame.proto.srcdoc  # today in Vietnam
    [download] = at.get("download_button")
    assert download.proto.label == "Tải bản tin (HTML, in khổ A4)"


def test_page_writes_a_changed_filter_to_the_url(brief_page):
    at = brief_page()
    at.multiselect(key="brief_province").set_value(["Kon Tum"]).run()
    assert not at.exception and at.query_params["province"] == "Kon Tum"
    assert "Tỉnh cũ: Kon Tum" in at.get("iframe")[0].proto.srcdoc


@pytest.mark.browser
def test_brief_prints_on_one_a4_page_without_network(seeded_con, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    from bench.browser import CHROMIUM, CHROMIUM_ARGS

    path = tmp_path / "ban_tin.html"
    path.write_text(brief.render(seeded_con, year=2025, today=TODAY), encoding="utf-8")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        browser.close()
    assert requests == [path.as_uri()]
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
