"""python -m warehouse extract: the summary, the workbook, and the workbook through python -m warehouse load.

One run of each command is a real subprocess; the other cases call the same main() in-process (a load
imports great-expectations: seconds per process on a busy machine).
"""

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from fixtures.reports import builders
from openpyxl import load_workbook

from warehouse import datasets
from warehouse.__main__ import main
from warehouse.extract import read, run, write_workbook
from warehouse.extract.workbook import FIGURE_HEADERS, FIGURES_SHEET

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).parent / "fixtures" / "reports"
MO_CAY = REPORTS / "004_c896218ea5f897fb.pdf"


def warehouse(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "GX_ANALYTICS_ENABLED": "False", "WAREHOUSE_OPEN_UPLOADS": "1"}
    if db is not None:
        env["WAREHOUSE_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.fixture
def cli(monkeypatch, capsys):
    """main() in-process: (exit code, stdout, stderr)."""

    def call(*args: str, db: Path | None = None):
        if db is not None:
            monkeypatch.setenv("WAREHOUSE_DB", str(db))
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_extract_prints_a_vietnamese_summary_and_exits_0(tmp_path):
    done = warehouse("extract", str(MO_CAY), "--out", str(tmp_path / "so_lieu.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "Đơn vị báo cáo: Xã Mỏ Cày (mã 21421)" in done.stdout
    assert "Kỳ của số liệu dùng được: đến ngày 03/11/2025; đến ngày 18/11/2025; 01/07–30/10/2025" in done.stdout
    assert "Số liệu dùng được: 37 (bdhvs 14, dvctt 23); không dùng:" in done.stdout
    assert (tmp_path / "so_lieu.xlsx").exists()


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: builders.write_scanned_pdf(p / "scan.pdf", "BÁO CÁO\nTổng số hồ sơ tiếp nhận: 3.781 hồ sơ"), "không có lớp chữ"),
    (lambda p: builders.write_encrypted_pdf(p / "khoa.pdf", "BÁO CÁO"), "mật khẩu"),
    (lambda p: _empty(p / "rong.docx"), "rỗng"),
])
def test_extract_exits_2_with_a_vietnamese_message_on_a_file_it_cannot_read(cli, tmp_path, make, words):
    code, out, err = cli("extract", str(make(tmp_path)))
    assert code == 2 and words in err and out == ""


def test_extract_exits_2_in_a_real_process_too(tmp_path):
    done = warehouse("extract", str(builders.write_scanned_pdf(tmp_path / "scan.pdf", "BÁO CÁO")))
    assert done.returncode == 2 and "không có lớp chữ" in done.stderr and "Traceback" not in done.stderr


def test_extract_unknown_unit_exits_2(cli):
    code, _, err = cli("extract", str(MO_CAY), "--unit", "Sơn Hx")
    assert code == 2 and "Không có đơn vị 'Sơn Hx'" in err and "Xã Sơn Hạ" in err


def test_unit_chosen_by_hand(tmp_path):
    path = tmp_path / "khong_ten.txt"
    path.write_text("BÁO CÁO tháng 11/2025\n- Số thuê bao di động: 18.019/19.080 dân số, đạt 94,4%.\n", encoding="utf-8")
    assert run.analyse(read.read_document(path)).used == []  # whose report? nobody's: nothing is credited
    chosen = run.extract_report(path, unit="đặc khu Lý Sơn")
    assert chosen.unit.code == "21548" and {f.column for f in chosen.used} == {
        "mobile_subs", "reported_population", "mobile_subs_per_100_reported"}


def test_a_former_districts_report_stays_its_own_under_unit():
    extraction = run.extract_report(REPORTS / "002_b933e74b76ef5e7e.txt", unit="Xã Minh Long")
    assert extraction.unit.kind == "former" and extraction.used == []
    assert any("không ghi cho Xã Minh Long" in note for note in extraction.notes)


def test_workbook_sheets_headers_and_rows(tmp_path):
    out = tmp_path / "so_lieu.xlsx"
    write_workbook(run.analyse(read.read_document(MO_CAY)), out)
    book = load_workbook(out)
    assert book.sheetnames == ["bdhvs", "dvctt", FIGURES_SHEET, "Tóm tắt"]
    dvctt = list(book["dvctt"].iter_rows(values_only=True))
    labels = {c.label: c.name for c in datasets.DVCTT.columns}
    assert set(dvctt[0]) <= set(labels) and dvctt[0][:4] == ("Mã xã", "Tên xã", "Từ ngày", "Đến ngày")
    row = dict(zip([labels[h] for h in dvctt[0]], dvctt[1], strict=True))
    assert row["commune_code"] == "21421" and row["period_start"].date() == date(2025, 7, 1)
    assert (row["received_total"], row["received_online"], row["online_rate_pct_reported"]) == (3781, 3276, 86.6)
    bdhvs = list(book["bdhvs"].iter_rows(values_only=True))
    assert "Xếp hạng học viên" in bdhvs[0] and len(bdhvs) == 3
    figures = list(book[FIGURES_SHEET].iter_rows(values_only=True))
    assert figures[0] == FIGURE_HEADERS and len(figures) > 37
    assert {r[1] for r in figures[1:]} == {"dùng", "không dùng"} and all(r[-1] for r in figures[1:])


def test_workbook_loads_through_the_load_command(cli, tmp_path, db_file):
    """The commands an operator runs: extract, then load each dataset's sheet into the warehouse."""
    out = tmp_path / "mo_cay.xlsx"
    assert cli("extract", str(MO_CAY), "--out", str(out))[0] == 0
    done = warehouse("load", str(out), "--dataset", "dvctt", "--sheet", "dvctt", db=db_file)
    assert done.returncode == 0, done.stdout + done.stderr
    code, stdout, _ = cli("load", str(out), "--dataset", "bdhvs", "--sheet", "bdhvs", db=db_file)
    assert code == 0, stdout
    assert rows(db_file, "select commune_code, period_start, period_end, received_total, received_online, resolved_on_time, "
                         "on_time_rate_pct_reported, partial_procedures from raw.dvctt") == [
        ("21421", date(2025, 7, 1), date(2025, 10, 30), 3781, 3276, 3679, 99.95, 233)]
    assert rows(db_file, "select snapshot_date, learners, learners_official_rank from raw.bdhvs order by 1") == [
        (date(2025, 11, 3), 3118, "7/96"), (date(2025, 11, 18), 4365, "11/96")]


def test_unseen_reports_workbook_loads_with_its_qualifier(cli, tmp_path, db_file):
    out = tmp_path / "ly_son.xlsx"
    write_workbook(run.analyse(read.read_document(builders.write_docx(tmp_path / "ly_son.docx"))), out)
    for dataset in ("broadband", "dvctt", "bdhvs"):
        code, stdout, _ = cli("load", str(out), "--dataset", dataset, "--sheet", dataset, db=db_file)
        assert code == 0, stdout
        if dataset == "dvctt":
            assert "trên" in stdout  # 'Tỷ lệ thanh toán trực tuyến đạt trên 75%': loaded as 75 with a warning
    assert rows(db_file, "select period, bts_stations, fibre_households, households, mobile_subs, reported_population "
                         "from raw.broadband") == [(date(2025, 11, 30), 28, 4520, 6160, 18019, 19080)]
    assert rows(db_file, "select online_payment_pct_reported from raw.dvctt") == [(75.0,)]
