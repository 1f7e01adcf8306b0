"""Files shaped as the offices write them (issue 8): a ';' CSV with decimal commas and a comma in a
header, a 'Hồ sơ tiếp nhận' group over 'Tổng số | Trực tuyến | Trực tiếp và bưu chính', columns nobody
reads, and figures written with a qualifier ('trên 75%', 'khoảng 62%'). Real .xlsx (openpyxl) and .csv files."""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from warehouse import ingest, load, sources

# Mỏ Cày's report (3.781 received = 3.276 online + 505 direct; 3.681 resolved = 3.679 on time + 2 late)
MO_CAY = ["Xã Mỏ Cày", "01/07/2025", "30/10/2025", "3.781", "3.276", "505", "3.681", "3.679", "2"]
DVCTT_CSV_HEADER = ["Tên đơn vị", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
                    "Trực tiếp và bưu chính", "Đã giải quyết", "Trước hạn, đúng hạn", "Quá hạn"]


def rows(db_file, sql, params=()):
    with duckdb.connect(str(db_file), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


# ---------------------------------------------------------------- 1. ';' CSV with decimal commas


def semicolon_csv(path, lines):
    """As Excel in a Vietnamese locale saves 'CSV UTF-8': BOM, ';' between cells, CRLF, no quotes."""
    path.write_bytes(("\r\n".join(";".join(cells) for cells in lines) + "\r\n").encode("utf-8-sig"))
    return path


def test_semicolon_csv_with_a_comma_in_a_header_is_read_by_semicolons(tmp_path, communes):
    path = semicolon_csv(tmp_path / "dvctt.csv", [DVCTT_CSV_HEADER, MO_CAY,
                                                  ["Xã Sơn Hạ", "01/07/2025", "30/10/2025", "120", "100", "20", "110",
                                                   "108", "2"]])
    table = ingest.read_table(path, None, communes)
    assert table.dataset == "dvctt"
    assert table.headers["resolved_on_time"] == "Trước hạn, đúng hạn"
    assert table.frame[["commune_code", "received_total", "received_online", "resolved_on_time"]].values.tolist() == [
        ["21421", 3781, 3276, 3679], ["21292", 120, 100, 108]]
    assert not [f for f in table.findings if f.severity == "error"]


def test_semicolon_csv_with_decimal_commas_and_title_rows(tmp_path, communes):
    """Lý Sơn's 5G '12,5' and Mỏ Cày's '86,6' are numbers, not two cells; the title rows hold commas too."""
    path = semicolon_csv(tmp_path / "ha_tang.csv", [
        ["BÁO CÁO HẠ TẦNG SỐ, THÁNG 11/2025", "", "", "", ""],
        ["Tên xã", "Kỳ báo cáo", "Tổng số thôn, tổ dân phố", "Số thôn có sóng 4G", "Tỷ lệ phủ sóng 5G (%)"],
        ["Đặc khu Lý Sơn", "11/2025", "9", "9", "12,5"],
        ["Xã Mỏ Cày", "11/2025", "14", "14", "86,6"],
    ])
    table = ingest.read_table(path, None, communes)
    assert table.dataset == "broadband" and table.header_row == 2
    assert table.frame[["villages_total", "villages_4g", "coverage_5g_pct"]].values.tolist() == [[9, 9, 12.5], [14, 14, 86.6]]


@pytest.mark.parametrize("text, delimiter", [
    # ';' with a comma in a header and decimal commas on every line (both split every line alike)
    ("Tên xã;Tỷ lệ, %\nMỏ Cày;86,6\nSơn Hạ;83,3\n", ";"),
    ("Tên xã;Tổng số;Trước hạn, đúng hạn;Tỷ lệ\nMỏ Cày;3.781;3.679;86,6\nSơn Hạ;120;108;90\n", ";"),
    # Excel pads every line, the title too, with ';'
    ("BÁO CÁO, NĂM 2025;;\nTên xã;Tổng;Tỷ lệ (%)\nMỏ Cày;3.781;86,6\n;;\n", ";"),
    # ',' files keep working: quoted commas, ';' inside a cell ('Xã A; Xã B'), decimal points
    ('Tên xã,"Trước hạn, đúng hạn",Tỷ lệ\nMỏ Cày,3679,86.6\nSơn Hạ,108,90.0\n', ","),
    ("Mã xã,Tên xã,Đơn vị cũ sáp nhập,Dân số\n21421,Xã Mỏ Cày,Xã Đức Nhuận; Xã Đức Lợi; Xã Đức Thắng,38386\n"
     "21292,Xã Sơn Hạ,Thị trấn Di Lăng; Xã Sơn Thượng,27000\n21548,Đặc khu Lý Sơn,,22000\n", ","),
    ("Mã xã,Ngày số liệu,Số học viên tham gia\n21421,18/11/2025,3.118\n", ","),
    # tab (Excel's 'Unicode Text'), with a comma in a header and in numbers
    ("Tên xã\tTrước hạn, đúng hạn\tTỷ lệ\nMỏ Cày\t3.679\t86,6\n", "\t"),
    ("một dòng không có dấu phân cách\n", ","),
])
def test_delimiter(text, delimiter):
    assert sources.detect_delimiter(text) == delimiter


def test_the_reference_communes_csv_is_still_comma_separated():
    assert sources.detect_delimiter(load.REFERENCE_COMMUNES.read_text(encoding="utf-8")) == ","


# ---------------------------------------------------------------- 2. a received group over its parts


def received_group_xlsx(path, group: str):
    """Two header rows: '<group>' merged over 'Tổng số | Trực tuyến | Trực tiếp và bưu chính', the period in the title."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 02"
    ws.append(["KẾT QUẢ TIẾP NHẬN HỒ SƠ THỦ TỤC HÀNH CHÍNH"])
    ws.append(["(Từ ngày 01/7/2025 đến ngày 30/10/2025)"])
    ws.append(["STT", "Tên đơn vị", group, None, None, "Đã giải quyết"])
    ws.append([None, None, "Tổng số", "Trực tuyến", "Trực tiếp và bưu chính", None])
    for cells in ("A3:A4", "B3:B4", "C3:E3", "F3:F4"):
        ws.merge_cells(cells)
    ws.append([1, "Xã Mỏ Cày", "3.781", "3.276", 505, "3.681"])
    ws.append([2, "Đặc khu Lý Sơn", 1200, 1000, 200, 1150])
    wb.save(path)
    return path


@pytest.mark.parametrize("group", ["Hồ sơ tiếp nhận", "Số hồ sơ tiếp nhận", "Tổng số hồ sơ tiếp nhận",
                                   "HỒ SƠ TIẾP NHẬN"])
def test_received_group_over_total_online_direct(tmp_path, communes, group):
    table = ingest.read_table(received_group_xlsx(tmp_path / "bieu02.xlsx", group), None, communes)
    assert (table.dataset, table.header_row, table.header_rows) == ("dvctt", 3, 2)
    assert {c: table.headers[c] for c in ("received_total", "received_online", "received_direct")} == {
        "received_total": f"{group} / Tổng số", "received_online": f"{group} / Trực tuyến",
        "received_direct": f"{group} / Trực tiếp và bưu chính"}
    assert table.frame[["commune_code", "received_total", "received_online", "received_direct"]].values.tolist() == [
        ["21421", 3781, 3276, 505], ["21548", 1200, 1000, 200]]
    assert not [f for f in table.findings if f.severity == "error"], [f.describe() for f in table.findings]


@pytest.mark.parametrize("levels, canonical", [
    (("Số hồ sơ tiếp nhận", "Trực tuyến"), "received_online"),
    (("Tổng số hồ sơ tiếp nhận", "Trực tiếp và bưu chính"), "received_direct"),
    (("Số hồ sơ đã giải quyết", "Quá hạn"), "resolved_late"),  # the same rule for another group
    (("Số hồ sơ đã giải quyết", "Trước hạn, đúng hạn"), "resolved_on_time"),
    (("DVCTT toàn trình", "Hồ sơ tiếp nhận", "Trực tuyến"), "full_online"),  # the level above is kept
    (("Hồ sơ DVCTT toàn trình", "Trực tuyến"), None),  # the group names no column: 'DVCTT toàn trình' is not dropped
    (("Tổng số hồ sơ tiếp nhận", "Hồ sơ tiếp nhận"), None),  # not a part of its own group
    (("Số hồ sơ tiếp nhận", "Quá hạn"), None),
])
def test_group_words_and_sub_column(levels, canonical):
    from warehouse import datasets, layout

    assert layout.match_levels(datasets.get("dvctt"), levels) == canonical


def test_received_group_loads_through_the_command_line(tmp_path, db_file, monkeypatch, capsys):
    from warehouse.__main__ import main

    monkeypatch.setenv("WAREHOUSE_DB", str(db_file))
    code = main(["load", str(received_group_xlsx(tmp_path / "bieu02.xlsx", "Số hồ sơ tiếp nhận"))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Nhận diện bộ dữ liệu: dvctt" in out and "Đã nạp 2 dòng" in out
    assert rows(db_file, "select commune_code, received_total, received_online, received_direct from raw.dvctt "
                         "order by commune_code") == [("21421", 3781, 3276, 505), ("21548", 1200, 1000, 200)]
