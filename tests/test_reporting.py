"""Tình hình gửi số liệu: which units sent figures for a dataset's period and which did not, since when
(mart_reporting_status), on the page and on the overview. Values counted by hand from the files below."""

import shutil
from datetime import date

import duckdb
import openpyxl
import pytest

from warehouse import db, load, queries
from warehouse.metrics import period_label

HEADER = ["Tên xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến"]
Q3 = [["Xã Mỏ Cày", "01/07/2025", "30/09/2025", 100, 80], ["Xã Sơn Hạ", "01/07/2025", "30/09/2025", 50, 10],
      ["Xã Sơn Hà", "01/07/2025", "30/09/2025", 40, 20]]
# October: Mỏ Cày alone; Sơn Hà's row is there but blank, which is not a report
OCTOBER = [["Xã Mỏ Cày", "01/10/2025", "31/10/2025", 120, 100], ["Xã Sơn Hà", "01/10/2025", "31/10/2025", None, None]]
SON_HA = "H. Sơn Hà"  # its five units (data/reference/communes.csv): Sơn Hà, Sơn Hạ, Sơn Kỳ, Sơn Linh, Sơn Thủy


def workbook(path, rows):
    wb = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def chased(seeded_db, tmp_path_factory):
    """The sample warehouse with its DVCTT replaced by two small files: the sample's DVCTT load retracted (only
    Minh Long's former-district half-year is left), then Q3 2025 from three units and October from one."""
    folder = tmp_path_factory.mktemp("chased")
    path = folder / "warehouse.duckdb"
    shutil.copyfile(seeded_db, path)
    with duckdb.connect(str(path), read_only=True) as con:
        sample = con.execute("select load_id from meta.loads where file_name = 'dvctt.xlsx'").fetchone()[0]
    load.retract_path(sample, db_file=path, by="test")
    for name, rows in (("q3.xlsx", Q3), ("t10.xlsx", OCTOBER)):
        result = load.load_path(workbook(folder / name, rows), db_file=path, loaded_by="lan")
        assert result.status == load.LOADED, result.summary()
    return path


@pytest.fixture(scope="module")
def chased_con(chased):
    _, con = db.Snapshots(chased, prepare=db.prepare_snapshot).connection()
    return con


def test_on_the_sample_every_unit_sent_every_dvctt_quarter(seeded_con):
    # dvctt.xlsx: 384 rows = 4 quarters × 96 units; Minh Long's half-year is a former district's, not a period to chase
    periods = queries.reporting_periods(seeded_con)
    dvctt = periods[periods["dataset"] == "dvctt"]
    assert [(p.period_start.date(), p.period_end.date()) for p in dvctt.itertuples()] == [
        (date(2025, 7, 1), date(2025, 10, 30)), (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 1, 1), date(2025, 3, 31)), (date(2024, 10, 1), date(2024, 12, 31))]
    assert set(periods["units_with_data"]) == {96} and set(periods["units_missing"]) == {0}
    assert periods["dataset"].unique().tolist() == ["broadband", "dvctt", "bdhvs"]


def test_who_has_not_sent_and_since_when(chased_con):
    periods = queries.reporting_periods(chased_con)
    dvctt = periods[periods["dataset"] == "dvctt"]
    assert [(f"{p.period_end:%d/%m}", p.units_with_data, p.units_missing) for p in dvctt.itertuples()] == [
        ("31/10", 1, 95), ("30/09", 3, 93)]  # October: Mỏ Cày alone, Sơn Hà's blank row is not a report
    units = queries.reporting_units(chased_con, "dvctt", date(2025, 10, 31), date(2025, 10, 1), [SON_HA])
    assert [(u.commune_name, u.has_data, None if u.last_period_end is None else str(u.last_period_end)[:10],
             u.periods_missing) for u in units.astype(object).where(units.notna(), None).itertuples()] == [
        ("Xã Sơn Hà", False, "2025-09-30", 1), ("Xã Sơn Hạ", False, "2025-09-30", 1),
        ("Xã Sơn Kỳ", False, None, 2), ("Xã Sơn Linh", False, None, 2), ("Xã Sơn Thủy", False, None, 2)]
    everyone = queries.reporting_units(chased_con, "dvctt", date(2025, 10, 31), date(2025, 10, 1))
    sent, missing = everyone[everyone["has_data"]], everyone[~everyone["has_data"]]
    assert sent["commune_name"].tolist() == ["Xã Mỏ Cày"] and sent["load_id"].notna().all()
    assert int(missing["last_period_end"].isna().sum()) == 93  # 96 less Mỏ Cày, Sơn Hạ and Sơn Hà, who sent Q3


def test_page_lists_a_districts_missing_units_with_the_last_period_they_sent(open_page, chased):
    at = open_page("app_pages/reporting.py", db=chased, dataset="dvctt", district=SON_HA)
    assert {m.label: m.value for m in at.metric} == {"Đã gửi": "0/5", "Chưa gửi": "5", "Chưa gửi kỳ nào": "3"}
    missing = at.dataframe[0].value
    q3 = period_label("dvctt", date(2025, 7, 1), date(2025, 9, 30))  # '01/07–30/09/2025', as every page writes it
    assert missing[["Đơn vị", "Kỳ gửi gần nhất", "Số kỳ liên tiếp chưa gửi"]].values.tolist() == [
        ["Xã Sơn Hà", q3, 1], ["Xã Sơn Hạ", q3, 1],
        ["Xã Sơn Kỳ", "chưa gửi kỳ nào", 2], ["Xã Sơn Linh", "chưa gửi kỳ nào", 2], ["Xã Sơn Thủy", "chưa gửi kỳ nào", 2]]
    assert [b.key for b in at.get("download_button")] == ["reporting_export"]
    assert at.query_params["period"] == "2025-10-01_2025-10-31" and at.query_params["district"] == SON_HA
    at.selectbox(key="reporting_period_dvctt").set_value("2025-07-01_2025-09-30").run()
    assert at.dataframe[0].value["Đơn vị"].tolist() == ["Xã Sơn Kỳ", "Xã Sơn Linh", "Xã Sơn Thủy"]


def test_overview_links_each_datasets_missing_count(open_page, chased):
    at = open_page(db=chased)
    links = {link.proto.label: link.proto.page for link in at.get("page_link") if link.proto.page == "reporting"}
    october = period_label("dvctt", date(2025, 10, 1), date(2025, 10, 31))
    assert links == dict.fromkeys(["Đủ 96 đơn vị đã gửi kỳ tháng 11/2025", f"95 đơn vị chưa gửi kỳ {october}",
                                   "Đủ 96 đơn vị đã gửi kỳ ngày 18/11/2025"], "reporting")
