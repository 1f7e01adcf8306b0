"""A report as a Word .docx: paragraphs and table rows in document order, the page header and text boxes too.

The zip is checked before python-docx sees it, as sources.check_xlsx checks a workbook: declared
size and compression ratio (zip bombs), encryption, every XML part read whole (a corrupt stream)
and refused when it declares a DTD or entities (billion laughs, XXE). python-docx's own parser does
not resolve entities either.

A table row becomes one block, its cells joined by ' | ' and each value cell prefixed with its column
header ('Số học viên tham gia | Kết quả: 4.365 | Xếp hạng: 11/96'), so that the rules that read
sentences read tables too. A bare number under a '(%)' header reads as a percentage.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from pathlib import Path

from warehouse import sources
from warehouse.extract.model import Block, Document
from warehouse.extract.read import fix_legacy
from warehouse.sources import IngestError

_BARE_NUMBER = re.compile(r"^\s*[\d.,]+\s*$")
_PERCENT_HEADER = re.compile(r"\(\s*%\s*\)|\btỷ lệ\b|%", re.IGNORECASE)


def read(path: Path) -> Document:
    check_zip(path)
    import docx

    try:
        document = docx.Document(str(path))
        texts = list(_container_texts(document.sections[0].header)) if _has_header(document) else []
        texts += list(_container_texts(document))
    except IngestError:
        raise
    except Exception as exc:  # python-docx and lxml raise many types for a damaged file
        raise IngestError(f"Tệp Word '{path.name}' bị hỏng hoặc không phải .docx hợp lệ, không mở được ({type(exc).__name__}). "
                          "Hãy mở tệp bằng Word, chọn Lưu thành (Save As) → Word Document (.docx) rồi gửi lại.") from exc
    blocks = [Block(unicodedata.normalize("NFC", text), number, whole=row)
              for number, (text, row) in enumerate(texts, start=1) if text.strip()]
    blocks, notes = fix_legacy(blocks)
    return Document(path.name, "docx", blocks, notes)


def check_zip(path: Path) -> None:
    """Refuse a zip that is not a Word document, is encrypted, a zip bomb, corrupt, or declares a DTD."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            sources.check_zip_sizes(name, infos)
            _check_word_parts(name, {i.filename for i in infos})
            for info in infos:
                sources.check_part(archive, info, name)
    except IngestError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise IngestError(f"Tệp Word '{name}' bị hỏng (không đọc được cấu trúc tệp nén, có thể tải về chưa hết). "
                          "Hãy mở bằng Word, lưu lại thành .docx, hoặc xin đơn vị gửi lại tệp.") from exc


def _check_word_parts(name: str, names: set[str]) -> None:
    if "word/document.xml" in names:
        return
    if "xl/workbook.xml" in names:
        raise IngestError(f"Tệp '{name}' là bảng tính Excel, không phải báo cáo Word: hãy nạp bằng lệnh load "
                          "(hoặc trang Tải lên), không dùng bước Đọc báo cáo.")
    raise IngestError(f"Tệp '{name}' là tệp nén (.zip) nhưng không phải văn bản Word (.docx). "
                      "Hãy giải nén và gửi từng báo cáo .docx, .pdf hoặc .txt bên trong.")


def _has_header(document) -> bool:
    """The first section's own page header (letterheads sometimes sit there)."""
    return bool(document.sections) and not document.sections[0].header.is_linked_to_previous


def _container_texts(container):
    """(text, is a table row) of every paragraph, text box and table row, in document order."""
    for item in container.iter_inner_content():
        if hasattr(item, "rows"):
            yield from ((row, True) for row in table_texts(item))
        else:
            yield from ((box, False) for box in _textbox_texts(item))
            yield item.text, False


def _textbox_texts(paragraph):
    """Text boxes anchored in a paragraph (a letterhead drawn in a box)."""
    for box in paragraph._p.xpath(".//w:txbxContent"):
        text = " ".join("".join(t.text or "" for t in p.xpath(".//w:t")) for p in box.xpath(".//w:p"))
        if text.strip():
            yield text


def table_texts(table) -> list[str]:
    """One text per row; the first row is taken as the header when it holds no digits."""
    rows = [_row_cells(row) for row in table.rows]
    if not rows:
        return []
    header = rows[0] if len(rows) > 1 and not any(ch.isdigit() for cell in rows[0] for ch in cell) else None
    texts = [" | ".join(c for c in rows[0] if c)]
    for cells in rows[1:]:
        texts.append(" | ".join(_with_header(cells, header)))
    return texts


def _row_cells(row) -> list[str]:
    """The row's cells, a merged cell once, each cell's lines joined by spaces."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(" ".join(cell.text.split()))
    return cells


def _with_header(cells: list[str], header: list[str] | None) -> list[str]:
    out = []
    for i, cell in enumerate(cells):
        title = header[i] if header and i < len(header) else ""
        value = cell
        if _BARE_NUMBER.match(cell) and (_PERCENT_HEADER.search(title) or (out and _PERCENT_HEADER.search(cells[0]))):
            value = f"{cell.strip()}%"
        out.append(f"{title}: {value}" if i and title and value else value)
    return [c for c in out if c]

