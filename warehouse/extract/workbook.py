"""An extraction as an upload workbook: one sheet per dataset that `load` takes, and every figure with its sentence.

Sheet `dvctt` / `broadband` / `bdhvs`: the header row in the datasets' Vietnamese labels (Mã xã, Tên xã,
the period columns, then each column read), one row per unit and period, so that
`python -m warehouse load FILE --dataset dvctt --sheet dvctt` loads it. A figure written with a
qualifier goes in as written ('trên 30'), which `load` reads as its number with the qualifier kept.
Sheet 'Số liệu trích': every figure, used or not, with why, where and the sentence. Sheet 'Tóm tắt':
the summary. Text from the report is written inert (exports.neutralise: no formula runs).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd

from warehouse import datasets, exports, formatting
from warehouse.extract import periods
from warehouse.extract.model import Extraction, Figure
from warehouse.extract.run import summary

FIGURES_SHEET = "Số liệu trích"
SUMMARY_SHEET = "Tóm tắt"
FIGURE_HEADERS = ("STT", "Trạng thái", "Lý do không dùng", "Bộ dữ liệu", "Cột", "Tên cột", "Giá trị", "Từ định tính",
                  "Đơn vị tính", "Kỳ", "Kỳ lấy từ", "Ghi cho đơn vị", "Vị trí", "Độ tin cậy", "Số như viết", "Câu trong báo cáo")


def confidence_label(value: float) -> str:
    return "cao" if value >= 0.7 else ("trung bình" if value >= 0.5 else "thấp")


def dataset_frames(extraction: Extraction) -> dict[str, pd.DataFrame]:
    """{dataset: rows as `load` takes them, headed by the Vietnamese labels}, for the datasets with used figures."""
    return {name: dataset_frame(extraction, name) for name in extraction.datasets()}


DATA_ROW = 2  # a dataset sheet's first row of figures, as Excel numbers it (row 1: the headers)


def dataset_frame(extraction: Extraction, name: str) -> pd.DataFrame:
    dataset = datasets.DATASETS[name]
    rows = [row for row, _ in dataset_rows(extraction, name)]
    present = {c for row in rows for c in row}
    order = [c.name for c in dataset.columns if c.name in present]
    frame = pd.DataFrame([[row.get(c) for c in order] for row in rows], columns=order)
    return frame.rename(columns={c.name: c.label for c in dataset.columns})


def dataset_rows(extraction: Extraction, name: str) -> list[tuple[dict[str, object], list[Figure]]]:
    """The sheet's rows in order, one per unit and period: ({canonical column: cell}, the figures written in it)."""
    rows: dict[tuple, tuple[dict[str, object], list[Figure]]] = {}
    for figure in (f for f in extraction.used if f.dataset == name):
        period_columns, _ = periods.for_dataset(figure.period, name, extraction.report_period)
        key = (figure.unit_code, tuple(sorted(period_columns.items())))
        row, written = rows.setdefault(key, ({"commune_code": figure.unit_code,
                                              "commune_name": _unit_name(extraction, figure), **period_columns}, []))
        row[figure.column] = cell_value(figure)
        written.append(figure)
    return list(rows.values())


def _unit_name(extraction: Extraction, figure: Figure) -> str:
    return extraction.unit.name if figure.unit_code == extraction.unit.code else figure.unit_code


def cell_value(figure: Figure) -> object:
    """The value as the cell holds it: a number, a rank '7/96', or 'trên 30' for a qualified number."""
    if figure.qualifier and isinstance(figure.value, (int, float)):
        return f"{figure.qualifier} {formatting.number(figure.value, _decimals(figure.value))}"
    return figure.value


def _decimals(value: float) -> int:
    return next((d for d in range(4) if round(float(value), d) == float(value)), 3)


def figures_frame(extraction: Extraction) -> pd.DataFrame:
    """Every figure, used or not, with its reason and sentence: what the analyst reviews."""
    rows = [_figure_row(i, f) for i, f in enumerate(extraction.figures, start=1)]
    return pd.DataFrame(rows, columns=list(FIGURE_HEADERS))


def _figure_row(number: int, figure: Figure) -> list[object]:
    column = _column(figure)
    value = figure.value if not isinstance(figure.value, float) or not figure.value.is_integer() else int(figure.value)
    return [number, figure.status, figure.reason or "", figure.dataset or "", figure.column or "",
            column.label if column else "", value, figure.qualifier or "", figure.unit,
            figure.period.label() if figure.period else "", figure.period_how or "",
            figure.unit_code or "", figure.where, confidence_label(figure.confidence) if figure.dataset else "",
            figure.text, figure.sentence]


def _column(figure: Figure) -> datasets.Column | None:
    dataset = datasets.DATASETS.get(figure.dataset or "")
    return next((c for c in dataset.columns if c.name == figure.column), None) if dataset else None


def write_workbook(extraction: Extraction, out: Path | None = None) -> bytes:
    """The workbook's bytes (written to `out` too when given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in dataset_frames(extraction).items():
        _sheet(wb, name, frame, Font)
    _sheet(wb, FIGURES_SHEET, figures_frame(extraction), Font)
    summary_sheet = wb.create_sheet(SUMMARY_SHEET)
    for line in summary(extraction):
        summary_sheet.append([exports.neutralise(line)])
    summary_sheet.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


def _sheet(wb, title: str, frame: pd.DataFrame, font) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title[:31])
    ws.append([exports.neutralise(str(c)) for c in frame.columns])
    for cell in ws[1]:
        cell.font = font(bold=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for i, column in enumerate(frame.columns, start=1):
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            if isinstance(cell.value, date):
                cell.number_format = exports.NUMBER_FORMATS["date"]
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200).tolist()])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 80)
    ws.freeze_panes = "A2"


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float, date)):
        return value
    return exports.neutralise(str(value))
