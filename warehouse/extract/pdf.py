"""A report as a PDF: the text layer of every page, read by PDFium (pypdfium2).

Chosen over pypdf and pdfminer.six on the province's PDFs and on PDFs the tests write (README,
"Đọc báo cáo"): it keeps Vietnamese words whole (pypdf's default mode splits them, "th ự c hi ệ n"),
keeps a combining tone mark on its letter (pdfminer.six puts it on a line of its own), and reads a
10-page report in 0,1 s against 2,3–3,8 s. A page with no text is a scanned image: a PDF made only of
such pages is refused with what to do; a password-protected PDF too.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from warehouse import formatting
from warehouse.extract.model import Block, Document
from warehouse.extract.read import fix_legacy, max_pages
from warehouse.sources import IngestError

MIN_PAGE_CHARS = 20  # fewer letters than this on a page: no text layer (a scan, a picture)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u00ad\u200b]")
_BAD = re.compile(r"[\ue000-\uf8ff\ufffd]")  # private-use glyph codes, replacement characters

SCANNED = ("Tệp '{name}' là PDF chụp/quét (scan): các trang chỉ là ảnh, không có lớp chữ nên không đọc được số liệu. "
           "Hãy xin đơn vị gửi tệp Word (.docx) gốc hoặc PDF xuất trực tiếp từ Word (Tệp → Lưu thành → PDF); "
           "nếu chỉ có bản giấy, hãy nhận dạng chữ (OCR) rồi gửi bản .docx hoặc .txt.")


def read(path: Path) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise IngestError(_open_refusal(path.name, exc)) from exc
    try:
        return _read_pages(pdf, path.name)
    finally:
        pdf.close()


def _open_refusal(name: str, exc) -> str:
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
        return (f"Tệp PDF '{name}' có mật khẩu (được mã hóa) nên không đọc được. "
                "Hãy xin đơn vị gửi bản không đặt mật khẩu, hoặc tệp Word (.docx) gốc.")
    return (f"Tệp PDF '{name}' bị hỏng hoặc không đúng định dạng PDF, không mở được. "
            "Hãy xin đơn vị xuất lại PDF từ Word, hoặc gửi tệp Word (.docx) gốc.")


def _read_pages(pdf, name: str) -> Document:
    count = len(pdf)
    if count > max_pages():
        raise IngestError(f"Tệp PDF '{name}' có {formatting.number(count)} trang (giới hạn {formatting.number(max_pages())}). "
                          "Hãy chỉ gửi phần báo cáo có số liệu.")
    blocks, empty = [], []
    for index in range(count):
        lines = page_lines(pdf, index)
        if sum(len(line.strip()) for line in lines) < MIN_PAGE_CHARS:
            empty.append(index + 1)
        blocks += [Block(line, number, page=index + 1) for number, line in enumerate(lines, start=1) if line.strip()]
    if len(empty) == count:
        raise IngestError(SCANNED.format(name=name))
    check_glyphs(blocks, name)
    blocks, legacy = fix_legacy(blocks)
    notes = [f"trang {', '.join(map(str, empty))} không có lớp chữ (ảnh quét): số liệu trên đó chưa được đọc"] if empty else []
    return Document(name, "pdf", blocks, notes + legacy, pages=count)


def page_lines(pdf, index: int) -> list[str]:
    """The text lines of one page, NFC, without control characters."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    return text.split("\n")


def check_glyphs(blocks: list[Block], name: str) -> None:
    """A text layer made of glyph codes (a font without its Unicode map) is refused: it reads as noise."""
    text = "".join(b.text for b in blocks)
    letters = sum(1 for ch in text if not ch.isspace())
    if letters and len(_BAD.findall(text)) > letters // 5:
        raise IngestError(f"Lớp chữ của tệp PDF '{name}' không giải mã được (phông chữ nhúng thiếu bảng mã Unicode), "
                          "đọc ra chỉ là ký hiệu. Hãy xin đơn vị gửi tệp Word (.docx) gốc hoặc xuất lại PDF bằng phông Unicode.")

