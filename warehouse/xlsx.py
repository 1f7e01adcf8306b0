"""Read the worksheets of an .xlsx: the rows around the header as Python values, the rest as columns.

A table's layout (title, a header of one to three rows merged over each other, the STT column) is found
on its first rows; below them a report's columns hold one type each. So a workbook is read in two parts:

- `head(path, parts)`: every visible worksheet cut after its first HEAD_ROWS rows (the sheet's XML up to that
  row, its merged ranges kept; `keeper` keeps that while sources.check_xlsx unzips the file to check it), read
  by python-calamine: cells as Python values, merged ranges. A sheet that has no more rows is read whole
  (`Sheet.partial` is False) and nothing else is read.
- `below(path, sheet, first)`: the rows of a partial sheet from `first` (0-based) down, read by fastexcel
  into Arrow columns (no Python object per number or date: 50.000 rows × 12 columns in ≈ 0,3 s, half of
  what python-calamine's cells as Python objects take). None when a column mixes types (a number and a
  text, a total row's words under numbers) or fastexcel cannot read the sheet: the caller then reads it whole
  with `rows`.

Both run in the limited child of sandbox.py, after sources.check_xlsx refused what must not be parsed.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import fastexcel
import pandas as pd
import pyarrow as pa
from python_calamine import CalamineWorkbook

from warehouse import sources
from warehouse.sources import Sheet

HEAD_ROWS = 64  # ≥ layout.HEADER_SCAN_ROWS + MAX_HEADER_ROWS + the rows under a header, and the legacy-text sample
_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")


def keeper(part: str) -> sources.Keeper | None:
    """What head() needs of a part of the workbook, kept while sources.check_xlsx reads it: a worksheet's
    first rows and what follows them (merged ranges), every other XML part whole; no media."""
    if part.startswith("xl/worksheets/") and part.endswith(".xml"):
        return SheetHead()
    return Whole() if part.endswith((".xml", ".rels")) else None


def head(path: Path, parts: dict[str, bytes]) -> list[Sheet]:
    """Every worksheet's first HEAD_ROWS rows and merged ranges (hidden sheets left out unless all are hidden),
    from the parts kept while the file was checked (keeper)."""
    wb = CalamineWorkbook.from_filelike(io.BytesIO(_workbook(parts)))
    sheets = [m for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    visible = [m.name for m in sheets if str(m.visible).endswith(".Visible")]  # hidden lookup sheets are not read
    names = visible or [m.name for m in sheets] or wb.sheet_names
    return [_sheet(name, wb.get_sheet_by_name(name), partial=True) for name in names]


def rows(path: Path, name: str) -> Sheet:
    """One worksheet read whole by python-calamine (a sheet whose columns mix types)."""
    wb = CalamineWorkbook.from_path(str(path))
    return _sheet(name, wb.get_sheet_by_name(name), partial=False)


def _sheet(name: str, sheet, partial: bool) -> Sheet:
    """A Sheet of calamine's cells; `partial` when they may be the first HEAD_ROWS rows only."""
    cells = sheet.to_python(skip_empty_area=False)
    cells, legacy = sources.fix_legacy_cells(cells)
    notes = [sources.legacy_note(legacy)] if legacy else []
    try:
        merges = list(sheet.merged_cell_ranges or [])
    except Exception:  # merged ranges only refine the header; the values are what matters
        merges = []
    return Sheet(name, cells, merges, notes, partial=partial and len(cells) >= HEAD_ROWS, legacy=legacy)


def _workbook(parts: dict[str, bytes]) -> bytes:
    """A workbook (zip, stored) of the parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


class Whole(sources.Keeper):
    def __init__(self):
        self.data = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.data += chunk

    def value(self) -> bytes:
        return bytes(self.data)


class SheetHead(sources.Keeper):
    """A worksheet's XML as it streams by, without its row elements after the first HEAD_ROWS: the rows kept,
    then everything from the end of sheetData on (merged ranges)."""

    def __init__(self):
        self.head, self.tail, self.window = bytearray(), None, b""
        self.cut = False

    def feed(self, chunk: bytes) -> None:
        if not self.cut:
            self.head += chunk
            at = _row_start(self.head, HEAD_ROWS)
            if at is not None:
                rest, self.cut = bytes(self.head[at:]), True
                del self.head[at:]
                self._after(rest)
        else:
            self._after(chunk)

    def _after(self, data: bytes) -> None:
        """Past the rows kept: wait for the end of sheetData, keep everything from it."""
        if self.tail is not None:
            self.tail += data
            return
        window = self.window + data
        end = _sheet_data_end(window)
        if end >= 0:
            self.tail = bytearray(window[end:])
        else:
            self.window = window[-64:]

    def value(self) -> bytes:
        return bytes(self.head) + bytes(self.tail or b"")


def _row_start(xml: bytearray, n: int) -> int | None:
    """Where the row element after the first n starts; None when there are not that many yet."""
    for i, found in enumerate(_ROW_START.finditer(xml)):
        if i == n:
            return found.start()
    return None


def _sheet_data_end(xml: bytes) -> int:
    """Where the closing tag of sheetData starts ('</sheetData>' or '</x:sheetData>'); -1 when there is none."""
    close = xml.rfind(b"sheetData>")
    start = xml.rfind(b"</", 0, close)
    return start if close > 0 and start >= 0 and re.fullmatch(rb"</(?:[\w.-]+:)?", xml[start:close]) else -1


# ---------------------------------------------------------------- the rows below the header, as columns


def below(path: Path, name: str, first: int, legacy: str | None = None) -> pd.DataFrame | None:
    """The rows of sheet `name` from `first` (0-based) down as a frame indexed by sheet row, its columns by
    position (0 = column A): numbers as float64 (NaN when empty), dates as datetime64, text as objects (None when
    empty), text in TCVN3/VNI (`legacy`) converted. None when a column holds values of different types."""
    try:
        sheet = fastexcel.read_excel(path).load_sheet(name, header_row=None, skip_rows=first, schema_sample_rows=None,
                                                      dtype_coercion="strict")
        positions = [c.absolute_index for c in sheet.selected_columns]  # all of them; available_columns() costs 20 ms
        batch, errors = sheet.to_arrow_with_errors()
    except fastexcel.FastExcelError:  # a column of mixed types, or what fastexcel cannot read: read as cells
        return None
    if errors is not None and errors.errors:  # a cell its column's type cannot hold (an error value such as #N/A)
        return None
    index = pd.RangeIndex(first, first + batch.num_rows)
    return pd.DataFrame({pos: _column(batch.column(i), legacy, index) for i, pos in enumerate(positions)}, index=index)


def _column(array: pa.Array, legacy: str | None, index: pd.RangeIndex) -> pd.Series:
    kind = array.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        return pd.Series(array.to_numpy(zero_copy_only=False).astype("float64"), index=index)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return pd.Series(array.cast(pa.timestamp("ms")).to_numpy(zero_copy_only=False), index=index)
    values = array.to_pylist()
    if legacy and pa.types.is_string(kind):
        fix = sources.legacy_fixer(legacy)
        values = [fix(v) if isinstance(v, str) and not v.isascii() else v for v in values]
    return pd.Series(values, index=index, dtype=object)  # object, not pandas' str dtype: parsers put numbers in
