"""A load killed with SIGKILL mid-way leaves all of the file or none of it, and the warehouse opens cleanly.

The loading process is the real CLI (`load FILE`) on a 5.760-row workbook, started through the test-only
launcher tests/fault_load.py, which pauses the load's commit right before or right after it and writes a
marker — rows inserted, not committed; or committed, original not yet renamed — and the test kills it
there, deterministically.
"""

import csv
import fcntl
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pytest

from warehouse import load

ROOT = Path(__file__).resolve().parent.parent
N_DATES = 60


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """Bình dân học vụ số for the 96 communes on 60 weekly dates: 5.760 rows."""
    with open(ROOT / "data" / "reference" / "communes.csv", encoding="utf-8") as fh:
        codes = [r["commune_code"] for r in csv.DictReader(fh)]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("BDHVS")
    ws.append(["Mã xã", "Ngày số liệu", "Số học viên tham gia", "Số chuyên đề hoàn thành", "Số chứng nhận đạt được"])
    for week in range(N_DATES):
        day = (date(2025, 1, 5) + timedelta(days=7 * week)).strftime("%d/%m/%Y")
        for i, code in enumerate(codes):
            ws.append([code, day, 100 + i + week, 5, 50 + i])
    path = tmp_path_factory.mktemp("big") / "bdhvs_60_tuan.xlsx"
    wb.save(path)
    return path


def kill_at(point: str, db_file: Path, path: Path, tmp_path: Path) -> None:
    """Start a CLI load that stops at the fault point, wait for its marker, SIGKILL it."""
    marker = tmp_path / f"{point}.marker"
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "tests.fault_load", point, str(marker), "load", str(path)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "the load never reached the fault point"
            time.sleep(0.05)
        assert int(marker.read_text()) == proc.pid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def lock_is_free(db_file: Path) -> bool:
    with open(db_file.with_name(db_file.name + ".lock"), "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
        return True


def originals(db_file: Path) -> tuple[list[str], list[str]]:
    """(archived originals, leftover .part files) beside the database."""
    files = sorted(p.name for p in (db_file.parent / "archive").iterdir())
    return [f for f in files if not f.startswith(".")], [f for f in files if f.endswith(".part")]


@pytest.mark.parametrize("point, rows_after", [("BEFORE_COMMIT", 0), ("AFTER_COMMIT", N_DATES * 96)])
def test_sigkill_mid_load_leaves_all_or_nothing(point, rows_after, db_file, big_file, tmp_path, make_xlsx):
    archived_before, _ = originals(db_file)
    kill_at(point, db_file, big_file, tmp_path)
    assert lock_is_free(db_file)

    with duckdb.connect(str(db_file)) as con:  # opens read-write: the WAL replays (or is discarded) cleanly
        assert con.execute("select count(*) from raw.bdhvs").fetchone()[0] == rows_after
        loads = con.execute("select status, rows_loaded, stored_path from meta.loads where file_name = ?",
                            [big_file.name]).fetchall()
        assert con.execute("select count(*) from stg_bdhvs").fetchone()[0] == rows_after
    archived, parts = originals(db_file)
    if rows_after:
        [(status, rows_loaded, stored_path)] = loads
        assert (status, rows_loaded) == ("loaded", rows_after)
        assert archived == archived_before and len(parts) == 1  # committed; the copy still has its temporary name
    else:
        assert loads == []  # no half record
        assert archived == archived_before and len(parts) == 1  # the copy never got a name that counts

    # the next load succeeds and settles what the killed one left
    small = make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], ["21421", "25/11/2025", 10]], "sau.xlsx")
    assert load.load_path(small, db_file=db_file).status == load.LOADED
    again = load.load_path(big_file, db_file=db_file)
    assert again.status == (load.DUPLICATE if rows_after else load.LOADED)
    archived, parts = originals(db_file)
    assert parts == [] and len(archived) == len(archived_before) + 2
    with duckdb.connect(str(db_file), read_only=True) as con:
        assert con.execute("select count(*) from raw.bdhvs").fetchone()[0] == N_DATES * 96 + 1
        for (stored,) in con.execute("select stored_path from meta.loads where stored_path is not null").fetchall():
            assert Path(stored).is_file(), stored  # every record's original is there
    if rows_after:
        assert Path(stored_path).read_bytes() == big_file.read_bytes()
