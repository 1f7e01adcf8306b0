"""Reports are hostile until read: every refusal is a Vietnamese message that says what to do, never a crash."""

import zipfile
from pathlib import Path

import pytest
from fixtures.reports import builders

from warehouse.extract import read, run
from warehouse.sources import IngestError

REPORTS = Path(__file__).parent / "fixtures" / "reports"
TEXT = "ỦY BAN NHÂN DÂN\nXÃ MỎ CÀY\nBÁO CÁO\n- Tổng số hồ sơ tiếp nhận: 3.781 hồ sơ"


def refusal(path: Path) -> str:
    with pytest.raises(IngestError) as caught:
        read.read_document(path)
    return str(caught.value)


def docx_with(path: Path, change) -> Path:
    """A copy of a real report's .docx whose parts went through change(name, data)."""
    with zipfile.ZipFile(REPORTS / "004_c896218ea5f897fb.docx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return path


def test_scanned_pdf_is_refused_with_what_to_do(tmp_path):
    message = refusal(builders.write_scanned_pdf(tmp_path / "scan.pdf", TEXT))
    assert "scan" in message and "không có lớp chữ" in message and ".docx" in message and "OCR" in message


def test_password_pdf_is_refused(tmp_path):
    message = refusal(builders.write_encrypted_pdf(tmp_path / "khoa.pdf", TEXT))
    assert "mật khẩu" in message and "khoa.pdf" in message


def test_a_pdf_locked_only_against_editing_is_read(tmp_path):
    """Encrypted with an empty user password (printing/copy restrictions only): it opens, it is read."""
    path = builders.write_encrypted_pdf(tmp_path / "han_che.pdf", TEXT, password="")
    assert "3.781" in " ".join(b.text for b in read.read_document(path).blocks)


@pytest.mark.parametrize("cut", [10, 500, 5000, 60000])
def test_a_truncated_pdf_never_crashes(tmp_path, cut):
    path = tmp_path / "cut.pdf"
    path.write_bytes((REPORTS / "004_c896218ea5f897fb.pdf").read_bytes()[:cut])
    try:
        document = read.read_document(path)
    except IngestError as exc:
        assert "cut.pdf" in str(exc)
    else:
        assert document.kind == "pdf"  # PDFium repairs what it can; what it reads is text


def test_pdf_garbage_after_the_header(tmp_path):
    path = tmp_path / "rac.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert "PDF" in refusal(path)


def test_too_many_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_MAX_REPORT_PAGES", "1")
    message = refusal(builders.write_pdf(tmp_path / "dai.pdf", pages=2))
    assert "trang" in message and "giới hạn 1" in message


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_MAX_FILE_MB", "0.01")
    assert "quá lớn" in refusal(REPORTS / "004_c896218ea5f897fb.pdf")


def test_too_much_text(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_MAX_REPORT_CHARS", "1000")
    assert "quá nhiều chữ" in refusal(REPORTS / "004_c896218ea5f897fb.txt")


def test_docx_zip_bomb(tmp_path):
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("word/document.xml", b"<w:document>" + b" " * (30 * 1024 * 1024) + b"</w:document>")
    assert "zip bomb" in refusal(path)


@pytest.mark.parametrize("declaration", [b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>', b'<!ENTITY x SYSTEM "file:///etc/passwd">'])
def test_docx_with_a_dtd_or_entities_is_refused(tmp_path, declaration):
    def inject(name, data):
        return data.replace(b"?>", b"?>" + declaration, 1) if name == "word/document.xml" else data

    assert "DTD" in refusal(docx_with(tmp_path / "dtd.docx", inject))


def test_docx_with_broken_xml(tmp_path):
    def break_it(name, data):
        return data[: len(data) // 2] if name == "word/document.xml" else data

    message = refusal(docx_with(tmp_path / "hong.docx", break_it))
    assert "bị hỏng" in message and "Word" in message


def test_docx_that_is_a_workbook(tmp_path, make_xlsx):
    path = make_xlsx([["Mã xã", "Số học viên tham gia"], ["21421", 4365]], name="bang.xlsx")
    renamed = tmp_path / "bang.docx"
    renamed.write_bytes(path.read_bytes())
    assert "bảng tính Excel" in refusal(renamed)


def test_a_zip_that_is_not_a_document(tmp_path):
    path = tmp_path / "nen.docx"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("anh.png", b"\x89PNG")
    assert "không phải văn bản Word" in refusal(path)


@pytest.mark.parametrize("head, words", [
    (b"", "rỗng"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "trang web"),
    (bytes(range(256)) * 8, "không phải báo cáo"),
])
def test_what_is_not_a_report(tmp_path, head, words):
    path = tmp_path / "bao_cao.docx"
    path.write_bytes(head)
    assert words in refusal(path)


def test_legacy_tcvn3_text_is_converted(tmp_path):
    path = tmp_path / "tcvn3.txt"
    path.write_bytes("UBND x· Má Cµy b¸o c¸o nh­ sau:\n- Tæng sè hå s¬ tiÕp nhËn: 3.781 hå s¬\n".encode("cp1252"))
    document = read.read_document(path)
    assert "Mỏ Cày" in document.blocks[0].text and document.notes


def test_the_sandbox_limits_a_report_and_says_so_for_a_report(monkeypatch):
    """A reader that outgrows its memory is stopped; the message speaks of a report, not of a spreadsheet."""
    monkeypatch.setenv("WAREHOUSE_READ_MEMORY_MB", "64")
    with pytest.raises(IngestError) as caught:
        run.extract_report(REPORTS / "004_c896218ea5f897fb.pdf")
    message = str(caught.value)  # out of memory, or the PDF library that could not even be mapped: both stopped
    assert message.startswith("Không đọc được báo cáo '004_c896218ea5f897fb.pdf'") and "Excel" not in message


def test_the_sandboxed_reader_refuses_a_scan(tmp_path):
    with pytest.raises(IngestError, match="không có lớp chữ"):
        run.extract_report(builders.write_scanned_pdf(tmp_path / "scan.pdf", TEXT))


def test_a_formula_in_a_report_is_written_inert(tmp_path):
    from openpyxl import load_workbook

    from warehouse.extract import write_workbook

    path = tmp_path / "cong_thuc.txt"
    path.write_text("UBND xã Mỏ Cày báo cáo như sau:\n=HYPERLINK(\"http://x\",\"bấm\") Số học viên tham gia: 4.365 học viên "
                    "tính đến ngày 18/11/2025\n", encoding="utf-8")
    out = tmp_path / "so_lieu.xlsx"
    write_workbook(run.analyse(read.read_document(path)), out)
    sentences = [row[-1] for row in load_workbook(out)["Số liệu trích"].iter_rows(min_row=2, values_only=True)]
    assert sentences and all(not str(s).startswith("=") for s in sentences)


def test_a_report_without_a_full_stop_is_read_in_bounded_time_and_memory(tmp_path):
    """One 'sentence' of 20.000 figures: read through the sandbox (60 s, 2 GB), each figure keeps an excerpt."""
    path = tmp_path / "mot_cau.txt"
    path.write_text("UBND xã Mỏ Cày báo cáo: " + "Tổng số hồ sơ tiếp nhận: 3.781 hồ sơ, từ ngày 01/7/2025 đến ngày 30/10/2025, "
                    * 20_000, encoding="utf-8")
    extraction = run.extract_report(path)
    assert len(extraction.figures) == 20_000 and len(extraction.used) == 1
    assert max(len(f.sentence) for f in extraction.figures) <= 602
    assert all("trùng" in f.reason for f in extraction.not_used)
