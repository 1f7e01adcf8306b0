"""A report's figures, reviewed by an analyst, loaded as ordinary loads (the upload page's "Đọc báo cáo").

    frame = review_frame(extraction)                     # the figures used, one per line, for st.data_editor
    reviewed = apply_review(extraction, edited)          # unticked: not used; a value typed over: the new one
    tables = check_reviewed(reviewed, communes, folder)  # one checked table per dataset, as `load` checks any sheet
    results = load_reviewed(report, tables, ...)         # one load per dataset: the report archived once, as their original

The tables are the sheets of write_workbook (what `python -m warehouse extract --out` writes), read and checked
by load.check_file: the same reader, the same checks. Each load records, in its own transaction, which
sentence of the report each value was read from (meta.value_sources).
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from warehouse import datasets, db, formatting, load, values
from warehouse.communes import CommuneIndex
from warehouse.extract import periods
from warehouse.extract.model import NOT_USED, Extraction, Figure
from warehouse.extract.workbook import DATA_ROW, confidence_label, dataset_rows, write_workbook
from warehouse.findings import Finding

USE, VALUE = "Dùng", "Giá trị"
REVIEW_COLUMNS = (USE, "Bộ dữ liệu", "Chỉ tiêu", VALUE, "Câu trong báo cáo", "Vị trí", "Kỳ", "Độ tin cậy", "Số như viết")
NOT_USED_COLUMNS = ("Số như viết", "Lý do không dùng", "Câu trong báo cáo", "Vị trí")
DROPPED = "bỏ khi duyệt"
SOURCE_LABELS = {"column": "Chỉ tiêu", "value": "Giá trị đã nạp", "sentence": "Câu trong báo cáo", "location": "Vị trí",
                 "written": "Số như viết trong báo cáo", "corrected": "Sửa tay", "period": "Kỳ",
                 "commune_code": "Mã xã", "source_row": "Dòng"}


@dataclass
class Reviewed:
    """An extraction as the analyst left it: its own copy of the figures, and those typed over."""

    extraction: Extraction
    corrected: frozenset[int] = frozenset()  # indices into extraction.figures


@dataclass
class ReportTable:
    """One dataset's figures as a checked table, ready for load.write_checked."""

    dataset: str
    table: object  # ingest.Table | None (None when its sheet could not be read)
    findings: list[Finding]
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # load.SOURCE_COLUMNS

    @property
    def ok(self) -> bool:
        return self.table is not None and not any(f.severity == "error" for f in self.findings)


# ---------------------------------------------------------------- the analyst's table


def review_frame(extraction: Extraction) -> pd.DataFrame:
    """The figures used, as the editor shows them (index: the figure's position in extraction.figures)."""
    rows = {i: [True, datasets.DATASETS[f.dataset].short, _label(f), value_text(f), f.sentence, f.where,
                period_text(f, extraction), confidence_label(f.confidence), f.text]
            for i, f in enumerate(extraction.figures) if f.used}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(REVIEW_COLUMNS))


def not_used_frame(extraction: Extraction) -> pd.DataFrame:
    """The numbers the reader did not place, with why: what the analyst checks was rightly left out."""
    rows = [[f.text, f.reason or "", f.sentence, f.where] for f in extraction.not_used]
    return pd.DataFrame(rows, columns=list(NOT_USED_COLUMNS))


def _label(figure: Figure) -> str:
    return datasets.DATASETS[figure.dataset].column(figure.column).label


def value_text(figure: Figure) -> str:
    """The value as an analyst types it: '3.781', '86,6', 'trên 75', '7/96'."""
    if isinstance(figure.value, (int, float)):
        value = float(figure.value)
        decimals = next((d for d in range(4) if abs(round(value, d) - value) < 1e-9), 3)
        text = formatting.number(value, decimals)
        return f"{figure.qualifier} {text}" if figure.qualifier else text
    return "" if figure.value is None else str(figure.value)


def period_text(figure: Figure, extraction: Extraction) -> str:
    """The period the value loads under, as the dataset keeps it: '01/07/2025-30/10/2025', '18/11/2025'."""
    columns, _ = periods.for_dataset(figure.period, figure.dataset, extraction.report_period) if figure.period else (None, None)
    return values.period_label(columns) if columns else ""


def apply_review(extraction: Extraction, edited: pd.DataFrame | None) -> Reviewed:
    """A copy of the extraction with the analyst's choices: an unticked figure is not used; a value typed over
    replaces the one read, as text the loader reads as it reads a cell ('3.267', '86,6', 'trên 75')."""
    reviewed = copy.deepcopy(extraction)
    corrected = set()
    for i, row in (edited if edited is not None else pd.DataFrame()).iterrows():
        figure = reviewed.figures[i]
        if not figure.used:
            continue
        if not bool(row[USE]):
            figure.status, figure.reason = NOT_USED, DROPPED
            continue
        typed = "" if pd.isna(row[VALUE]) else str(row[VALUE]).strip()
        if typed != value_text(figure):
            figure.value, figure.qualifier = typed or None, None
            corrected.add(i)
    return Reviewed(reviewed, frozenset(corrected))


def signature(edited: pd.DataFrame | None) -> str:
    """A short key of the analyst's choices (ticks and values), for caching the checks of one review."""
    if edited is None:
        return ""
    text = repr(list(zip(edited.index, edited[USE], edited[VALUE], strict=True)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- checks and loads


def check_reviewed(reviewed: Reviewed, communes: CommuneIndex, folder: Path) -> list[ReportTable]:
    """Each dataset's figures read and checked as `load` reads and checks a sheet of the workbook.

    The workbook is written in `folder` (the upload's private folder) and removed after its reading.
    """
    extraction = reviewed.extraction
    names = extraction.datasets()
    if not names:
        return []
    handle, temp = tempfile.mkstemp(prefix=".so_lieu_duyet_", suffix=".xlsx", dir=folder)
    os.close(handle)
    book = Path(temp)
    try:
        write_workbook(extraction, book)
        tables = []
        for name in names:
            table, findings, _ = load.check_file(book, name, communes, sheet=name)
            tables.append(ReportTable(name, table, findings, sources(reviewed, name)))
        return tables
    finally:
        book.unlink(missing_ok=True)


def sources(reviewed: Reviewed, name: str) -> pd.DataFrame:
    """Where each value of one dataset's sheet was read: a row of meta.value_sources per cell."""
    extraction, position = reviewed.extraction, {id(f): i for i, f in enumerate(reviewed.extraction.figures)}
    rows = [(DATA_ROW + n, f.column, f.sentence, f.where, f.text, position[id(f)] in reviewed.corrected)
            for n, (_, written) in enumerate(dataset_rows(extraction, name)) for f in written]
    return pd.DataFrame(rows, columns=list(load.SOURCE_COLUMNS))


def load_reviewed(report: Path, tables: list[ReportTable], *, file_name: str, loaded_by: str,
                  db_file: Path | None = None) -> list[load.LoadResult]:
    """One ordinary load per dataset, the report archived once as their original; the tables were read and checked
    already (never a second read). A report loaded before and still counted is a duplicate, as any file. The app's
    next read snapshot is prepared once, after the last (db.loading)."""
    sha256 = load.sha256_of(report)
    with db.loading(db_file):
        return [load.write_checked(report, t.table, t.findings, db_file=db_file, loaded_by=loaded_by,
                                   file_name=file_name, sheet=t.dataset, sha256=sha256, sources=t.sources)
                for t in tables]


def places(findings: list[Finding], tables: list[ReportTable]) -> list[str]:
    """For each finding, where in the report the cell it names was read ('đoạn 69'), or ''."""
    cells = {(t.dataset, int(r.source_row), r.column_name): r.location for t in tables for r in t.sources.itertuples()}
    return [_place(f, cells) for f in findings]


def _place(finding: Finding, cells: dict[tuple[str, int, str], str]) -> str:
    """The cell's place, the column named by its canonical name or its header; a row's places for a row's finding."""
    dataset = datasets.DATASETS.get(finding.sheet or "")
    if dataset is None or finding.row is None:
        return ""
    column = finding.canonical or next((c.name for c in dataset.columns if c.label == finding.column), None)
    if column is not None:
        return cells.get((dataset.name, finding.row, column), "")
    row = dict.fromkeys(place for (name, r, _), place in cells.items() if name == dataset.name and r == finding.row)
    return ", ".join(row)


def sources_table(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """queries.value_sources shaped for the history page: Vietnamese headers, the column's label, the value as shown."""
    ds = datasets.DATASETS.get(dataset)
    column = {c.name: c for c in ds.columns} if ds else {}
    shown = frame.assign(
        column=[column[c].label if c in column else c for c in frame["column_name"]],
        value=[_shown(v, column.get(c)) for v, c in zip(frame["value"], frame["column_name"], strict=True)],
        period=[_period(r, dataset) for r in frame.itertuples()],
        corrected=frame["is_corrected"].map({True: "có", False: ""}),
    )
    return shown[list(SOURCE_LABELS)].rename(columns=SOURCE_LABELS)


def _shown(value: object, column: datasets.Column | None) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if column is not None and column.kind in ("int", "num", "pct"):
        return formatting.measure(float(value), 0)
    return str(value)


def _period(row, dataset: str) -> str:
    names = values.PERIOD_COLUMNS.get(dataset, ())
    found = {n: getattr(row, n) for n in names if hasattr(row, n) and not pd.isna(getattr(row, n))}
    return values.period_label(found) if len(found) == len(names) and found else ""
