"""Read an Excel or CSV file into a DataFrame of canonical columns.

sources.open_source (size, magic bytes, zip bomb, DTD) → read_sheets (xlsx.head: each sheet's first
rows, calamine values and merged ranges; CSV encodings; TCVN3/VNI text converted) → layout.locate (the
header band and the dataset, the sheet when several match) → the rows under the header (xlsx.below:
Arrow columns, or the sheet's cells when its columns mix types) → layout.classify (data rows; title,
column-number, total, signature and blank rows left out, as runs) → map headers to canonical
columns (a column none takes is said: 'Cột không dùng') → parse every cell (a number written with
'trên', 'khoảng' … loads with its qualifier kept, Table.qualifiers) → the period from the title or as
given → resolve communes → values no unit can have (plausible.py) → check the totals. Whatever cannot
be read becomes a Finding naming sheet, row, column, value.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse import formatting, layout, plans, plausible, reported, sources, values, xlsx
from warehouse.communes import CommuneIndex
from warehouse.datasets import Dataset
from warehouse.findings import ERROR, WARNING, Finding
from warehouse.layout import ALIAS_INDEX, COMMUNE_COLUMNS, HEADER_SCAN_ROWS, header_key, match_header  # noqa: F401
from warehouse.sources import IngestError, Sheet  # noqa: F401  (re-exported: ingest.IngestError, ingest.Sheet)

PERIOD_COLUMN_NAMES = frozenset(c for columns in values.PERIOD_COLUMNS.values() for c in columns)


@dataclass
class Table:
    dataset: str
    sheet: str
    header_row: int  # as Excel shows it (the first row of a two-row header)
    frame: pd.DataFrame  # canonical columns + source_row
    headers: dict[str, str]  # canonical column → header as written ("Đã giải quyết / Quá hạn")
    ignored_headers: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    header_rows: int = 1  # how many rows the header takes
    period: dict[str, date] | None = None  # the period used when the table has no period column
    period_source: str | None = None  # "title" | "given" | None (the table has the column)
    period_text: str | None = None  # the title text the period was read from
    skipped_rows: list[tuple[int, int, str]] = field(default_factory=list)  # (first, last Excel row, Vietnamese reason)
    sheet_names: list[str] = field(default_factory=list)
    matching_sheets: list[str] = field(default_factory=list)
    qualifiers: list[tuple[int, str, str, str]] = field(default_factory=list)  # (source_row, column, '>'|'<'|'≈', as written)
    plan_unit: str | None = None  # a plan's unit (plans.PROVINCE or a commune code); targets only
    plan_unit_source: str | None = None  # "title" | "given" | "column"
    plan_unit_text: str | None = None  # the letterhead it was read from
    plan_unit_name: str | None = None  # 'tỉnh' or the unit's name: 'Đặc khu Lý Sơn'

    @property
    def rows(self) -> int:
        return len(self.frame)


# ---------------------------------------------------------------- reading


def read_sheets(path: Path, source: sources.Source | None = None) -> list[Sheet]:
    """Every worksheet of an .xlsx (its first rows and merged ranges, xlsx.head), or the one table of a CSV/text file."""
    path = Path(path)
    if source is None or (source.kind == "xlsx" and source.parts is None):
        source = sources.open_source(path, xlsx.keeper)
    if source.kind == "xlsx":
        return _read_xlsx(path, xlsx.head, source.parts)
    rows, notes = sources.read_text_rows(path)
    return [Sheet(path.stem, rows, [], notes)]


def _read_xlsx(path: Path, read, *args):
    """read(path, *args), a corrupt workbook (calamine's and fastexcel's own errors) an IngestError."""
    try:
        return read(path, *args)
    except IngestError:
        raise
    except Exception as exc:  # the readers raise their own error types for corrupt files
        raise IngestError(f"Không mở được tệp Excel '{path.name}': tệp bị hỏng hoặc không phải .xlsx ({exc}). "
                          "Hãy mở tệp bằng Excel, lưu lại thành .xlsx rồi tải lên lại.") from exc


def find_header(sheets: list[Sheet], dataset: str | None) -> tuple[Dataset, Sheet, int]:
    """The (dataset, sheet, 0-based first header row) of the table that names most known columns."""
    found, _ = layout.locate(sheets, dataset)
    return found.dataset, found.sheet, found.top


# ---------------------------------------------------------------- table


def read_table(path: Path, dataset: str | None = None, communes: CommuneIndex | None = None, *,
               sheet: str | None = None, period: dict[str, date] | str | None = None,
               unit: str | None = None, later: Callable[[], CommuneIndex] | None = None) -> Table:
    """Read, map and conform one file. Raises IngestError when the file or its table cannot be read.

    `sheet` picks the sheet (else the best-matching one); `period` (the dataset's period columns,
    or text as an analyst types it) fills the period for every row when the table has no period column;
    `unit` (a plan's: 'tỉnh', a code or a name) says whose plan a targets table is, else its letterhead does.
    `later`, instead of `communes`: waits for them, asked once the rows are read (sandbox.run_limited: the parent
    looks the warehouse up meanwhile).
    """
    path = Path(path)
    source = sources.open_source(path, xlsx.keeper)
    sheets = read_sheets(path, source)
    found, matching = _locate(path, source, sheets, dataset, sheet)
    ds, name = found.dataset, found.sheet.name
    below = _below_header(path, found)
    if later is not None:
        communes = later()
    rows = layout.classify(found, below, _commune_test(communes))
    mapping, ignored, findings = _map_columns(found)
    findings += unused_columns(found, below, rows.data)
    findings = _reading_notes(source, found, matching, sheet) + findings
    labels = _labels(found, mapping)
    body = _body(below, rows.data, mapping)
    if ds.name == "targets":
        body = _unpivot_years(body)
    frame, parse_findings, qualifiers = conform(ds, body, name, labels)
    findings += parse_findings
    frame, used, period_source, period_text, period_findings = apply_period(ds, frame, found, period, name)
    findings += period_findings
    plan = PlanUnit()
    if ds.name == "targets":
        frame, plan, plan_findings = apply_plan_unit(found, frame, unit, communes, name)
        findings += plan_findings
    findings += plausible.date_findings(ds, frame, name, labels, period_source)
    if ds.has_commune:
        frame, commune_findings = resolve_communes(frame, communes, name, labels)
        findings += commune_findings
        populations = communes.populations if communes else {}
        findings += plausible.per_person_findings(ds, frame, name, labels, populations)
        findings += reported.rate_findings(ds, frame, name, labels, populations)
    findings += _missing_columns(ds, frame) + _no_rows(found, frame)
    findings += total_findings(found, rows, frame, labels, below) + _below_footer(found, rows)
    headers = {col: found.header(pos) for pos, col in mapping.items()}
    return Table(ds.name, name, found.header_row, frame, headers, ignored, findings,
                 header_rows=found.bottom - found.top + 1, period=used, period_source=period_source,
                 period_text=period_text, skipped_rows=rows.skipped, sheet_names=[s.name for s in sheets],
                 matching_sheets=matching, qualifiers=qualifiers, plan_unit=plan.unit,
                 plan_unit_source=plan.source, plan_unit_text=plan.text,
                 plan_unit_name=plans.whose(plan.unit, communes) if plan.unit else None)


def _locate(path: Path, source: sources.Source, sheets: list[Sheet], dataset: str | None,
            sheet: str | None) -> tuple[layout.Layout, list[str]]:
    """layout.locate, or why no table was found: garbled legacy text, a text file named .xlsx, no header."""
    try:
        return layout.locate(sheets, dataset, sheet)
    except IngestError as exc:
        if _garbled(sheets):
            raise IngestError(sources.legacy_refusal(path.name)) from None
        if source.kind == "text" and path.suffix.lower() in (*sources.XLSX_SUFFIXES, ".xls"):
            raise IngestError(f"Không mở được tệp Excel '{path.name}': nội dung tệp là văn bản thường, không phải "
                              "bảng tính, và không có bảng số liệu nào trong đó. Hãy mở tệp gốc bằng Excel, chọn "
                              "Lưu thành (Save As) → Excel Workbook (.xlsx) rồi tải lên lại.") from None
        raise IngestError(f"Tệp '{path.name}': {exc}") from None


def _commune_test(communes: CommuneIndex | None):
    """Whether a text names a commune (current or former), for telling data rows from headings."""
    if communes is None:
        return None
    return lambda text: communes.resolve_name(text).code is not None


def _garbled(sheets: list[Sheet]) -> bool:
    """Text that looks like TCVN3/VNI read as Unicode but that no conversion made readable."""
    texts = [c for s in sheets for row in s.rows[:HEADER_SCAN_ROWS] for c in row if isinstance(c, str) and not c.isascii()]
    odd = sum(1 for t in texts for ch in t if ch in sources.LEGACY_MARKS)
    letters = sum(1 for t in texts for ch in t if ch.isalpha() and not ch.isascii())
    return letters >= 5 and odd >= letters * 0.3


def _reading_notes(source: sources.Source, found: layout.Layout, matching: list[str], sheet: str | None) -> list[Finding]:
    """Warnings about how the file was read: content vs extension, encoding, several tables."""
    notes = [Finding(WARNING, source.note, rule="file_type")] if source.note else []
    notes += [Finding(WARNING, note, found.sheet.name, rule="encoding") for note in found.sheet.notes]
    if sheet is None and len(matching) > 1:
        others = ", ".join(f"'{n}'" for n in matching if n != found.sheet.name)
        notes.append(Finding(WARNING, f"tệp có {len(matching)} trang tính có bảng số liệu; đã đọc trang '{found.sheet.name}'. "
                                      f"Để nạp trang khác ({others}), hãy chọn trang tính trên trang tải lên hoặc dùng --sheet",
                             found.sheet.name, rule="several_sheets"))
    return notes


def _map_columns(found: layout.Layout) -> tuple[dict[int, str], list[str], list[Finding]]:
    mapping: dict[int, str] = {}
    ignored, findings = [], []
    for pos in range(len(found.levels)):
        column = found.mapping.get(pos)
        header = found.header(pos)
        if column is None:
            if header:
                ignored.append(header)
        elif column in mapping.values():
            findings.append(Finding(WARNING, "cột trùng tên với một cột trước đó; chỉ dùng cột đầu tiên",
                                    found.sheet.name, found.header_row, header, rule="duplicate_header"))
        else:
            mapping[pos] = column
    return mapping, ignored, findings


def unused_columns(found: layout.Layout, below: pd.DataFrame, data_rows: list[int]) -> list[Finding]:
    """'Cột không dùng' for every column of the table that no canonical column takes, by its letter and
    header; an STT / row-number column and a column with neither header nor data go unsaid."""
    findings = []
    for pos in range(max(len(found.levels), len(below.columns))):
        if pos in found.mapping or _is_row_number(found, pos, below, data_rows):
            continue
        header = found.header(pos)
        filled = _filled_cells(below, pos, data_rows)
        if header or filled:
            findings.append(Finding(WARNING, _unused_message(found, pos, header, len(filled)), found.sheet.name,
                                    found.header_row, header or None, rule="unused_column"))
    return findings


def _filled_cells(below: pd.DataFrame, pos: int, data_rows: list[int]) -> list:
    """The non-blank cells of a column in the data rows."""
    if pos not in below.columns:
        return []
    cells = below[pos].reindex(data_rows)
    return [c for c in cells[cells.notna()] if not (isinstance(c, str) and not c.strip())]


def _is_row_number(found: layout.Layout, pos: int, below: pd.DataFrame, data_rows: list[int]) -> bool:
    """Headed STT / TT / Số TT, or without a header and numbered 1, 2, 3 …"""
    levels = found.levels[pos] if pos < len(found.levels) else ()
    if levels:
        return header_key(levels[-1]) in layout.STT_HEADERS
    numbers = [values.clean_text(c) for c in _filled_cells(below, pos, data_rows)]
    return bool(numbers) and numbers == [str(i) for i in range(1, len(numbers) + 1)]


def _unused_message(found: layout.Layout, pos: int, header: str, filled: int) -> str:
    ds, letter = found.dataset, column_letter(pos)
    if not header:
        return (f"Cột không dùng: cột {letter} (trang tính '{found.sheet.name}') có số liệu ở {filled} dòng nhưng không có "
                f"tiêu đề cột, nên không được nạp. Nếu cần nạp, hãy ghi tiêu đề cột theo mẫu của bộ '{ds.title}'")
    near = _closest_label(ds, header)
    hint = f" (gần giống cột '{near}' của mẫu)" if near else ""
    return (f"Cột không dùng: cột {letter} '{header}' (trang tính '{found.sheet.name}') không khớp với cột nào của bộ "
            f"'{ds.title}'{hint}, nên không được nạp. Nếu cần nạp, hãy sửa tiêu đề cột theo mẫu")


def _closest_label(ds: Dataset, header: str) -> str | None:
    """The label of the dataset's column whose alias is closest to a header, when one is close."""
    key = header_key(header).replace(" ", "")
    close = difflib.get_close_matches(key, list(ALIAS_INDEX[ds.name]), n=1, cutoff=0.85)
    return ds.column(ALIAS_INDEX[ds.name][close[0]]).label if close else None


def column_letter(pos: int) -> str:
    """0 → 'A', 26 → 'AA'."""
    letters = ""
    pos += 1
    while pos:
        pos, rest = divmod(pos - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _labels(found: layout.Layout, mapping: dict[int, str]) -> dict[str, str]:
    labels = {col: found.header(pos) for pos, col in mapping.items()}
    if any(c.startswith("year:") for c in labels):
        labels["target_text"] = "Giá trị chỉ tiêu"
    return labels


def _below_header(path: Path, found: layout.Layout) -> pd.DataFrame:
    """Every row under the header band, indexed by 0-based sheet row, a column per position (0 = A) to the
    table's width: typed columns read by fastexcel when the sheet was read in part (xlsx.below), else, or when
    its columns mix types, Python cells from its rows (the sheet read whole first)."""
    start, sheet = found.bottom + 1, found.sheet
    frame = _read_xlsx(path, xlsx.below, sheet.name, start, sheet.legacy) if sheet.partial else None
    if frame is None:
        if sheet.partial:
            sheet.rows, sheet.partial = _read_xlsx(path, xlsx.rows, sheet.name).rows, False
        frame = _rows_frame(sheet.rows, start)
    width = max(len(found.levels), max(frame.columns, default=-1) + 1)
    return frame.reindex(columns=range(width))


def _rows_frame(rows: list[list], start: int) -> pd.DataFrame:
    """Python rows from `start` on as an object frame indexed by sheet row."""
    below = rows[start:]
    if not below:
        return pd.DataFrame(columns=range(max((len(r) for r in rows), default=0)), dtype="object")
    return pd.DataFrame(below, dtype="object", index=range(start, start + len(below)))


def _body(below: pd.DataFrame, data_rows: list[int], mapping: dict[int, str]) -> pd.DataFrame:
    """The data rows, mapped columns only (their names unique, _map_columns), empty text as None, with source_row."""
    # each column taken by position with its dtype (text stays object, not pandas' Arrow strings): a reindex by
    # 50.000 labels, a rename and a reset copied the frame three times
    rows = np.asarray(data_rows, dtype="int64")
    at = below.index.get_indexer(rows)
    body = pd.DataFrame({name: pd.Series(below[pos].to_numpy()[at], dtype=below[pos].dtype)
                         for pos, name in mapping.items()})
    for column in body.columns:
        cells = body[column]
        if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_datetime64_any_dtype(cells):
            continue  # numbers and dates read as such: no text to blank
        empty = cells.isna() | cells.isin(("", " "))  # by hash: half the time of two comparisons
        if empty.any():
            body[column] = cells.where(~empty, None)
    body["source_row"] = rows + 1
    return body


def _unpivot_years(body: pd.DataFrame) -> pd.DataFrame:
    """Targets come wide ('Đến hết năm 2025', 'Đến năm 2030'): one row per indicator and year."""
    year_cols = [c for c in body.columns if c.startswith("year:")]
    if not year_cols:
        return body
    keep = [c for c in body.columns if c not in year_cols]
    long = body.melt(id_vars=keep, value_vars=year_cols, var_name="year", value_name="target_text")
    long["year"] = long["year"].str.removeprefix("year:").astype(int)
    long = long.loc[~long["target_text"].map(values.is_blank).astype(bool)]
    if "indicator_code" in long.columns:  # else the suite reports the missing column
        long["indicator_code"] = long["indicator_code"].map(_indicator_code)
    return long.sort_values(["source_row", "year"]).reset_index(drop=True)


def _indicator_code(value: object) -> object:
    """'2,3' → '2.3' (a comma typed for a dot), 1.1 → '1.1'."""
    text = values.clean_text(value)
    return text.replace(",", ".").rstrip(".") if text else text


NUMBER_KINDS = ("int", "num", "pct", "year")


def conform(ds: Dataset, body: pd.DataFrame, sheet: str,
            labels: dict[str, str]) -> tuple[pd.DataFrame, list[Finding], list[tuple[int, str, str, str]]]:
    """Parse every mapped column by its kind; unreadable cells become NULL + an error. A number written
    with a qualifier ('trên 75%') loads as its number + a warning; returns those as (source_row, column,
    qualifier, as written)."""
    source_rows = body["source_row"].to_numpy(dtype="int64")
    out = {"source_row": source_rows}  # a frame at the end: a column added to one makes a new index each time
    findings, qualifiers = [], []
    for column in ds.columns:
        if column.name not in body.columns:
            continue
        cells = body[column.name].reset_index(drop=True)
        qualified = {}
        if column.kind in ("int", "num", "pct"):
            cells, qualified = values.split_qualified(cells)
        parsed, bad = values.PARSERS[column.kind](cells)
        out[column.name] = parsed.to_numpy() if column.kind not in NUMBER_KINDS else parsed.array
        written = body[column.name].reset_index(drop=True)
        label = labels.get(column.name, column.label)
        findings += [
            Finding(ERROR, f"không đọc được; cần {values.EXPECTED_VI[column.kind]}", sheet,
                    int(source_rows[pos]), label, str(written.iat[pos]), rule="parse")
            for pos, _ in bad
        ]
        unreadable = {pos for pos, _ in bad}
        for pos, q in qualified.items():
            if pos not in unreadable:
                row, text = int(source_rows[pos]), str(written.iat[pos])
                findings.append(_qualified_finding(q, sheet, row, label, text, column.name))
                qualifiers.append((row, column.name, q.qualifier, text))
    out = pd.DataFrame(out)
    if "period" in out.columns:
        out["period"] = out["period"] + pd.offsets.MonthEnd(0)
    findings += _fraction_percentages(ds, out, sheet, labels)
    return out, findings, qualifiers


def _qualified_finding(q: values.Qualified, sheet: str, row: int, label: str, text: str, column: str) -> Finding:
    number = formatting.number(q.number, _written_decimals(q.number))
    return Finding(WARNING, f"Giá trị có từ định tính '{q.word}' ({values.QUALIFIER_VI[q.qualifier]}), không phải số "
                            f"chính xác: nạp {number} kèm dấu '{q.qualifier}'. Nếu có số chính xác, hãy ghi số đó",
                   sheet, row, label, text, rule="qualified_value", canonical=column)


def _written_decimals(x: float) -> int:
    """The decimals a number needs to read back as written: 75 → 0, 86.6 → 1."""
    return len(f"{x:.6f}".rstrip("0").split(".")[1])


def _fraction_percentages(ds: Dataset, frame: pd.DataFrame, sheet: str, labels: dict[str, str]) -> list[Finding]:
    """A percent column whose values all lie in 0–1 was typed as fractions (0,866): ×100, warn."""
    findings = []
    for column in ds.columns:
        if column.kind != "pct" or column.name not in frame.columns:
            continue
        s = frame[column.name].dropna()
        if len(s) and s.max() <= 1 and (s > 0).any():
            frame[column.name] = frame[column.name] * 100
            findings.append(Finding(WARNING, "mọi giá trị nằm trong 0–1 nên được hiểu là phân số và đã nhân 100",
                                    sheet, None, labels.get(column.name, column.label), rule="fraction_pct"))
    return findings


def resolve_communes(frame: pd.DataFrame, index: CommuneIndex | None, sheet: str,
                     labels: dict[str, str]) -> tuple[pd.DataFrame, list[Finding]]:
    """Fill commune_code from the name where the code is missing; check both against the dimension.

    Each distinct (code, name) pair is resolved once; the findings name every row.
    """
    if index is None or not ({"commune_code", "commune_name"} & set(frame.columns)):
        return frame, []
    empty = pd.Series("", index=frame.index, dtype="object")
    code_ids, code_values = pd.factorize(_as_text(frame["commune_code"]) if "commune_code" in frame.columns else empty)
    name_ids, name_values = pd.factorize(_as_text(frame["commune_name"]) if "commune_name" in frame.columns else empty)
    pair_ids, pairs = pd.factorize(code_ids.astype("int64") * len(name_values) + name_ids)  # each (code, name) once
    index.resolve_many(name_values)  # every distinct name once; the unknown ones' suggestions in one batch
    resolved = [_resolve_one(index, code_values[p // len(name_values)] or None,
                             name_values[p % len(name_values)] or None, sheet, 0, labels) for p in pairs]
    findings = []
    rows = frame["source_row"].to_numpy()
    for at in np.flatnonzero(np.array([f is not None for _, f in resolved], dtype=bool)[pair_ids]):
        f = resolved[pair_ids[at]][1]
        findings.append(Finding(f.severity, f.message, sheet, int(rows[at]), f.column, f.value, f.rule))
    frame = frame.drop(columns=["commune_name"], errors="ignore")
    codes = np.array([c for c, _ in resolved], dtype=object)[pair_ids]
    frame["commune_code"] = pd.Series(codes, index=frame.index, dtype=object)  # object: None, not pandas' NaN text
    return frame, findings


def _as_text(series: pd.Series) -> pd.Series:
    """Parsed codes/names (text or None) as Python text, '' for missing (they contain no U+001F); object dtype,
    not pandas' Arrow strings, which are slow to look up one by one."""
    return series.astype("object").where(series.notna(), "")


def _resolve_one(index: CommuneIndex, code, name, sheet: str, row: int, labels: dict[str, str]) -> tuple[str | None, Finding | None]:
    code_label = labels.get("commune_code", "Mã xã")
    name_label = labels.get("commune_name", "Tên xã")
    if code is not None:
        if not index.has_code(code):
            return None, Finding(ERROR, "mã xã không có trong danh mục 96 đơn vị hành chính", sheet, row, code_label, code, "commune")
        if name is not None:
            by_name = index.resolve_name(name)
            if by_name.code is not None and by_name.code != code:
                msg = f"mã {code} là {index.names[code]}, nhưng tên ghi là '{name}' (mã {by_name.code})"
                return None, Finding(ERROR, msg, sheet, row, name_label, name, "commune")
        return code, None
    if name is None:
        return None, Finding(ERROR, "thiếu mã xã và tên xã", sheet, row, name_label, None, "commune")
    result = index.resolve_name(name)
    if result.code is None:
        return None, Finding(ERROR, result.error, sheet, row, name_label, name, "commune")
    if result.warning:
        return result.code, Finding(WARNING, result.warning, sheet, row, name_label, name, "commune_former")
    return result.code, None


def _missing_columns(ds: Dataset, frame: pd.DataFrame) -> list[Finding]:
    """'At least one measure' needs a look at the headers; the GX suite checks the rest."""
    if ds.one_of and not set(ds.one_of) & set(frame.columns):
        labels = ", ".join(ds.column(c).label for c in ds.one_of)
        return [Finding(ERROR, f"bảng không có cột số liệu nào; cần ít nhất một trong: {labels}", rule="one_of")]
    return []


# ---------------------------------------------------------------- period, totals


def apply_period(ds: Dataset, frame: pd.DataFrame, found: layout.Layout, period: dict[str, date] | str | None,
                 sheet: str) -> tuple[pd.DataFrame, dict | None, str | None, str | None, list[Finding]]:
    """Fill the period columns the table lacks: from `period` when given, else from the title.

    Returns (frame, period used, "given" | "title" | None, title text, findings).
    """
    columns = values.PERIOD_COLUMNS.get(ds.name, ())
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return frame, None, None, None, []
    source, text, row = "given", None, None
    if isinstance(period, str):
        try:
            period = values.parse_period(period, ds.name)
        except ValueError as exc:
            return frame, None, None, None, [Finding(ERROR, str(exc), sheet, None, "Kỳ báo cáo", rule="period_missing")]
    if not period:
        period, text, row = layout.title_period(found)
        source = "title"
        if not period:
            return frame, None, None, None, [_period_missing(ds, sheet, text, row)]
    lacking = [c for c in missing if not period.get(c)]
    if lacking:
        return frame, None, None, None, [_period_missing(ds, sheet, text, row)]
    frame = frame.copy()
    for column in missing:
        frame[column] = pd.Series(pd.Timestamp(period[column]), index=frame.index).astype("datetime64[us]")
    findings = []
    if source == "title":
        findings.append(Finding(WARNING, f"bảng không có cột kỳ báo cáo; dùng kỳ ghi ở tiêu đề: {_period_vi(period)}. "
                                         "Nếu sai, hãy nhập kỳ đúng (ô 'Kỳ báo cáo' trên trang tải lên, --period khi dùng dòng lệnh)",
                                sheet, row, "Kỳ báo cáo", text, rule="period_from_title"))
    return frame, dict(period), source, text, findings


def _period_missing(ds: Dataset, sheet: str, text: str | None, row: int | None) -> Finding:
    labels = " / ".join(ds.column(c).label for c in values.PERIOD_COLUMNS[ds.name])
    said = f"tiêu đề ghi '{text}' nhưng bộ dữ liệu này cần {values.PERIOD_EXAMPLES[ds.name]}" if text \
        else "tiêu đề cũng không ghi kỳ báo cáo"
    return Finding(ERROR, f"bảng không có cột {labels} và {said}. Hãy nhập kỳ báo cáo (ô 'Kỳ báo cáo' trên trang tải "
                          f"lên, hoặc --period khi dùng dòng lệnh): {values.PERIOD_EXAMPLES[ds.name]}",
                   sheet, row, "Kỳ báo cáo", text, rule="period_missing")


def _period_vi(period: dict[str, date]) -> str:
    if "period_start" in period:
        return f"từ {period['period_start']:%d/%m/%Y} đến {period['period_end']:%d/%m/%Y}"
    if "period" in period:
        return f"tháng {period['period']:%m/%Y}"
    return f"ngày {period['snapshot_date']:%d/%m/%Y}"


@dataclass(frozen=True)
class PlanUnit:
    unit: str | None = None
    source: str | None = None  # "given" | "title" | "column"
    text: str | None = None


def apply_plan_unit(found: layout.Layout, frame: pd.DataFrame, unit: str | None, communes: CommuneIndex | None,
                    sheet: str) -> tuple[pd.DataFrame, PlanUnit, list[Finding]]:
    """Whose plan the targets are: `unit` as the analyst gives it, else the letterhead above the table
    (plans.unit_in_lines; the upload page and the command line say what was read); an error when neither tells."""
    if "plan_unit" in frame.columns and frame["plan_unit"].notna().all():
        return frame, PlanUnit(None, "column"), []
    known = communes or CommuneIndex([])
    if unit:
        try:
            plan = PlanUnit(plans.resolve(unit, known), "given")
        except ValueError as exc:
            return frame, PlanUnit(), [Finding(ERROR, str(exc), sheet, None, "Kế hoạch của đơn vị", unit, rule="plan_unit")]
    else:
        lines = [values.clean_text(cell) for row in found.sheet.rows[:found.top] for cell in row if isinstance(cell, str)]
        read, text = plans.unit_in_lines([line for line in lines if line], known)
        if read is None:
            return frame, PlanUnit(), [Finding(
                ERROR, "không rõ đây là kế hoạch của tỉnh hay của đơn vị nào (tiêu đề không ghi 'UBND tỉnh', "
                       "'UBND xã …'). Hãy chọn đơn vị ở ô 'Kế hoạch của đơn vị' trên trang tải lên, hoặc ghi "
                       "--unit 'tỉnh' / --unit 'Xã Mỏ Cày' khi dùng dòng lệnh", sheet, None, "Kế hoạch của đơn vị",
                rule="plan_unit")]
        plan = PlanUnit(read, "title", text)
    return frame.assign(plan_unit=plan.unit), plan, []


TOTAL_VI = {"total": "dòng tổng cộng", "subtotal": "dòng cộng", "group": "dòng nhóm"}


def total_findings(found: layout.Layout, rows: layout.Rows, frame: pd.DataFrame, labels: dict[str, str],
                   below: pd.DataFrame) -> list[Finding]:
    """A warning for every total whose detail rows do not add up to it (column, as written, the sum);
    `below` holds the rows under the header as read."""
    ds = found.dataset
    if not rows.totals or ds.name == "targets":
        return []
    numeric = [(p, c) for p, c in found.mapping.items() if c in frame.columns and ds.column(c).kind in ("int", "num")]
    by_row = frame.set_index("source_row")
    findings = []
    for total in rows.totals:
        covered = [i + 1 for i in total.covers]
        if not covered:
            continue
        for pos, column in numeric:
            cell = below.at[total.row, pos] if pos in below.columns else None
            written = _number(cell)
            if written is None:
                continue
            summed = float(pd.to_numeric(by_row.loc[covered, column], errors="coerce").sum(skipna=True))
            if not math.isclose(written, summed, rel_tol=1e-9, abs_tol=0.005):
                span = f"dòng {covered[0]}–{covered[-1]}" if len(covered) > 1 else f"dòng {covered[0]}"
                message = (f"{TOTAL_VI[total.kind]} ghi {formatting.number(written, _decimals(written))} nhưng cộng "
                           f"{len(covered)} dòng chi tiết ({span}) được {formatting.number(summed, _decimals(summed))}")
                findings.append(Finding(WARNING, message, found.sheet.name, total.row + 1, labels.get(column, column),
                                        str(values.clean_text(cell)), rule="total_mismatch", canonical=column))
    return findings


def _number(cell: object) -> float | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        return None if isinstance(cell, float) and math.isnan(cell) else float(cell)
    if isinstance(cell, str) and cell.strip():
        try:
            return values.number_from_text(cell)
        except ValueError:
            return None
    return None


def _decimals(x: float) -> int:
    return 0 if float(x).is_integer() else 2


def _no_rows(found: layout.Layout, frame: pd.DataFrame) -> list[Finding]:
    if len(frame):
        return []
    return [Finding(ERROR, f"bảng không có dòng số liệu nào dưới dòng tiêu đề cột {found.header_row} (các dòng đều trống, "
                           "là dòng tổng cộng hoặc chữ ký); hãy kiểm tra lại tệp", found.sheet.name, rule="no_rows")]


def _below_footer(found: layout.Layout, rows: layout.Rows) -> list[Finding]:
    return [Finding(WARNING, "dòng có số liệu nằm dưới phần chữ ký/ghi chú nên không được đọc; "
                             "nếu đây là số liệu, hãy chuyển lên trong bảng", found.sheet.name, i + 1, rule="below_footer")
            for i in rows.below_footer]
