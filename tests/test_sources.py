"""Files as they arrive: CSV/text encodings, legacy TCVN3/VNI text, and files that must be refused
before any parser sees them (size, magic bytes, zip bombs, DTDs, corrupt or old formats)."""

import io
import unicodedata
import zipfile

import openpyxl
import pytest
from fixtures import workbooks as wbk

from warehouse import ingest, load, sources


@pytest.fixture
def index(communes_with_former):
    return communes_with_former


def _expect_bdhvs(table):
    assert table.dataset == "bdhvs"
    assert table.frame[["commune_code", "learners"]].values.tolist() == [["21421", 4365], ["21292", 100]]


@pytest.mark.parametrize("name, data", [
    ("utf8_bom_comma.csv", wbk.BDHVS_TEXT.format(d=",").encode("utf-8-sig")),
    ("utf8_semicolon.csv", wbk.BDHVS_TEXT.format(d=";").encode("utf-8")),
    ("utf8_tab.txt", wbk.BDHVS_TEXT.format(d="\t").encode("utf-8")),
    ("unicode_text.txt", wbk.BDHVS_TEXT.format(d="\t").encode("utf-16")),  # Excel's "Unicode Text": UTF-16 LE + BOM, tabs
    ("utf16_no_bom.csv", wbk.BDHVS_TEXT.format(d="\t").encode("utf-16-le")),
    ("windows1258.csv", wbk.windows_1258(wbk.BDHVS_TEXT.format(d=";"))),
    ("nfd.csv", unicodedata.normalize("NFD", wbk.BDHVS_TEXT.format(d=",")).encode("utf-8")),
])
def test_text_encodings_and_separators_detected(tmp_path, index, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    table = ingest.read_table(path, None, index)
    _expect_bdhvs(table)
    assert not table.findings


def test_windows_1258_really_holds_combining_tone_marks():
    raw = wbk.windows_1258("Xã Mỏ Cày")
    assert raw == b"Xa\xde Mo\xd2 Ca\xccy"  # a + U+0303 (0xDE), o + U+0309 (0xD2), a + U+0300 (0xCC)
    text, encoding = sources.decode_text(raw, "x.csv")
    assert (text, encoding) == ("Xã Mỏ Cày", "cp1258")


@pytest.mark.parametrize("garbled, unicode", [
    ("Qu¶ng Ng·i", "Quảng Ngãi"), ("B¶o Th¾ng", "Bảo Thắng"), ("M\xadêng Kh\xad¬ng", "Mường Khương"),
    ("UBND TØNH QU¶NG NG·I", "UBND TỈNH QUẢNG NGÃI"), ("Tªn x·", "Tên xã"), ("Sè häc viªn", "Số học viên"),
])
def test_tcvn3_to_unicode(garbled, unicode):
    assert sources.tcvn3_to_unicode(garbled) == unicode


@pytest.mark.parametrize("garbled, unicode", [
    ("Quaûng Ngaõi", "Quảng Ngãi"), ("Xin chaøo caùc baïn", "Xin chào các bạn"), ("Teân xaõ", "Tên xã"),
    ("Ñaêk Long", "Đăk Long"), ("Sôn Haï", "Sơn Hạ"), ("Thöôøng", "Thường"), ("QUAÛNG NGAÕI", "QUẢNG NGÃI"),
    ("khoâng", "không"), ("Lyù Sôn", "Lý Sơn"), ("tæ", "tỉ"), ("Kyø", "Kỳ"), ("Nguyeãn", "Nguyễn"),
])
def test_vni_to_unicode(garbled, unicode):
    assert sources.vni_to_unicode(garbled) == unicode


def test_vni_table_covers_every_vietnamese_letter():
    letters = {unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy"
               for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")} | {"đ"}
    produced = set(sources.vni_table().values()) | set("aeiouyíì")  # í and ì are the same code in VNI
    assert letters <= produced and {c.upper() for c in letters} <= produced | set("AEIOUYÍÌ")


@pytest.mark.parametrize("header, rows, codec, encoding", [
    (wbk.TCVN3_HEADER, wbk.TCVN3_ROWS, "latin-1", "TCVN3"), (wbk.VNI_HEADER, wbk.VNI_ROWS, "cp1252", "VNI"),
])
def test_legacy_csv_converted_with_a_warning(tmp_path, index, header, rows, codec, encoding):
    path = wbk.legacy_csv(tmp_path / "cu.csv", header, rows, codec)
    table = ingest.read_table(path, None, index)
    assert table.dataset == "bdhvs" and table.headers["commune_name"] == "Tên xã"
    assert table.frame[["commune_code", "learners"]].values.tolist() == [["21421", 4365], ["21292", 100]]
    [note] = table.findings
    assert note.rule == "encoding" and note.severity == "warning" and encoding in note.message and "UniKey" in note.message


@pytest.mark.parametrize("header, rows", [(wbk.TCVN3_HEADER, wbk.TCVN3_ROWS), (wbk.VNI_HEADER, wbk.VNI_ROWS)])
def test_legacy_xlsx_cells_converted(tmp_path, index, header, rows):
    path = wbk.legacy_xlsx(tmp_path / "cu.xlsx", header, rows, title="B¸o c¸o b×nh d©n häc vô sè")
    table = ingest.read_table(path, None, index)
    assert table.frame[["commune_code", "learners"]].values.tolist() == [["21421", 4365], ["21292", 100]]
    assert [f.rule for f in table.findings] == ["encoding"]


def test_unicode_cells_beside_tcvn3_cells_stay_as_they_are(tmp_path, index):
    """Headers typed in Unicode, names pasted from an old .VnTime table."""
    path = wbk.legacy_xlsx(tmp_path / "tron.xlsx", ["Tên xã", "Ngày số liệu", "Số học viên tham gia"], wbk.TCVN3_ROWS)
    table = ingest.read_table(path, None, index)
    assert table.headers["commune_name"] == "Tên xã"
    assert table.frame["commune_code"].tolist() == ["21421", "21292"]


def test_unconvertible_garbled_text_is_refused_with_how_to_convert(tmp_path, index):
    path = wbk.legacy_xlsx(tmp_path / "loi_phong.xlsx", ["¶¸·µ ¹¾¶", "Çȶ ·¸", "Ëµ ¶Ç¹"], [["¶·¸", "¹µ", "3"]])
    with pytest.raises(ingest.IngestError) as exc:
        ingest.read_table(path, None, index)
    message = str(exc.value)
    assert "loi_phong.xlsx" in message and "UniKey" in message and "Chuyển mã" in message


def test_unicode_text_is_never_taken_for_legacy():
    texts = ["Tên xã", "Số học viên tham gia", "Xã Mỏ Cày", "Phường Cẩm Thành", "Đặc khu Lý Sơn", "Tổng số hồ sơ tiếp nhận"]
    assert sources.detect_legacy(texts) is None


# ---------------------------------------------------------------- refused before parsing


def _zip(path, parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _refused(path, *fragments):
    with pytest.raises(ingest.IngestError) as exc:
        ingest.read_table(path, None, None)
    message = str(exc.value)
    assert path.name in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_file_over_the_size_limit(tmp_path, monkeypatch, make_xlsx):
    path = make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], ["21421", "18/11/2025", 1]], "lon.xlsx")
    monkeypatch.setenv("WAREHOUSE_MAX_FILE_MB", "0.001")
    _refused(path, "quá lớn", "giới hạn")


def test_zip_bomb_declared_size_over_the_limit(tmp_path, monkeypatch, make_xlsx):
    path = make_xlsx([["Mã xã"]], "bom.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    monkeypatch.setenv("WAREHOUSE_MAX_UNZIPPED_MB", "2")
    monkeypatch.setenv("WAREHOUSE_MAX_ZIP_RATIO", "100000")
    _refused(path, "giải nén", "zip bomb")


def test_zip_bomb_compression_ratio(tmp_path, make_xlsx):
    path = make_xlsx([["Mã xã"]], "bom2.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))  # 3 MB of zeros → ~3 KB: ratio ~1000
    _refused(path, "nén bất thường", "zip bomb")


def test_billion_laughs_refused_and_openpyxl_uses_defusedxml(tmp_path, make_xlsx):
    import defusedxml
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True  # openpyxl parses with defusedxml (pinned in requirements.txt)
    good = make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], ["21421", "18/11/2025", 5]], "goc.xlsx")
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    with zipfile.ZipFile(good) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode().replace("<t>21421</t>", "<t>&lol3;</t>")
    parts["xl/worksheets/sheet1.xml"] = (lol + sheet).encode()
    bomb = _zip(tmp_path / "lol.xlsx", parts)
    _refused(bomb, "DTD", "billion laughs")
    with pytest.raises(Exception) as exc:
        openpyxl.load_workbook(bomb)
    chain = [exc.value, exc.value.__cause__, exc.value.__context__]
    assert any(isinstance(e, defusedxml.DTDForbidden | defusedxml.EntitiesForbidden) for e in chain), chain


@pytest.mark.parametrize("name, data, fragments", [
    ("hong.xlsx", b"PK\x03\x04" + b"\x14\x00" * 20, ["bị hỏng", "lưu lại"]),
    ("ngau_nhien.xlsx", bytes(range(256)) * 40, ["không phải tệp Excel", "Lưu thành"]),
    ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ["Excel 97-2003 (.xls)", "Lưu thành (Save As)", ".xlsx"]),
    ("mat_khau.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ["mật khẩu", "Lưu thành (Save As)"]),
    ("bao_cao.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ["PDF", "Excel (.xlsx) gốc"]),
    ("web.xls", "<html><body><table><tr><td>Tên xã</td></tr></table></body></html>".encode(), ["HTML", "Lưu thành"]),
    ("rong.csv", b"", ["rỗng"]),
    ("nhi_phan.csv", bytes(range(32)) * 100, ["không phải văn bản CSV"]),
    ("bao_cao.pdf", b"%PDF-1.7", ["chỉ nhận tệp Excel (.xlsx) hoặc CSV"]),
])
def test_refused_with_what_to_do(tmp_path, name, data, fragments):
    path = tmp_path / name
    path.write_bytes(data)
    _refused(path, *fragments)


def test_truncated_xlsx(tmp_path, make_xlsx):
    good = make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], ["21421", "18/11/2025", 5]], "goc.xlsx")
    data = good.read_bytes()
    path = tmp_path / "cat_ngang.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "bị hỏng", "gửi lại")


def test_csv_that_is_a_zip_of_something_else(tmp_path):
    path = _zip(tmp_path / "so_lieu.csv", {"bdhvs.csv": wbk.BDHVS_TEXT.format(d=",").encode()})
    _refused(path, "tệp nén (.zip)", "giải nén")


def test_csv_that_is_really_an_xlsx_is_read_as_one(tmp_path, index, make_xlsx):
    made = make_xlsx([["Tên xã", "Ngày số liệu", "Số học viên tham gia"], ["Xã Mỏ Cày", "18/11/2025", 4365],
                      ["Xã Sơn Hạ", "18/11/2025", 100]], "that.xlsx")
    path = tmp_path / "xuat.csv"
    path.write_bytes(made.read_bytes())
    table = ingest.read_table(path, None, index)
    _expect_bdhvs(table)
    [note] = table.findings
    assert note.rule == "file_type" and "thực chất là tệp Excel" in note.message


def test_xlsx_that_is_really_a_csv_is_read_as_one(tmp_path, index):
    path = tmp_path / "xuat_tu_phan_mem.xlsx"
    path.write_bytes(wbk.BDHVS_TEXT.format(d=";").encode("utf-8"))
    table = ingest.read_table(path, None, index)
    _expect_bdhvs(table)
    [note] = table.findings
    assert note.rule == "file_type" and "văn bản CSV" in note.message


def test_corrupt_file_through_load_is_a_rejection_not_a_traceback(tmp_path, db_file):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    result = load.load_path(path, db_file=db_file, loaded_by="test")
    assert result.status == load.REJECTED
    [error] = result.errors
    assert error.rule == "read" and "hong.xlsx" in error.message


def test_sniff_magic_bytes():
    assert sources.sniff(b"PK\x03\x04rest") == "zip"
    assert sources.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "ole"
    assert sources.sniff(b"%PDF-1.4") == "pdf"
    assert sources.sniff("Tên xã,Mã xã\n".encode("utf-16")) == "text"
    assert sources.sniff(b"\xef\xbb\xbf<!DOCTYPE html><html>") == "html"
    assert sources.sniff(b"") == "empty"
    assert sources.sniff(io.BytesIO(bytes(range(256))).read()) == "binary"


def test_csv_with_a_quote_never_closed(tmp_path):
    path = tmp_path / "ngoac_kep.csv"
    path.write_text('Tên xã,Ngày số liệu,Số học viên tham gia\n"Xã Mỏ Cày,18/11/2025,' + "4" * 200_000 + "\n", encoding="utf-8")
    _refused(path, "dấu ngoặc kép", "lưu lại")
