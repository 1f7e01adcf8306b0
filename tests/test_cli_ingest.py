"""python -m warehouse load: the dataset recognised from the headers, --sheet, --period (run in-process)."""

import duckdb
import pytest
from fixtures import workbooks as wbk

from warehouse.__main__ import main


@pytest.fixture
def cli(db_file, monkeypatch, capsys):
    monkeypatch.setenv("WAREHOUSE_DB", str(db_file))

    def run(*args):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def rows(db_file, sql):
    with duckdb.connect(str(db_file), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_gov_workbook_without_dataset_is_recognised_and_loaded(cli, db_file, tmp_path):
    code, out, _ = cli("load", str(wbk.gov_dvctt(tmp_path / "bieu01.xlsx")))
    assert code == 0, out
    assert "Nhận diện bộ dữ liệu: dvctt" in out and "Đã nạp 3 dòng" in out
    assert "dùng kỳ ghi ở tiêu đề: từ 01/07/2025 đến 30/10/2025" in out
    assert "dòng 11, cột 'Tiếp nhận trực tuyến', giá trị '4.377'" in out
    assert rows(db_file, "select count(*), min(period_start), max(period_end) from raw.dvctt")[0][0] == 3


def test_two_row_header_without_dataset(cli, make_xlsx):
    path = make_xlsx([
        ["BÁO CÁO BÌNH DÂN HỌC VỤ SỐ"],
        ["Đơn vị", None, "Kết quả", None],
        ["Mã xã", "Ngày số liệu", "Số học viên tham gia", "Số chứng nhận đạt được"],
        ["21421", "18/11/2025", "4.365", "2.993"],
    ])
    code, out, _ = cli("load", str(path))
    assert code == 0, out
    assert "Nhận diện bộ dữ liệu: bdhvs" in out and "Đã nạp 1 dòng" in out


def test_file_matching_no_dataset_lists_datasets_and_required_columns(cli, make_xlsx):
    path = make_xlsx([["DANH SÁCH CÁN BỘ"], ["Họ và tên", "Chức vụ", "Điện thoại"], ["Nguyễn Văn An", "Chuyên viên", "0905"]])
    code, out, _ = cli("load", str(path))
    assert code == 1
    assert "Không tìm thấy dòng tiêu đề" in out
    for line in ("- dvctt (Hồ sơ thủ tục hành chính và dịch vụ công trực tuyến): Mã xã hoặc Tên xã, Từ ngày, Đến ngày",
                 "- bdhvs (Bình dân học vụ số): Mã xã hoặc Tên xã, Ngày số liệu, Số học viên tham gia",
                 "- broadband (Hạ tầng số)", "- communes", "- targets"):
        assert line in out
    assert "Nhận diện bộ dữ liệu" not in out


def test_sheet_option(cli, db_file, tmp_path):
    path = wbk.several_sheets(tmp_path / "hai_bang.xlsx")
    code, out, _ = cli("load", str(path), "--sheet", "BDHVS")
    assert code == 0, out
    assert "Nhận diện bộ dữ liệu: bdhvs" in out
    assert rows(db_file, "select commune_code, learners from raw.bdhvs") == [("21421", 4365)]
    code, out, _ = cli("load", str(path), "--sheet", "Tháng 12")
    assert code == 1 and "không có trang tính 'Tháng 12'" in out and "'DVCTT'" in out


def test_period_option(cli, db_file, tmp_path):
    path = wbk.gov_dvctt(tmp_path / "khong_ky.xlsx", title_period=None)
    code, out, _ = cli("load", str(path))
    assert code == 1 and "--period" in out and "Không ghi dòng nào" in out
    code, out, _ = cli("load", str(path), "--period", "ngày mai")
    assert code == 1 and "Không đọc được kỳ báo cáo 'ngày mai'" in out
    code, out, _ = cli("load", str(path), "--period", "01/07/2025-30/10/2025")
    assert code == 0, out
    assert rows(db_file, "select distinct period_start, period_end from raw.dvctt") == [
        (__import__("datetime").date(2025, 7, 1), __import__("datetime").date(2025, 10, 30))]


def test_another_sheet_of_a_loaded_file_is_not_a_duplicate(cli, tmp_path):
    path = wbk.several_sheets(tmp_path / "hai_bang.xlsx")
    assert cli("load", str(path), "--sheet", "DVCTT")[0] == 0
    code, out, _ = cli("load", str(path), "--sheet", "DVCTT")
    assert code == 0 and "đã được nạp trước đó" in out
    code, out, _ = cli("load", str(path), "--sheet", "BDHVS")
    assert code == 0 and "Đã nạp 1 dòng" in out and "bdhvs" in out
