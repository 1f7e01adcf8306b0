"""Tables to .xlsx for people: Vietnamese headers, number formats, no formula injection.

A cell that starts with = + - @ (or a tab / carriage return) is what a
spreadsheet runs as a formula; such text is written with a leading apostrophe
so that it shows as typed and never runs. Numbers and dates stay numbers and
dates, so the workbook sorts and sums as the analyst expects.

An export says what it is (issue 12): above the table, a header block gives the title and notes of the view,
"Dữ liệu mẫu — …" when sample data is in it, the filters ("tất cả đơn vị" when none), the loads it draws on
(dataset, load number, file, day) and the moment it was exported in Vietnam's time; a blank row, then the
table (header row, then rows), frozen and filterable under its header.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from warehouse import datasets, formatting, samples

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


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NO_FILTER = "tất cả đơn vị"
NO_LOADS = "chưa có lần nạp nào"
SAMPLE_MARK = f"Dữ liệu mẫu — {samples.ILLUSTRATIVE}"


def now() -> datetime:
    """The time in Vietnam (Asia/Ho_Chi_Minh), whatever the server's zone."""
    return datetime.now(VIETNAM)


@dataclass(frozen=True)
class Source:
    """What an export draws on: the loads (queries.export_sources) and the filters of the view."""
    loads: pd.DataFrame
    filters: tuple[str, ...] = ()

    @property
    def is_sample(self) -> bool:
        return bool(self.loads["is_sample"].any())

    def load_lines(self) -> list[str]:
        """'Hạ tầng số: lần nạp #2 (broadband.xlsx, nạp 30/11/2026)', one line per dataset."""
        lines = []
        for name, group in self.loads.groupby("dataset", sort=False):
            parts = [f"#{r.load_id} ({r.file_name}, nạp {formatting.day(r.loaded_at)}{_state(r)})"
                     for r in group.itertuples()]
            lines.append(f"{datasets.get(name).title}: lần nạp {'; '.join(parts)}")
        return lines or [NO_LOADS]

    def short(self) -> str:
        """'Hạ tầng số #2 · Danh mục xã #1' for a tooltip and the brief."""
        ids: dict[str, list[str]] = {}  # a dict, not a groupby: this runs on every page's script run (≈ 8 ms less)
        for name, load_id in zip(self.loads["dataset"], self.loads["load_id"], strict=True):
            ids.setdefault(name, []).append(f"#{load_id}")
        return " · ".join(f"{datasets.get(name).short} {', '.join(found)}" for name, found in ids.items()) or NO_LOADS

    def lines(self, at: datetime) -> list[str]:
        """The header block's lines after the view's own notes; `at` shown in Vietnam's time."""
        at = at.astimezone(VIETNAM) if at.tzinfo else at
        return ([SAMPLE_MARK] if self.is_sample else []) + [
            f"Bộ lọc: {'; '.join(self.filters) if self.filters else NO_FILTER}",
            *(f"Nguồn: {line}" for line in self.load_lines()),
            f"Xuất lúc: {at:%H:%M} ngày {formatting.day(at)} (giờ Việt Nam)",
        ]


STATES = {"rejected": ", bị từ chối", "duplicate": ", trùng tệp đã nạp"}


def _state(load) -> str:
    """A load that does not count, said so (an export of a rejected load's findings)."""
    return ", đã thu hồi" if not pd.isna(load.retracted_at) else STATES.get(load.status, "")


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
            notes: Iterable[str] = (), source: Source | None = None, at: datetime | None = None) -> bytes:
    """One sheet: the header block (notes, then what `source` says, exported `at` or now), a blank row, the table."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    header_row = _header_block(ws, list(notes), source, at or now())
    ws.append([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    _layout(ws, frame, formats or {}, header_row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header_block(ws, notes: list[str], source: Source | None, at: datetime) -> int:
    """Write the lines above the table (the first bold, the sample mark bold orange); the table's header row."""
    from openpyxl.styles import Font

    lines = notes + (source.lines(at) if source else [])
    for line in lines:
        ws.append([neutralise(line)])
        if line == SAMPLE_MARK:
            ws.cell(ws.max_row, 1).font = Font(bold=True, color="C05600")
    if not lines:
        return 1
    ws.cell(1, 1).font = Font(bold=True)
    ws.append([])
    return len(lines) + 2


def _layout(ws, frame: pd.DataFrame, formats: dict[str, str], header_row: int) -> None:
    """Bold header, number formats, column widths, panes frozen and a filter under the header."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        fmt = NUMBER_FORMATS.get(formats.get(column, ""))
        if fmt:
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                cell.number_format = fmt
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200).tolist()])
        ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    if len(frame.columns):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(frame.columns))}{header_row + len(frame)}"
