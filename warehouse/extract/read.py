"""Open a report safely and turn it into blocks of text: .docx, a PDF with a text layer, .txt.

The file is judged by its bytes, not its name. Refusals are IngestError in Vietnamese and say what
to do. Limits (environment): WAREHOUSE_MAX_FILE_MB (size, as for spreadsheets), WAREHOUSE_MAX_REPORT_PAGES
(default 300) and WAREHOUSE_MAX_REPORT_CHARS (default 2.000.000 characters of text). Parsing runs in the
sandbox's limited child process (see extract.run), so a parser that loops or swells is stopped.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from warehouse import formatting, sources
from warehouse.extract.model import Block, Document
from warehouse.sources import IngestError

REPORT_SUFFIXES = (".docx", ".pdf", ".txt")
WHAT_TO_SEND = "Hãy gửi báo cáo dạng Word (.docx), PDF có lớp chữ (xuất từ Word) hoặc văn bản .txt."


def max_pages() -> int:
    return int(os.environ.get("WAREHOUSE_MAX_REPORT_PAGES", "300"))


def max_chars() -> int:
    return int(os.environ.get("WAREHOUSE_MAX_REPORT_CHARS", "2000000"))


def read_document(path: Path) -> Document:
    """The blocks of a report; IngestError when it cannot or must not be read."""
    path = Path(path)
    kind = report_kind(path)
    if kind == "docx":
        from warehouse.extract import word

        document = word.read(path)
    elif kind == "pdf":
        from warehouse.extract import pdf

        document = pdf.read(path)
    else:
        from warehouse.extract import plain

        document = plain.read(path)
    check_length(document)
    return document


def report_kind(path: Path) -> str:
    """'docx', 'pdf' or 'txt' from the file's first bytes; IngestError for anything else."""
    name = path.name
    size = path.stat().st_size
    if size > sources.max_file_bytes():
        raise IngestError(f"Tệp '{name}' quá lớn ({formatting.number(size / sources.MB, 1)} MB; giới hạn "
                          f"{formatting.number(sources.max_file_bytes() / sources.MB, 1)} MB). "
                          "Hãy bỏ hình ảnh không cần thiết hoặc chỉ gửi phần báo cáo có số liệu.")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    sniffed = sources.sniff(head)
    if sniffed == "pdf":
        return "pdf"
    if sniffed == "zip":
        return "docx"
    if sniffed == "text":
        return "txt"
    raise IngestError(refusal(name, sniffed))


def refusal(name: str, sniffed: str) -> str:
    if sniffed == "empty":
        return f"Tệp '{name}' rỗng (0 byte). {WHAT_TO_SEND}"
    if sniffed == "ole":
        return (f"Tệp '{name}' là tệp Word/Excel định dạng cũ (.doc, .xls) hoặc tệp Word có đặt mật khẩu, chưa đọc được. "
                "Hãy mở bằng Word, bỏ mật khẩu nếu có, chọn Lưu thành (Save As) → Word Document (.docx) rồi gửi lại.")
    if sniffed in ("html", "xml"):
        return f"Tệp '{name}' là trang web (HTML) hoặc XML, không phải báo cáo Word hay PDF. {WHAT_TO_SEND}"
    return f"Tệp '{name}' không phải báo cáo đọc được (không phải .docx, PDF hay văn bản). {WHAT_TO_SEND}"


def check_length(document: Document) -> None:
    chars = sum(len(b.text) for b in document.blocks)
    if chars > max_chars():
        raise IngestError(f"Tệp '{document.name}' có quá nhiều chữ ({formatting.number(chars)} ký tự; giới hạn "
                          f"{formatting.number(max_chars())}). Hãy chỉ gửi phần báo cáo có số liệu.")


def fix_legacy(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Text typed in TCVN3/VNI fonts ('Qu¶ng Ng·i') converted, as sources does for spreadsheets; the note to show."""
    legacy = sources.detect_legacy([b.text for b in blocks[:400]])
    if not legacy:
        return blocks, []
    convert = sources.CONVERTERS[legacy]
    return [replace(b, text=convert(b.text)) for b in blocks], [sources.legacy_note(legacy)]
