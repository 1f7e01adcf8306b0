"""History: a corrected resend supersedes, retract brings the earlier values back, findings export inert."""

import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

import ui
from warehouse import db, exports, load, queries

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
          "Tiếp nhận trực tiếp và bưu chính"]
MO_CAY_RATE = ("select round(value, 1) from mart_commune_metrics where metric = 'online_rate_pct' and "
               "commune_code = '21421' and period_end = date '2025-10-30'")


def cli(db_file, *args):
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def one(db_file, sql, params=None):
    with duckdb.connect(str(db_file), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()[0]


def test_cli_corrected_resend_wins_and_retracting_it_brings_the_first_back(db_file, make_xlsx):
    first = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3000, 781]], "mo_cay_t10.xlsx")
    fixed = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505]], "mo_cay_t10_sua.xlsx")
    assert cli(db_file, "load", str(first)).returncode == 0
    assert one(db_file, MO_CAY_RATE) == 79.3  # 3.000 / 3.781
    done = cli(db_file, "load", str(fixed))
    assert done.returncode == 0, done.stdout + done.stderr
    assert one(db_file, MO_CAY_RATE) == 86.6  # 3.276 / 3.781: the corrected file wins
    history = cli(db_file, "loads")
    assert "mo_cay_t10.xlsx" in history.stdout and "mo_cay_t10_sua.xlsx" in history.stdout
    fixed_id = one(db_file, "select load_id from meta.loads where file_name = 'mo_cay_t10_sua.xlsx'")

    retracted = cli(db_file, "--user", "chuyên viên B", "retract", str(fixed_id))
    assert retracted.returncode == 0 and f"Đã thu hồi lần nạp #{fixed_id}" in retracted.stdout
    assert one(db_file, MO_CAY_RATE) == 79.3  # the earlier load counts again
    assert one(db_file, "select count(*) from raw.dvctt") == 2  # nothing deleted
    assert one(db_file, "select retracted_by from meta.loads where load_id = ?", [fixed_id]) == "chuyên viên B"
    again = cli(db_file, "retract", str(fixed_id))
    assert again.returncode == 1 and "đã được thu hồi" in again.stderr


@pytest.fixture
def history_page(open_page, seeded_copy):
    return functools.partial(open_page, "app_pages/history.py", db=seeded_copy)


def rows_by_load(at):
    return at.dataframe[0].value.set_index("Lần nạp")


def test_page_shows_both_loads_and_retract_with_confirmation(history_page, seeded_copy, make_xlsx):
    # the sample has Mỏ Cày at 3.276 / 3.781 = 86,6 %; a resend says 3.000
    resend = load.load_path(make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3000, 781]], "resend.xlsx"),
                            db_file=seeded_copy, loaded_by="lan")
    sample_id = one(seeded_copy, "select load_id from meta.loads where dataset = 'dvctt' and is_sample")
    assert one(seeded_copy, MO_CAY_RATE) == 79.3
    at = history_page()
    table = rows_by_load(at)
    assert table.at[resend.load_id, "Trạng thái"] == "đã nạp" and table.at[resend.load_id, "Dòng đang dùng"] == 1
    assert table.at[sample_id, "Trạng thái"] == "bị thay thế một phần"
    assert table.at[sample_id, "Dòng đang dùng"] == table.at[sample_id, "Số dòng"] - 1

    at.button(key="history_retract").click().run()
    assert "Thu hồi lần nạp #" in at.warning[0].value and "Không dữ liệu nào bị xóa" in at.warning[0].value
    assert one(seeded_copy, MO_CAY_RATE) == 79.3  # nothing yet: it waits for the confirmation
    at.button(key="history_retract_confirm").click().run()
    assert not at.exception
    assert at.success and f"Đã thu hồi lần nạp #{resend.load_id}" in at.success[0].value
    table = rows_by_load(at)
    assert table.at[resend.load_id, "Trạng thái"] == "đã thu hồi" and table.at[sample_id, "Trạng thái"] == "đã nạp"
    assert any("thu hồi bởi ứng dụng web" in c.value for c in at.caption)  # when: in the load's line, not the table
    assert "history_retract" not in {b.key for b in at.button}  # a retracted load cannot be retracted again
    assert one(seeded_copy, MO_CAY_RATE) == 86.6
    assert one(seeded_copy, "select retracted_by from meta.loads where load_id = ?", [resend.load_id]) == \
        "ứng dụng web (chế độ mở)"


def test_cancel_retract_changes_nothing(history_page, seeded_copy, make_xlsx):
    resend = load.load_path(make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3000, 781]]),
                            db_file=seeded_copy)
    at = history_page()
    at.button(key="history_retract").click().run()
    at.button(key="history_retract_cancel").click().run()
    assert not at.warning and "history_retract_confirm" not in {b.key for b in at.button}
    assert one(seeded_copy, "select retracted_at from meta.loads where load_id = ?", [resend.load_id]) is None


def test_link_opens_a_rejected_load_with_its_findings_and_original(history_page, seeded_copy, make_xlsx, monkeypatch):
    bad = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, -1, 505]], "sai.xlsx")
    rejected = load.load_path(bad, db_file=seeded_copy)
    at = history_page(load=str(rejected.load_id))
    assert at.selectbox(key="history_load").value == rejected.load_id
    findings = at.dataframe[1].value
    assert findings.iloc[0][["Mức độ", "Dòng", "Cột", "Giá trị"]].tolist() == ["Lỗi", 2, "Tiếp nhận trực tuyến", "-1"]
    assert {"history_findings_export", "history_original"} <= {b.key for b in at.download_button}
    assert "history_retract" not in {b.key for b in at.button}  # nothing to retract
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    original = ui.original_file(rejected.load_id)
    assert original.parent.name == "quarantine" and original.read_bytes() == bad.read_bytes()


def test_findings_and_history_exports_neutralise_formulas(seeded_copy, make_csv, history_page):
    evil = '=HYPERLINK("http://example.invalid/x","Mỏ Cày")'
    path = make_csv('Tên xã,Ngày số liệu,Số học viên tham gia\n"' + evil.replace('"', '""') + '",25/11/2025,10\n')
    result = load.load_path(path, db_file=seeded_copy, file_name="=1+2.csv")
    assert result.status == load.REJECTED and result.errors[0].value == evil
    _, con = db.Snapshots(seeded_copy).connection()
    findings = ui.findings_frame_from(queries.load_findings(con.cursor(), result.load_id))
    cell = _cells(exports.to_xlsx(findings))[(2, findings.columns.get_loc("Giá trị") + 1)]
    assert cell.value == "'" + evil and cell.data_type == "s"  # text shown as typed, never a formula
    history = queries.load_history(con.cursor()).rename(columns={"file_name": "Tệp"})
    cells = _cells(exports.to_xlsx(history[["Tệp"]]))
    assert cells[(2, 1)].value == "'=1+2.csv" and cells[(2, 1)].data_type == "s"
    at = history_page(load=str(result.load_id))  # a CSV has no sheet: its findings and its line name none
    assert at.dataframe[1].value.columns.tolist() == ["Mức độ", "Dòng", "Cột", "Giá trị", "Yêu cầu / vấn đề"]
    assert not any("trang tính" in c.value for c in at.caption)


def _cells(data: bytes) -> dict:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return {(c.row, c.column): c for row in ws.iter_rows() for c in row}


LAPTOP_MAIN_PX = 900  # the main column beside the sidebar on a 1.366 px laptop (screenshots: 905 px)


def test_history_reads_in_vietnamese_and_fits_a_laptop(open_page):
    at = open_page("app_pages/history.py")  # the sample: seven loads by the seed, newest first
    table = at.dataframe[0]
    assert table.value["Bộ dữ liệu"].tolist() == ["DVCTT", "Chỉ tiêu", "Chỉ tiêu", "BDHVS", "DVCTT", "Hạ tầng số",
                                                   "Danh mục xã"]
    assert set(table.value["Người nạp"]) == {"khởi tạo kho"} and table.value["Trạng thái"].iloc[-1] == "đã nạp"
    config = json.loads(table.proto.columns)
    assert sum(c.get("width", 0) for c in config.values()) <= LAPTOP_MAIN_PX
    assert (config["Lần nạp"]["label"], config["Số dòng"]["label"]) == ("#", "Dòng") and config["Số dòng"]["help"]
    assert any("trang tính «Minh Long»" in c.value and "nạp bởi khởi tạo kho" in c.value for c in at.caption)
    assert any("WAREHOUSE_OPEN_UPLOADS" in c.value for c in at.sidebar.caption)  # an analyst's page
    assert not any("WAREHOUSE_OPEN_UPLOADS" in c.value for c in open_page().sidebar.caption)  # a leader's page
