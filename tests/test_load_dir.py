"""The drop folder: new files load and move, repeats are skipped, rejects say why, half-written files wait."""

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from warehouse import dropdir, load

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
          "Tiếp nhận trực tiếp và bưu chính"]


def write(folder: Path, name: str, rows: list, age_s: float = 60) -> Path:
    """A real workbook in the drop folder, last modified `age_s` seconds ago."""
    wb = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        wb.active.append(row)
    path = folder / name
    wb.save(path)
    os.utime(path, (time.time() - age_s, time.time() - age_s))
    return path


@pytest.fixture
def drop(tmp_path, db_file, make_xlsx) -> Path:
    """A drop folder: a good file, a bad one, one already loaded, one being written, one open in Excel."""
    folder = tmp_path / "drop"
    folder.mkdir()
    already = write(folder, "da_nap.xlsx", [["21292", "01/07/2025", "30/10/2025", 200, 150, 50]])
    assert load.load_path(already, db_file=db_file).status == load.LOADED
    write(folder, "mo_cay.xlsx", [["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505]])
    write(folder, "sai.xlsx", [["21421", "01/01/2025", "30/06/2025", 100, 150, 0]])
    write(folder, "dang_ghi.xlsx", [["21025", "01/07/2025", "30/10/2025", 10, 5, 5]], age_s=0)
    write(folder, "dang_mo.xlsx", [["21028", "01/07/2025", "30/10/2025", 10, 5, 5]])
    (folder / "~$dang_mo.xlsx").write_bytes(b"\x00owner")
    return folder


def run(db_file, *args):
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-m", "warehouse", "load-dir", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def test_cli_loads_moves_and_exits_1_on_a_rejection_then_0(drop, db_file):
    done = run(db_file, str(drop))
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "Đã nạp: mo_cay.xlsx — 1 dòng vào bộ 'dvctt' (lần nạp #4) → loaded/mo_cay.xlsx" in lines
    assert "Đã có: da_nap.xlsx — cùng nội dung đã được nạp (lần nạp #2), không nạp lại → loaded/da_nap.xlsx" in lines
    rejected = lines.index("Từ chối: sai.xlsx — 1 lỗi, không ghi dòng nào (lần nạp #5) → rejected/sai.xlsx")
    assert "dòng 2" in lines[rejected + 1] and "cột 'Tiếp nhận trực tuyến'" in lines[rejected + 1]
    assert any(line.startswith("Để lần sau: dang_ghi.xlsx — tệp vừa thay đổi") for line in lines)
    assert "Để lần sau: dang_mo.xlsx — bảng tính đang được mở trong Excel." in lines
    assert "Để lần sau: ~$dang_mo.xlsx — tệp khóa của Excel (bảng tính đang mở)." in lines
    assert lines[-1].endswith("6 tệp — 1 đã nạp, 1 đã có từ trước, 1 bị từ chối, 3 để lần sau.")

    assert names(drop) == {"dang_ghi.xlsx", "dang_mo.xlsx", "~$dang_mo.xlsx"}
    assert names(drop / "loaded") == {"mo_cay.xlsx", "da_nap.xlsx"}
    assert names(drop / "rejected") == {"sai.xlsx", "sai.xlsx.loi.txt"}
    assert "Tiếp nhận trực tuyến" in (drop / "rejected" / "sai.xlsx.loi.txt").read_text(encoding="utf-8")
    with duckdb.connect(str(db_file), read_only=True) as con:
        assert con.execute("select file_name, status from meta.loads where load_id >= 3 order by load_id").fetchall() == \
            [("da_nap.xlsx", "duplicate"), ("mo_cay.xlsx", "loaded"), ("sai.xlsx", "rejected")]  # every attempt

    # Excel closed, the copy finished: the next run takes both and succeeds
    (drop / "~$dang_mo.xlsx").unlink()
    os.utime(drop / "dang_ghi.xlsx", (time.time() - 60, time.time() - 60))
    again = run(db_file, str(drop))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[-1].endswith("2 tệp — 2 đã nạp.")
    assert names(drop) == set() and names(drop / "loaded") == {"mo_cay.xlsx", "da_nap.xlsx", "dang_ghi.xlsx", "dang_mo.xlsx"}


def test_no_move_records_outcomes_and_does_not_retry_a_rejected_file(drop, db_file):
    first = dropdir.load_dir(drop, move=False, db_file=db_file)
    assert not first.ok and first.count(dropdir.LOADED) == 1 and first.rejected == 1
    assert names(drop) == {"mo_cay.xlsx", "sai.xlsx", "da_nap.xlsx", "dang_ghi.xlsx", "dang_mo.xlsx", "~$dang_mo.xlsx"}
    manifest = (drop / dropdir.MANIFEST).read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "handled_at\tfile_name\tsha256\tstatus\tload_id" and len(manifest) == 4

    second = dropdir.load_dir(drop, move=False, db_file=db_file)
    assert second.ok  # nothing new was rejected
    outcomes = {f.name: f.outcome for f in second.files}
    assert outcomes["mo_cay.xlsx"] == dropdir.DUPLICATE and outcomes["sai.xlsx"] == dropdir.SKIPPED
    assert "đã bị từ chối ở lần chạy trước (lần nạp #5)" in next(f.line for f in second.files if f.name == "sai.xlsx")

    # the sender fixes the file under the same name: new content, so it is tried again
    write(drop, "sai.xlsx", [["21421", "01/01/2025", "30/06/2025", 100, 50, 50]])
    third = dropdir.load_dir(drop, move=False, db_file=db_file)
    assert {f.name: f.outcome for f in third.files}["sai.xlsx"] == dropdir.LOADED


@pytest.mark.parametrize("name, age_s, reason", [
    ("bao_cao.xlsx", 60, None),
    ("bao_cao.xlsx", 1, "tệp vừa thay đổi 1 giây trước, có thể đang được ghi"),
    ("~$bao_cao.xlsx", 60, "tệp khóa của Excel (bảng tính đang mở)"),
    ("bao_cao.xlsx.crdownload", 60, "tệp đang được tải về hoặc sao chép"),
    ("bao_cao.csv.part", 60, "tệp đang được tải về hoặc sao chép"),
])
def test_waiting_reason(tmp_path, name, age_s, reason):
    path = tmp_path / name
    path.write_bytes(b"x")
    now = time.time()
    os.utime(path, (now - age_s, now - age_s))
    assert dropdir.waiting_reason(path, 5.0, now) == reason


def test_a_second_run_on_the_same_folder_steps_aside(drop, db_file):
    with open(drop / dropdir.LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        report = dropdir.load_dir(drop, db_file=db_file)
    assert report.busy and report.ok and report.files == []
    assert "đang được một lần chạy khác xử lý" in report.lines()[0]


def test_missing_folder_is_a_message(db_file, tmp_path):
    done = run(db_file, str(tmp_path / "khong_co"))
    assert done.returncode == 1 and "Không tìm thấy thư mục" in done.stderr and "Traceback" not in done.stderr
