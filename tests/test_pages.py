"""Every page runs under AppTest on the seeded sample warehouse, and shows what it should."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app_pages").glob("*.py"))


@pytest.fixture
def app(open_page):
    return open_page


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(app, page):
    at = app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title


def test_overview_shows_province_figures_and_sample_badge(app):
    at = app()
    labels = [m.label for m in at.metric]
    assert "Tỷ lệ hồ sơ tiếp nhận trực tuyến" in labels and "Số học viên tham gia" in labels
    assert all("," in m.value or "." in m.value or m.value.isdigit() for m in at.metric)
    assert any("Dữ liệu mẫu" in m.value for m in at.markdown)


def test_compare_reads_its_view_from_the_url(app):
    at = app("app_pages/compare.py", metric="online_rate_pct", period="2025-10-30", type="phường")
    assert at.selectbox(key="compare_metric").value == "online_rate_pct"
    assert at.multiselect(key="compare_type").value == ["phường"]
    table, former = at.dataframe  # the ranking, then "Trước sáp nhập": Minh Long's half-year (report 002)
    assert len(table.value) == 9  # the 9 phường
    assert former.value["Đơn vị cũ"].tolist() == ["H. Minh Long"] and former.value["Giá trị"].iloc[0] == "97,5 %"


def test_compare_ignores_values_not_in_allow_list(app):
    at = app("app_pages/compare.py", metric="drop table", period="not-a-date")
    assert not at.exception
    assert at.selectbox(key="compare_metric").value == "coverage_4g_pct"


def test_bdhvs_ranks_of_mo_cay(app):
    at = app("app_pages/bdhvs.py", date="2025-11-18")
    table = at.dataframe[0].value
    row = table[table["Đơn vị"] == "Xã Mỏ Cày"].iloc[0]
    assert row["Học viên"] == "4.365"
    assert row["Hạng học viên"] == "11/96" and row["Hạng học viên/1.000 dân"] == "17/96"
    assert row["Thay đổi hạng học viên"] == "xuống 4 bậc"  # 7th on 03/11 (report 004)


def upload_page(db_file, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(db_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    return at.switch_page("app_pages/upload.py").run()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Tên xã", "Ngày số liệu", "Số học viên tham gia", "Số chứng nhận đạt được"]


def test_upload_rejected_file_shows_findings_and_writes_nothing(seeded_copy, make_xlsx, monkeypatch):
    import duckdb

    at = upload_page(seeded_copy, monkeypatch)
    path = make_xlsx([HEADER, ["Xã Mỏ Cày", "25/11/2025", 100, 120], ["Xã Sơn Haa", "25/11/2025", 10, 1]])
    at.file_uploader(key="upload_file").set_value(("bdhvs.xlsx", path.read_bytes(), XLSX)).run()
    assert not at.exception
    findings = at.dataframe[-1].value
    assert set(findings["Dòng"]) == {2, 3}
    assert set(findings["Cột"]) == {"Số chứng nhận đạt được", "Tên xã"}
    assert at.error and "chưa thể nạp" in at.error[0].value
    assert not [b for b in at.button if b.key == "upload_load"]
    with duckdb.connect(str(seeded_copy), read_only=True) as con:
        assert con.execute("select count(*) from raw.bdhvs where snapshot_date = '2025-11-25'").fetchone()[0] == 0


def test_upload_good_file_loads_and_shows_everywhere(seeded_copy, make_xlsx, monkeypatch):
    at = upload_page(seeded_copy, monkeypatch)
    path = make_xlsx([HEADER, ["Xã Mỏ Cày", "25/11/2025", 5000, 3500], ["Xã Sơn Hạ", "25/11/2025", 100, 10]])
    at.file_uploader(key="upload_file").set_value(("bdhvs_2511.xlsx", path.read_bytes(), XLSX)).run()
    assert not at.exception and not at.error
    at.button(key="upload_load").click().run()
    assert at.success and "Đã nạp 2 dòng" in at.success[-1].value
    at.switch_page("app_pages/history.py").run()
    assert "bdhvs_2511.xlsx" in at.dataframe[0].value["Tệp"].tolist()
    at.switch_page("app_pages/bdhvs.py").run()
    assert at.selectbox(key="bdhvs_date").value.isoformat() == "2025-11-25"
