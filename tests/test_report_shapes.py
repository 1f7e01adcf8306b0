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


# ---------------------------------------------------------------- 3. columns nobody reads are said


def dvctt_with_extra_columns(path):
    """STT, the dvctt columns, then what offices add: a note, a misspelt header, an empty column,
    a column of figures without a header, a header without figures."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    ws.append(["STT", "Tên đơn vị", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
               "Ghi chú", "Đã giải quyế", None, None, "Số điện thoại"])
    ws.append([1, "Xã Mỏ Cày", "01/07/2025", "30/10/2025", "3.781", "3.276", "số liệu tạm tính", "3.681", None, 12, None])
    ws.append([2, "Đặc khu Lý Sơn", "01/07/2025", "30/10/2025", 1200, 1000, None, 1150, None, 13, None])
    wb.save(path)
    return path


def test_every_column_left_out_is_named_with_its_letter(tmp_path, communes):
    table = ingest.read_table(dvctt_with_extra_columns(tmp_path / "bieu01.xlsx"), None, communes)
    unused = [f for f in table.findings if f.rule == "unused_column"]
    assert [(f.severity, f.sheet, f.row, f.column) for f in unused] == [
        ("warning", "Biểu 01", 1, "Ghi chú"), ("warning", "Biểu 01", 1, "Đã giải quyế"),
        ("warning", "Biểu 01", 1, None), ("warning", "Biểu 01", 1, "Số điện thoại")]
    messages = [f.message for f in unused]
    assert messages[0].startswith("Cột không dùng: cột G 'Ghi chú' (trang tính 'Biểu 01') không khớp với cột nào")
    assert "cột H 'Đã giải quyế'" in messages[1] and "gần giống cột 'Đã giải quyết'" in messages[1]
    assert messages[2].startswith("Cột không dùng: cột J (trang tính 'Biểu 01') có số liệu ở 2 dòng nhưng không có tiêu đề")
    assert "cột K 'Số điện thoại'" in messages[3]
    # STT (A) and the empty column I without a header are not said
    assert not any(f"cột {letter} " in m for m in messages for letter in "AI")
    assert table.frame["received_total"].tolist() == [3781, 1200]


def test_a_row_number_column_without_a_header_is_not_said(tmp_path, communes):
    path = tmp_path / "stt.csv"
    path.write_text(",Mã xã,Ngày số liệu,Số học viên tham gia\n1,21421,18/11/2025,4.365\n2,21548,18/11/2025,100\n",
                    encoding="utf-8")
    table = ingest.read_table(path, None, communes)
    assert table.dataset == "bdhvs" and not [f for f in table.findings if f.rule == "unused_column"]


def test_unused_columns_are_printed_by_the_command_line(tmp_path, db_file, monkeypatch, capsys):
    from warehouse.__main__ import main

    monkeypatch.setenv("WAREHOUSE_DB", str(db_file))
    code = main(["load", str(dvctt_with_extra_columns(tmp_path / "bieu01.xlsx"))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Đã nạp 2 dòng" in out and "4 cảnh báo" in out
    assert ("Cảnh báo — trang tính 'Biểu 01', dòng 1, cột 'Ghi chú': Cột không dùng: cột G 'Ghi chú' "
            "(trang tính 'Biểu 01') không khớp với cột nào") in out
    assert "Cột không dùng: cột J (trang tính 'Biểu 01') có số liệu ở 2 dòng" in out


def test_unused_columns_are_shown_on_the_upload_page(tmp_path, seeded_copy, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.run()
    at = at.switch_page("app_pages/upload.py").run()
    path = dvctt_with_extra_columns(tmp_path / "bieu01.xlsx")
    at.file_uploader(key="upload_file").set_value(
        (path.name, path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception, [e.value for e in at.exception]
    findings = next(d.value for d in at.dataframe if "Mức độ" in d.value.columns)
    said = [" ".join(str(v) for v in row) for row in findings.values.tolist()]
    assert sum("Cột không dùng" in line for line in said) == 4
    assert any("Cột không dùng: cột G 'Ghi chú'" in line and "Cảnh báo" in line for line in said)


# ---------------------------------------------------------------- 4. qualified values


@pytest.mark.parametrize("text, qualifier, word, number", [
    ("trên 75%", ">", "trên", 75), ("hơn 957.600", ">", "hơn", 957600), ("khoảng 62%", "≈", "khoảng", 62),
    ("gần 9", "≈", "gần", 9), ("dưới 5%", "<", "dưới", 5), ("xấp xỉ 80%", "≈", "xấp xỉ", 80),
    ("> 75", ">", ">", 75), ("~62", "≈", "~", 62), ("Trên 86,6 %", ">", "trên", 86.6), ("< 0,5", "<", "<", 0.5),
    ("KHOẢNG 3.781", "≈", "khoảng", 3781),
])
def test_qualified_number(text, qualifier, word, number):
    from warehouse import values

    q = values.qualified_number(text)
    assert (q.qualifier, q.word, q.number) == (qualifier, word, pytest.approx(number))


@pytest.mark.parametrize("text", ["75", "86,6%", "trên", "trên mức", "khoảng 62% dân số", "đạt 75%", "≥ 75"])
def test_not_a_qualified_number(text):
    from warehouse import values

    assert values.qualified_number(text) is None


def broadband_with_qualifiers(path):
    """Lý Sơn and Mỏ Cày as a report gives them in words; every qualified cell is checked by hand below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hạ tầng số"
    ws.append(["BÁO CÁO HẠ TẦNG SỐ", None, None, None, None])
    ws.append(["Kỳ báo cáo: Tháng 11/2025", None, None, None, None])
    ws.append(["Tên xã", "Tổng số thôn, tổ dân phố", "Số thôn có sóng 4G", "Tỷ lệ phủ sóng 5G (%)", "Số trạm BTS"])
    ws.append(["Đặc khu Lý Sơn", 9, 9, "khoảng 62%", "gần 9"])
    ws.append(["Xã Mỏ Cày", 14, 14, "trên 75%", "~12"])
    ws.append(["Xã Sơn Hạ", 20, 18, "dưới 5%", "> 7"])
    ws.append(["Xã Ba Tô", 10, 10, "xấp xỉ 80%", 6])
    wb.save(path)
    return path


QUALIFIED_CELLS = [(4, "coverage_5g_pct", "≈", "khoảng 62%"), (4, "bts_stations", "≈", "gần 9"),
                   (5, "coverage_5g_pct", ">", "trên 75%"), (5, "bts_stations", "≈", "~12"),
                   (6, "coverage_5g_pct", "<", "dưới 5%"), (6, "bts_stations", ">", "> 7"),
                   (7, "coverage_5g_pct", "≈", "xấp xỉ 80%")]


def test_qualified_values_load_the_number_and_keep_the_qualifier(tmp_path, communes):
    table = ingest.read_table(broadband_with_qualifiers(tmp_path / "ha_tang.xlsx"), None, communes)
    assert table.frame[["commune_code", "coverage_5g_pct", "bts_stations"]].values.tolist() == [
        ["21548", 62.0, 9], ["21421", 75.0, 12], ["21292", 5.0, 7], ["21523", 80.0, 6]]
    assert sorted(table.qualifiers) == sorted(QUALIFIED_CELLS)
    said = {(f.row, f.column, f.value): f for f in table.findings if f.rule == "qualified_value"}
    assert len(said) == 7 and all(f.severity == "warning" and f.sheet == "Hạ tầng số" for f in said.values())
    above = said[(5, "Tỷ lệ phủ sóng 5G (%)", "trên 75%")]
    assert above.message.startswith("Giá trị có từ định tính 'trên' (lớn hơn), không phải số chính xác: nạp 75 kèm dấu '>'")
    assert above.describe().startswith("Cảnh báo — trang tính 'Hạ tầng số', dòng 5, cột 'Tỷ lệ phủ sóng 5G (%)', "
                                       "giá trị 'trên 75%': Giá trị có từ định tính 'trên'")
    assert "nạp 9 kèm dấu '≈'" in said[(4, "Số trạm BTS", "gần 9")].message


def test_vietnamese_number_formats_after_a_qualifier(tmp_path, communes):
    path = semicolon_csv(tmp_path / "dvctt.csv", [
        ["Tên đơn vị", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến"],
        ["Xã Mỏ Cày", "01/07/2025", "30/10/2025", "hơn 957.600", "khoảng 86,6"],
    ])
    table = ingest.read_table(path, None, communes)
    assert table.frame["received_total"].tolist() == [957600]
    [total] = [f for f in table.findings if f.rule == "qualified_value"]
    assert total.message.startswith("Giá trị có từ định tính 'hơn' (lớn hơn), không phải số chính xác: nạp 957.600 kèm dấu '>'")
    [error] = [f for f in table.findings if f.severity == "error"]  # a count of 86,6 dossiers: said as written
    assert (error.row, error.column, error.value, error.rule) == (2, "Tiếp nhận trực tuyến", "khoảng 86,6", "parse")
    assert table.qualifiers == [(2, "received_total", ">", "hơn 957.600")]


def test_qualifiers_are_written_with_the_rows_and_retracted_with_the_load(tmp_path, db_file, monkeypatch, capsys):
    from warehouse.__main__ import main

    monkeypatch.setenv("WAREHOUSE_DB", str(db_file))
    code = main(["load", str(broadband_with_qualifiers(tmp_path / "ha_tang.xlsx"))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert ("Cảnh báo — trang tính 'Hạ tầng số', dòng 5, cột 'Tỷ lệ phủ sóng 5G (%)', giá trị 'trên 75%': "
            "Giá trị có từ định tính 'trên' (lớn hơn), không phải số chính xác: nạp 75 kèm dấu '>'") in out
    [(load_id,)] = rows(db_file, "select load_id from meta.loads where dataset = 'broadband'")
    assert rows(db_file, "select source_row, column_name, qualifier, written from meta.qualifiers where load_id = ? "
                         "order by source_row, column_name", [load_id]) == sorted(QUALIFIED_CELLS)
    assert rows(db_file, "select r.coverage_5g_pct, q.qualifier from raw.broadband r join meta.qualifiers q "
                         "on q.load_id = r.load_id and q.source_row = r.source_row and q.column_name = 'coverage_5g_pct' "
                         "where r.commune_code = '21421'") == [(75.0, ">")]
    assert main(["retract", str(load_id)]) == 0
    assert "Đã thu hồi lần nạp" in capsys.readouterr().out
    assert rows(db_file, "select count(*) from meta.qualifiers q join meta.loads l using (load_id) "
                         "where l.retracted_at is not null") == [(7,)]  # kept, and known to belong to a retracted load
    assert main(["loads"]) == 0 and "ha_tang.xlsx" in capsys.readouterr().out


def test_a_refused_file_writes_no_qualifier(tmp_path, db_file):
    path = broadband_with_qualifiers(tmp_path / "sai.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["B5"] = "mười bốn"  # unreadable: the file is refused
    wb.save(path)
    result = load.load_path(path, db_file=db_file)
    assert result.status == load.REJECTED
    assert rows(db_file, "select count(*) from meta.qualifiers") == [(0,)]


def test_a_warehouse_made_before_meta_qualifiers_gets_it_at_the_next_write(tmp_path, db_file):
    with duckdb.connect(str(db_file)) as con:
        con.execute("drop table meta.qualifiers")
    result = load.load_path(broadband_with_qualifiers(tmp_path / "ha_tang.xlsx"), db_file=db_file)
    assert result.status == load.LOADED
    assert rows(db_file, "select count(*) from meta.qualifiers where load_id = ?", [result.load_id]) == [(7,)]
