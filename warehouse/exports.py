"""Tables to .xlsx for people: Vietnamese headers, number formats, no formula injection.

A cell that starts with = + - @ (or a tab / carriage return) is what a
spreadsheet runs as a formula; such text is written with a leading apostrophe
so that it shows as typed and never runs. Numbers and dates stay numbers and
dates, so the workbook sorts and sums as the analyst expects.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Excel number formats; Excel shows them in the reader's locale (3.781 and 86,6 in Vietnamese Excel)
NUMBER_FORMATS = {
    "int": "#,##0",
    "dec1": "#,##0.0",
    "dec2": "#,##0.00",
    "pct": '0.0" %"',  # stored 0-100, as the warehouse keeps percentages
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert ('=1+1' → "'=1+1")."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) of a frame neutralised; for CSV downloads too."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def _cell(value: object) -> object:
    """A value openpyxl writes as a number, date or inert text; missing → empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return value.item()
    if isinstance(value, (int, float, date, datetime)):
        return value
    return neutralise(str(value))


def to_xlsx(frame: pd.DataFrame, *, sheet: str = "Bảng", formats: dict[str, str] | None = None,
            notes: Iterable[str] = ()) -> bytes:
    """One sheet: optional note lines (title, filters, data date), then the table with its formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    notes = list(notes)
    for note in notes:
        ws.append([neutralise(note)])
    if notes:
        ws.cell(1, 1).font = Font(bold=True)
        ws.append([])
    header_row = len(notes) + 2 if notes else 1  # notes, a blank row, then the header
    ws.append([neutralise(str(c)) for c in frame.columns])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        fmt = NUMBER_FORMATS.get(formats.get(column, ""))
        if fmt:
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                cell.number_format = fmt
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200).tolist()])
        ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
