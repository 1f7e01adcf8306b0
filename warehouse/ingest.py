"""Read an Excel or CSV file into a DataFrame of canonical columns.

read_sheets → find the header row (and the dataset, when not given) → map the
Vietnamese headers to canonical columns → parse every cell → resolve communes.
Whatever cannot be read becomes a Finding naming sheet, row, column and value.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from warehouse import datasets, values
from warehouse.communes import CommuneIndex, fold
from warehouse.datasets import Dataset
from warehouse.findings import ERROR, WARNING, Finding

HEADER_SCAN_ROWS = 30
COMMUNE_COLUMNS = {"commune_code", "commune_name"}
YEAR_HEADER = re.compile(r"^(?:den|den het|het|nam|den nam|den het nam|muc tieu|chi tieu)*\s*(?:nam\s*)?((?:19|20)\d{2})$")


class IngestError(Exception):
    """The file cannot be read at all; the message is for the analyst, in Vietnamese."""


@dataclass
class Sheet:
    name: str
    rows: list[list]  # rows[i] is Excel row i + 1


@dataclass
class Table:
    dataset: str
    sheet: str
    header_row: int  # as Excel shows it
    frame: pd.DataFrame  # canonical columns + source_row
    headers: dict[str, str]  # canonical column → header as written
    ignored_headers: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


# ---------------------------------------------------------------- reading


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx, or the one table of a .csv."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return [Sheet(path.stem, _read_csv(path))]
    raise IngestError(f"Không đọc được tệp '{path.name}': chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def _read_xlsx(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        return [Sheet(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise IngestError(f"Không mở được tệp Excel '{path.name}': tệp bị hỏng hoặc không phải .xlsx ({exc}).") from exc


def _read_csv(path: Path) -> list[list]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = unicodedata.normalize("NFC", raw.decode(encoding))
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


# ---------------------------------------------------------------- headers


def header_key(text: object) -> str:
    """Header compared ignoring case, diacritics, spacing and punctuation."""
    cleaned = values.clean_text(text)
    if cleaned is None:
        return ""
    return re.sub(r"[^a-z0-9]+", " ", fold(cleaned).lower()).strip()


def _alias_index(ds: Dataset) -> dict[str, str]:
    index = {}
    for column in ds.columns:
        for alias in (column.name, *column.aliases):
            index.setdefault(header_key(alias).replace(" ", ""), column.name)
    return index


ALIAS_INDEX = {name: _alias_index(ds) for name, ds in datasets.DATASETS.items()}


def match_header(ds: Dataset, cell: object) -> str | None:
    """The canonical column a header cell stands for, 'year:2025' for a targets year column."""
    key = header_key(cell)
    if not key:
        return None
    column = ALIAS_INDEX[ds.name].get(key.replace(" ", ""))
    if column is None and ds.name == "targets":
        m = YEAR_HEADER.match(key)
        column = f"year:{m.group(1)}" if m else None
    return column


def _score(ds: Dataset, row: list) -> int:
    """How many distinct dataset-specific columns a row's cells name."""
    found = {match_header(ds, cell) for cell in row} - {None}
    return len(found - COMMUNE_COLUMNS) * 10 + len(found & COMMUNE_COLUMNS)


def find_header(sheets: list[Sheet], dataset: str | None) -> tuple[Dataset, Sheet, int]:
    """The (dataset, sheet, 0-based header row) whose row names most known columns."""
    candidates = [datasets.get(dataset)] if dataset else list(datasets.DATASETS.values())
    best = (0, None, None, None)
    for sheet in sheets:
        for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            for ds in candidates:
                score = _score(ds, row)
                if score > best[0]:
                    best = (score, ds, sheet, i)
    score, ds, sheet, i = best
    if score < 10:
        raise IngestError(_no_header_message(dataset, sheets))
    return ds, sheet, i


def _no_header_message(dataset: str | None, sheets: list[Sheet]) -> str:
    names = ", ".join(f"'{s.name}'" for s in sheets)
    wanted = [datasets.get(dataset)] if dataset else list(datasets.DATASETS.values())
    lines = [
        f"Không tìm thấy dòng tiêu đề của bảng trong {HEADER_SCAN_ROWS} dòng đầu (trang tính {names}).",
        "Các bộ dữ liệu và cột bắt buộc:" if not dataset else "Cột bắt buộc:",
    ]
    for ds in wanted:
        required = ", ".join(ds.column(c).label for c in ds.required)
        commune = "Mã xã hoặc Tên xã, " if ds.has_commune else ""
        lines.append(f"- {ds.name} ({ds.title}): {commune}{required}")
    return "\n".join(lines)


# ---------------------------------------------------------------- table


def read_table(path: Path, dataset: str | None = None, communes: CommuneIndex | None = None) -> Table:
    """Read, map and conform one file. Raises IngestError when no table is found."""
    sheets = read_sheets(path)
    ds, sheet, header_idx = find_header(sheets, dataset)
    header = sheet.rows[header_idx]
    mapping, ignored, findings = _map_columns(ds, sheet, header_idx, header)
    body = _body(sheet, header_idx, header, mapping)
    if ds.name == "targets":
        body = _unpivot_years(body)
    frame, parse_findings = conform(ds, body, sheet.name, _labels(mapping, header))
    findings += parse_findings
    if ds.has_commune:
        frame, commune_findings = resolve_communes(frame, communes, sheet.name, _labels(mapping, header))
        findings += commune_findings
    findings += _missing_columns(ds, frame)
    headers = {col: str(header[pos]) for pos, col in mapping.items()}
    return Table(ds.name, sheet.name, header_idx + 1, frame, headers, ignored, findings)


def _map_columns(ds: Dataset, sheet: Sheet, header_idx: int, header: list) -> tuple[dict[int, str], list[str], list[Finding]]:
    mapping: dict[int, str] = {}
    ignored, findings = [], []
    for pos, cell in enumerate(header):
        column = match_header(ds, cell)
        if column is None:
            if values.clean_text(cell):
                ignored.append(str(values.clean_text(cell)))
        elif column in mapping.values():
            findings.append(Finding(WARNING, "cột trùng tên với một cột trước đó; chỉ dùng cột đầu tiên",
                                    sheet.name, header_idx + 1, str(cell), rule="duplicate_header"))
        else:
            mapping[pos] = column
    return mapping, ignored, findings


def _labels(mapping: dict[int, str], header: list) -> dict[str, str]:
    labels = {col: str(values.clean_text(header[pos])) for pos, col in mapping.items()}
    if any(c.startswith("year:") for c in labels):
        labels["target_text"] = "Giá trị chỉ tiêu"
    return labels


def _body(sheet: Sheet, header_idx: int, header: list, mapping: dict[int, str]) -> pd.DataFrame:
    """The rows under the header, mapped columns only, blank rows dropped, with source_row."""
    rows = sheet.rows[header_idx + 1:]
    positions = list(mapping)
    data = {mapping[p]: [row[p] if p < len(row) else None for row in rows] for p in positions}
    body = pd.DataFrame(data, dtype="object")
    body = body.mask(body.isna() | body.isin(["", " "]), None)
    body["source_row"] = range(header_idx + 2, header_idx + 2 + len(rows))
    blank = body[list(mapping.values())].isna().all(axis=1)
    return body[~blank].reset_index(drop=True)


def _unpivot_years(body: pd.DataFrame) -> pd.DataFrame:
    """Targets come wide ('Đến hết năm 2025', 'Đến năm 2030'): one row per indicator and year."""
    year_cols = [c for c in body.columns if c.startswith("year:")]
    if not year_cols:
        return body
    keep = [c for c in body.columns if c not in year_cols]
    long = body.melt(id_vars=keep, value_vars=year_cols, var_name="year", value_name="target_text")
    long["year"] = long["year"].str.removeprefix("year:").astype(int)
    long = long[~long["target_text"].map(values.is_blank)]
    long["indicator_code"] = long["indicator_code"].map(_indicator_code)
    return long.sort_values(["source_row", "year"]).reset_index(drop=True)


def _indicator_code(value: object) -> object:
    """'2,3' → '2.3' (a comma typed for a dot), 1.1 → '1.1'."""
    text = values.clean_text(value)
    return text.replace(",", ".").rstrip(".") if text else text


def conform(ds: Dataset, body: pd.DataFrame, sheet: str, labels: dict[str, str]) -> tuple[pd.DataFrame, list[Finding]]:
    """Parse every mapped column by its kind; unreadable cells become NULL + an error."""
    out = pd.DataFrame({"source_row": body["source_row"].astype("int64")})
    findings = []
    for column in ds.columns:
        if column.name not in body.columns:
            continue
        parsed, bad = values.PARSERS[column.kind](body[column.name].reset_index(drop=True))
        out[column.name] = parsed.to_numpy() if column.kind not in ("int", "num", "pct", "year") else parsed.array
        findings += [
            Finding(ERROR, f"không đọc được; cần {values.EXPECTED_VI[column.kind]}", sheet,
                    int(out["source_row"].iat[pos]), labels.get(column.name, column.label), str(cell), rule="parse")
            for pos, cell in bad
        ]
    if "period" in out.columns:
        out["period"] = out["period"] + pd.offsets.MonthEnd(0)
    findings += _fraction_percentages(ds, out, sheet, labels)
    return out, findings


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
    pairs = pd.DataFrame({
        "code": frame["commune_code"] if "commune_code" in frame.columns else None,
        "name": frame["commune_name"] if "commune_name" in frame.columns else None,
    }, index=frame.index).astype("object")
    pairs = pairs.where(pairs.notna(), None)
    resolved: dict[tuple, tuple[str | None, Finding | None]] = {}
    codes, findings = [], []
    for row, code, name in zip(frame["source_row"], pairs["code"], pairs["name"], strict=False):
        if (code, name) not in resolved:
            resolved[(code, name)] = _resolve_one(index, code, name, sheet, 0, labels)
        result, finding = resolved[(code, name)]
        codes.append(result)
        if finding:
            findings.append(Finding(finding.severity, finding.message, sheet, int(row), finding.column,
                                    finding.value, finding.rule))
    frame = frame.drop(columns=["commune_name"], errors="ignore")
    frame["commune_code"] = pd.Series(codes, index=frame.index, dtype="object")
    return frame, findings


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
    return result.code, None


def _missing_columns(ds: Dataset, frame: pd.DataFrame) -> list[Finding]:
    """'At least one measure' needs a look at the headers; the GX suite checks the rest."""
    if ds.one_of and not set(ds.one_of) & set(frame.columns):
        labels = ", ".join(ds.column(c).label for c in ds.one_of)
        return [Finding(ERROR, f"bảng không có cột số liệu nào; cần ít nhất một trong: {labels}", rule="one_of")]
    return []
