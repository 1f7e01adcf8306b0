"""Loading: all rows or none, history of every attempt, no-op repeats, supersede and retract, CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse import load

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
          "Tiếp nhận trực tiếp và bưu chính"]


def count(db_file, sql):
    with duckdb.connect(str(db_file), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_rejected_file_writes_no_row_and_is_quarantined(db_file, make_xlsx):
    path = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505],
                      ["21292", "01/07/2025", "30/10/2025", 100, 150, 0]])
    result = load.load_path(path, db_file=db_file)
    assert result.status == load.REJECTED
    assert [(f.row, f.column) for f in result.errors] == [(3, "Tiếp nhận trực tuyến")]
    assert count(db_file, "select count(*) from raw.dvctt") == 0
    status, findings, stored = duckdb.connect(str(db_file), read_only=True).execute(
        "select status, findings, stored_path from meta.loads where load_id = ?", [result.load_id]).fetchone()
    assert status == "rejected"
    assert json.loads(findings)[0]["row"] == 3
    assert "quarantine" in stored and Path(stored).read_bytes() == path.read_bytes()


def test_accepted_file_is_archived_and_counted(db_file, make_xlsx):
    path = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505]])
    result = load.load_path(path, db_file=db_file, loaded_by="chuyên viên A")
    assert (result.status, result.dataset, result.rows) == (load.LOADED, "dvctt", 1)
    row = duckdb.connect(str(db_file), read_only=True).execute(
        "select rows_loaded, loaded_by, stored_path, sha256 from meta.loads where load_id = ?", [result.load_id]).fetchone()
    assert row[:2] == (1, "chuyên viên A") and "archive" in row[2] and row[3] == load.sha256_of(path)
    assert count(db_file, "select received_online from stg_dvctt where commune_code = '21421'") == 3276


def test_minh_long_report_loads_with_a_warning(db_file, make_xlsx):
    path = make_xlsx([["Tên xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
                       "Tiếp nhận trực tiếp và bưu chính"],
                      ["Xã Minh Long", "01/01/2025", "30/06/2025", "1.686", "1.644", 47]])
    result = load.load_path(path, db_file=db_file)
    assert result.status == load.LOADED
    [warning] = result.warnings
    assert warning.value == "1.644 + 47 = 1.691 ≠ 1.686"
    assert count(db_file, f"select n_warnings from meta.loads where load_id = {result.load_id}") == 1
    assert count(db_file, "select received_total from stg_dvctt where commune_code = '21361'") == 1686


def test_same_file_twice_writes_no_rows_but_records_the_attempt(db_file, make_xlsx):
    path = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505]])
    first = load.load_path(path, db_file=db_file)
    archived = sorted((db_file.parent / "archive").iterdir())
    second = load.load_path(path, db_file=db_file, loaded_by="lan")
    assert second.status == load.DUPLICATE and second.previous_load_id == first.load_id
    assert "đã được nạp" in second.summary()
    attempt = f"select dataset, status, rows_loaded, loaded_by, stored_path is null from meta.loads where load_id = {second.load_id}"
    with duckdb.connect(str(db_file), read_only=True) as con:
        assert con.execute(attempt).fetchone() == ("dvctt", "duplicate", 0, "lan", True)
    assert count(db_file, "select count(*) from raw.dvctt") == 1
    assert sorted((db_file.parent / "archive").iterdir()) == archived  # the original is kept once


def test_newer_load_supersedes_and_retract_restores(db_file, make_xlsx):
    first = load.load_path(make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3000, 781]], "a.xlsx"),
                           db_file=db_file)
    second = load.load_path(make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505]], "b.xlsx"),
                            db_file=db_file)
    online = "select received_online from stg_dvctt where commune_code = '21421'"
    assert count(db_file, online) == 3276
    with duckdb.connect(str(db_file)) as con:
        assert "thu hồi" in load.retract(con, second.load_id, by="test")
        with pytest.raises(ValueError, match="đã được thu hồi"):
            load.retract(con, second.load_id)
    assert count(db_file, online) == 3000
    assert count(db_file, "select count(*) from raw.dvctt") == 2  # nothing deleted
    assert first.load_id < second.load_id


def run_cli(db_file, *args):
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_load_exit_codes_and_messages(db_file, make_xlsx):
    good = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505]], "good.xlsx")
    bad = make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, -1, 505]], "bad.xlsx")
    ok = run_cli(db_file, "load", str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "dvctt" in ok.stdout and "Đã nạp 1 dòng" in ok.stdout
    again = run_cli(db_file, "load", str(good))
    assert again.returncode == 0 and "đã được nạp" in again.stdout
    rejected = run_cli(db_file, "load", str(bad), "--dataset", "dvctt")
    assert rejected.returncode == 1
    assert "dòng 2" in rejected.stdout and "Tiếp nhận trực tuyến" in rejected.stdout and "'-1'" in rejected.stdout
    history = run_cli(db_file, "loads")
    assert history.returncode == 0 and "good.xlsx" in history.stdout and "rejected" in history.stdout


def test_cli_retract_unknown_load_says_so(db_file):
    result = run_cli(db_file, "retract", "9999")
    assert result.returncode == 1 and "Không có lần nạp #9999" in result.stderr


def test_cli_seed_twice_build_and_check(tmp_path):
    db_file = tmp_path / "fresh" / "warehouse.duckdb"
    first = run_cli(db_file, "seed")
    assert first.returncode == 0 and first.stdout.count("Đã nạp") == 7
    second = run_cli(db_file, "seed")
    assert second.returncode == 0 and second.stdout.count("đã được nạp trước đó") == 7
    assert run_cli(db_file, "seed", "--if-empty").returncode == 0
    built = run_cli(db_file, "build")
    assert built.returncode == 0 and "mart_commune_metrics" in built.stdout
    checked = run_cli(db_file, "check")
    assert checked.returncode == 0 and "dvctt: 0 lỗi, 1 cảnh báo" in checked.stdout  # Minh Long: 1.644 + 47 ≠ 1.686


@pytest.mark.parametrize("args, message", [
    (["load", "khong_co.xlsx"], "Không tìm thấy tệp"),
    (["load", "README.md"], "chỉ nhận tệp Excel"),
])
def test_cli_bad_input_is_a_message_not_a_traceback(db_file, args, message):
    result = run_cli(db_file, *args)
    assert result.returncode in (1, 2)
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
