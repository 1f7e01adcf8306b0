"""Find the table in a sheet written the way government reports are.

Above the table: letterhead, title, "(Từ ngày … đến ngày …)". The header may take two
or three rows, parents merged over their children ("Đã giải quyết" over "Tổng số |
Trước hạn, đúng hạn | Quá hạn"), followed by a column-number row "(1) (2) (3)".
In the table: STT numbered 1, 2 … or I, II, 1.1; blank rows; total and subtotal rows.
Under it: notes and the signature block. This module says which rows are data, which
are left out and why, what each column means, and what period the title states.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from warehouse import datasets, values
from warehouse.communes import fold
from warehouse.datasets import Dataset
from warehouse.sources import IngestError, Sheet

HEADER_SCAN_ROWS = 30
MAX_HEADER_ROWS = 3
COMMUNE_COLUMNS = {"commune_code", "commune_name"}
YEAR_HEADER = re.compile(r"^(?:(?:den|het|nam|muc tieu|chi tieu|ke hoach)\s+)*((?:19|20)\d{2})$")
ABBREVIATIONS = ((re.compile(r"\bdich vu cong truc tuyen\b"), "dvctt"), (re.compile(r"\bthu tuc hanh chinh\b"), "tthc"))
FILLERS = {"trong do", "chia ra", "bao gom", "gom", "cu the", "chia theo", "trong do gom", "gom co"}
TOTAL_CHILDREN = {"tong so", "tong", "tong cong", "cong", "so luong"}
MAX_GROUP_WORDS = 12  # a group header longer than this is a sentence, not a name
STT_HEADERS = {"stt", "tt", "so tt", "so thu tu"}

REASONS = {
    "title": "tiêu đề, quốc hiệu, tên báo cáo (phía trên bảng)",
    "header": "dòng tiêu đề cột",
    "colnum": "dòng đánh số cột (1), (2), …",
    "blank": "dòng trống",
    "total": "dòng tổng cộng",
    "subtotal": "dòng cộng (tổng phụ)",
    "of_which": "dòng 'Trong đó' (chỉ là nhãn)",
    "group": "dòng tiêu đề nhóm (STT I, II, … hoặc A, B, …)",
    "footer": "chữ ký, ghi chú dưới bảng",
}

_TOTAL = re.compile(r"^(tong cong|tong so|tong toan tinh|cong toan tinh|toan tinh|toan huyen|ca tinh|tong)"
                    r"(\s*[:(\-]|\s*$|\s+(toan|cac|chung|ca)\b)")
_SUBTOTAL = re.compile(r"^cong(\s*[:(\-]|\s*$|\s+(huyen|thi xa|thanh pho|tp|khu vuc|nhom|cac|muc|i{1,3}|iv|vi{0,3}|ix|x"
                       r"|[a-d]|\d+)\b)")
_OF_WHICH = re.compile(r"^(trong do|chia ra|bao gom|gom co)\b")
_FOOTER = re.compile(
    r"^(nguoi lap|nguoi tong hop|nguoi bao cao|nguoi ky|lanh dao|kt\.? |tm\.? |tl\.? |q\.? ?chu tich|chu tich\b"
    r"|pho chu tich|giam doc|pho giam doc|thu truong|truong phong|noi nhan|ghi chu|luu\b|xac nhan|\(?ky,? |\(?ky ten"
    r"|can bo (lap|tong hop)|ngay \d{1,2} thang \d{1,2} nam \d{4}$)"
)
_DATE_LINE = re.compile(r"^[^\d,]{2,40}, ?ngay \d")
_ROMAN = re.compile(r"^(?=[ivxl]+$)(x{0,3}|xl|l)(ix|iv|v?i{0,3})$")
_COLNUM = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?(\s*[=+\-*/x:]\s*\(?\s*(\d{1,2}|[a-z])\s*\)?)*$")


# ---------------------------------------------------------------- headers


@lru_cache(maxsize=65536)
def header_key(text: object) -> str:
    """Header compared ignoring case, diacritics, spacing and punctuation."""
    cleaned = values.clean_text(text)
    if cleaned is None:
        return ""
    key = re.sub(r"[^a-z0-9]+", " ", fold(cleaned).lower()).strip()
    for pattern, short in ABBREVIATIONS:
        key = pattern.sub(short, key)
    return key


def _alias_index(ds: Dataset) -> dict[str, str]:
    index = {}
    for column in ds.columns:
        for alias in (column.name, *column.aliases):
            index.setdefault(header_key(alias).replace(" ", ""), column.name)
    return index


ALIAS_INDEX = {name: _alias_index(ds) for name, ds in datasets.DATASETS.items()}


@lru_cache(maxsize=65536)
def _match_key(dataset: str, key: str) -> str | None:
    column = ALIAS_INDEX[dataset].get(key.replace(" ", ""))
    if column is None and dataset == "targets":
        m = YEAR_HEADER.match(key)
        column = f"year:{m.group(1)}" if m else None
    return column


def match_header(ds: Dataset, cell: object) -> str | None:
    """The canonical column a header cell stands for, 'year:2025' for a targets year column."""
    key = header_key(cell)
    return _match_key(ds.name, key) if key else None


def match_levels(ds: Dataset, levels: tuple[str, ...]) -> str | None:
    """A column headed by parent + child ('Đã giải quyết' / 'Quá hạn'): the whole, or the parent
    when the child only says 'Tổng số'. (The child alone is tried by _map, carefully.)"""
    if not levels:
        return None
    tries = [" ".join(levels)]
    if len(levels) > 1 and header_key(levels[-1]) in TOTAL_CHILDREN:
        tries.append(" ".join(levels[:-1]))
    for text in tries:
        column = match_header(ds, text)
        if column:
            return column
    if len(levels) > 1 and header_key(levels[-1]) not in TOTAL_CHILDREN:
        return _match_group_words(ds.name, tuple(header_key(t) for t in levels[:-2]), header_key(levels[-2]),
                                  header_key(levels[-1]))
    return None


@lru_cache(maxsize=65536)
def _match_group_words(dataset: str, upper: tuple[str, ...], group: str, sub: str) -> str | None:
    """A sub-column named by some of its group's words and its own: 'Trực tuyến' under 'Số hồ sơ tiếp
    nhận' is 'Tiếp nhận trực tuyến' (or 'Hồ sơ trực tuyến'). Only under a group that names a column,
    and only for a part of that column (datasets' parts); runs of two or more of the group's words,
    longest first, after the levels above; the runs of one length must agree."""
    words = group.split()
    whole = _match_key(dataset, " ".join((*upper, group)))
    parts = {part for part, of in datasets.get(dataset).parts if of == whole}
    if not sub or not parts or len(words) > MAX_GROUP_WORDS:
        return None
    for size in range(len(words) - 1, 1, -1):
        runs = {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
        found = {_match_key(dataset, " ".join((*upper, run, sub))) for run in runs} & parts
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def score(found: set[str]) -> int:
    """How well a set of canonical columns identifies a dataset (commune columns count little)."""
    return len(found - COMMUNE_COLUMNS) * 10 + len(found & COMMUNE_COLUMNS)


def _text(cell: object) -> str | None:
    return values.clean_text(cell) if cell is not None and cell != "" else None


def band_levels(sheet: Sheet, top: int, bottom: int, merges: list | None = None) -> list[tuple[str, ...]]:
    """For each column, the header texts of rows top..bottom: merged cells spread over their
    range, an empty parent cell inside a group of children filled from its left, fillers
    ('Trong đó') and repeats dropped."""
    rows = sheet.rows[top:bottom + 1]
    width = max(len(r) for r in rows)
    grid = [[_text(r[c]) if c < len(r) else None for c in range(width)] for r in rows]
    covered = [[False] * width for _ in rows]
    for (r1, c1), (r2, c2) in sheet.merges if merges is None else merges:
        if r2 < top or r1 > bottom or c1 >= width:
            continue
        value = _text(sheet.rows[r1][c1]) if r1 < len(sheet.rows) and c1 < len(sheet.rows[r1]) else None
        for r in range(max(r1, top), min(r2, bottom) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                grid[r - top][c], covered[r - top][c] = value, True
    for i in range(len(rows) - 1):
        for c in range(1, width):
            if (grid[i][c] is None and grid[i][c - 1] is not None and not covered[i][c]
                    and any(grid[j][c] for j in range(i + 1, len(rows)))
                    and any(grid[j][c - 1] for j in range(i + 1, len(rows)))):
                grid[i][c] = grid[i][c - 1]
    levels = []
    for c in range(width):
        column: list[str] = []
        for i in range(len(rows)):
            text = grid[i][c]
            if text and header_key(text) not in FILLERS and (not column or column[-1] != text):
                column.append(text)
        levels.append(tuple(column))
    return levels


@dataclass
class Layout:
    """Where the table of one dataset sits in a sheet and what its columns mean."""

    dataset: Dataset
    sheet: Sheet
    top: int  # 0-based first header row
    bottom: int  # 0-based last header row
    score: int
    levels: list[tuple[str, ...]] = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)  # column position → canonical column

    @property
    def header_row(self) -> int:
        """The first header row as Excel shows it."""
        return self.top + 1

    def header(self, pos: int) -> str:
        """The header of a column as written: 'Đã giải quyết / Quá hạn'."""
        return " / ".join(self.levels[pos]) if pos < len(self.levels) else ""

    @property
    def stt_column(self) -> int | None:
        return next((p for p, lv in enumerate(self.levels) if lv and header_key(lv[-1]) in STT_HEADERS), None)


def _map(ds: Dataset, levels: list[tuple[str, ...]]) -> dict[int, str]:
    """Column position → canonical column. A child header alone ('Từ ngày' under 'Kỳ báo cáo')
    counts only for a column no other header names, and only once: under 'DVCTT toàn trình',
    'Hồ sơ tiếp nhận' must not pass for the total received."""
    mapping, by_child = {}, {}
    for pos, lv in enumerate(levels):
        column = match_levels(ds, lv)
        if column is not None:
            mapping[pos] = column
        elif len(lv) > 1 and (child := match_header(ds, lv[-1])):
            by_child.setdefault(child, []).append(pos)
    taken = set(mapping.values())
    for column, positions in by_child.items():
        if column not in taken and len(positions) == 1:
            mapping[positions[0]] = column
    return dict(sorted(mapping.items()))


def _is_blank(row: list) -> bool:
    for c in row:  # noqa: SIM110  (a plain loop: twice as fast as all() on 50.000 rows)
        if c is not None and c != "" and not (c.__class__ is str and not c.strip()):
            return False
    return True


def best_layout(sheet: Sheet, candidates: list[Dataset]) -> Layout | None:
    """The header band (1–3 rows within the first 30) and dataset that name the most columns.

    Ties go to the shallower band, then to the earlier row.
    """
    best: Layout | None = None
    rows = sheet.rows
    head = [m for m in sheet.merges if m[0][0] < HEADER_SCAN_ROWS + MAX_HEADER_ROWS]  # a sheet may merge thousands below
    for top in range(min(HEADER_SCAN_ROWS, len(rows))):
        if _is_blank(rows[top]):
            continue
        for depth in range(1, MAX_HEADER_ROWS + 1):
            bottom = top + depth - 1
            if bottom >= len(rows) or _is_blank(rows[bottom]):
                break
            levels = band_levels(sheet, top, bottom, head)
            for ds in candidates:
                mapping = _map(ds, levels)
                s = score(set(mapping.values()))
                if best is None or (s, -depth) > (best.score, -(best.bottom - best.top + 1)):
                    best = Layout(ds, sheet, top, bottom, s, levels, mapping)
    return best if best is not None and best.score >= 10 else None


def locate(sheets: list[Sheet], dataset: str | None = None, sheet: str | None = None) -> tuple[Layout, list[str]]:
    """The layout to read and the names of every sheet holding a table of a known dataset."""
    candidates = [datasets.get(dataset)] if dataset else list(datasets.DATASETS.values())
    names = [s.name for s in sheets]
    if sheet is not None and sheet not in names:
        listed = ", ".join(f"'{n}'" for n in names)
        raise IngestError(f"Tệp không có trang tính '{sheet}'. Các trang tính: {listed}.")
    found = [(s, best_layout(s, candidates)) for s in sheets]
    matching = [(s, lay) for s, lay in found if lay is not None]
    if sheet is not None:
        chosen = next(lay for s, lay in found if s.name == sheet)
        if chosen is None:
            raise IngestError(no_header_message(dataset, [s for s in sheets if s.name == sheet], matching))
        return chosen, [s.name for s, _ in matching]
    if not matching:
        raise IngestError(no_header_message(dataset, sheets, []))
    chosen = max((lay for _, lay in matching), key=lambda lay: lay.score)  # first of the best
    return chosen, [s.name for s, _ in matching]


def no_header_message(dataset: str | None, sheets: list[Sheet], elsewhere: list) -> str:
    names = ", ".join(f"'{s.name}'" for s in sheets)
    wanted = [datasets.get(dataset)] if dataset else list(datasets.DATASETS.values())
    lines = [f"Không tìm thấy dòng tiêu đề của bảng trong {HEADER_SCAN_ROWS} dòng đầu (trang tính {names})."]
    if elsewhere:
        lines.append("Các trang tính có bảng: " + ", ".join(f"'{s.name}' ({lay.dataset.name})" for s, lay in elsewhere) + ".")
    lines.append("Hãy kiểm tra dòng tiêu đề cột của bảng có ghi các cột bắt buộc dưới đây (ghi thêm cột khác không sao)"
                 + (", hoặc chọn đúng bộ dữ liệu." if dataset else "."))
    lines.append("Các bộ dữ liệu và cột bắt buộc:" if not dataset else "Cột bắt buộc:")
    for ds in wanted:
        required = ", ".join(ds.column(c).label for c in ds.required)
        commune = "Mã xã hoặc Tên xã, " if ds.has_commune else ""
        lines.append(f"- {ds.name} ({ds.title}): {commune}{required}")
    return "\n".join(lines)


# ---------------------------------------------------------------- rows


@dataclass
class Total:
    """A total, subtotal or group row and the data rows it sums (0-based row indexes)."""

    row: int
    kind: str  # total | subtotal | group
    covers: list[int]


@dataclass
class Rows:
    data: list[int]  # 0-based indexes of the data rows
    kinds: pd.Series  # 0-based sheet row → reason key (REASONS) of every row left out, in row order
    totals: list[Total] = field(default_factory=list)
    below_footer: list[int] = field(default_factory=list)  # rows under the signature that hold numbers

    @property
    def skipped(self) -> list[tuple[int, int, str]]:
        """(first row, last row as Excel shows them, Vietnamese reason) of each run of rows left out for one
        reason: a stray cell at row 900.000 leaves one run of blank rows, not 900.000 of them."""
        if self.kinds.empty:
            return []
        rows, kinds = self.kinds.index.to_numpy(), self.kinds.to_numpy()
        starts = np.r_[0, np.flatnonzero((np.diff(rows) != 1) | (kinds[1:] != kinds[:-1])) + 1]
        ends = np.r_[starts[1:] - 1, len(rows) - 1]
        return [(int(rows[a]) + 1, int(rows[b]) + 1, REASONS[kinds[a]]) for a, b in zip(starts, ends, strict=True)]


@lru_cache(maxsize=65536)
def label_kind(text: str) -> str | None:
    """total | subtotal | of_which | footer for a label cell; None for anything else."""
    t = fold(" ".join(text.split())).lower().lstrip("-–•+* ")
    if _FOOTER.match(t) or _DATE_LINE.match(t):
        return "footer"
    if _OF_WHICH.match(t):
        return "of_which"
    if _TOTAL.match(t):
        return "total"
    if _SUBTOTAL.match(t):
        return "subtotal"
    return None


def _stt_text(cell: object) -> str | None:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = values.clean_text(cell)
    return text.rstrip(".").lower() if text else None


def classify(layout: Layout, frame: pd.DataFrame, is_commune: Callable[[str], bool] | None = None) -> Rows:
    """Which rows below the header are data; why the others are left out.

    `frame` holds every row below the header band, indexed by 0-based sheet row, a column per position
    (0 = column A): cells as Python objects, or typed columns (NaN, NaT, None where empty). Each step works
    on whole columns. `is_commune` tells a commune's name: a row numbered like a section heading (I, A, or
    1 above 1.1) that names a commune is data, not a heading.
    """
    blank = blank_rows(frame)
    kinds = pd.Series(np.where(blank, "blank", None), index=frame.index, dtype=object)  # None: data
    for i in frame.index[:2]:
        if not blank[i - frame.index[0]] and _is_column_numbers(row_cells(frame, i), layout):
            kinds[i] = "colnum"
    filled = frame[~blank]  # the rest looks at the rows that hold something (a stray cell far below leaves few)
    label_cols = _label_columns(layout, filled)
    labelled = _label_kinds(filled, label_cols)
    below = _mark_footer(layout, filled, _footer_start(filled, labelled, label_cols), kinds)
    for i, kind in labelled.items():
        if kind != "footer" and kinds[i] is None:
            kinds[i] = kind
    for i in _headings(layout, filled, is_commune):
        if kinds[i] is None:
            kinds[i] = "group"
    data = frame.index[kinds.isna().to_numpy()].to_numpy()
    skipped = pd.concat([pd.Series(_around_the_table(layout), dtype=object), kinds.dropna()])
    return Rows(data.tolist(), skipped, _totals(skipped, data, frame), below)


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Whether each row of the frame is empty: every cell missing, '' or white space. Typed columns first;
    the text of object columns is looked at only in the rows those left blank."""
    blank = np.ones(len(frame), dtype=bool)
    typed = [c for c in frame.columns if frame[c].dtype != object]
    for column in typed:
        blank &= frame[column].isna().to_numpy()
    for column in frame.columns.difference(typed):
        cells = frame[column][blank]
        empty = cells.isna().to_numpy().copy()
        filled = ~empty
        if filled.any():
            empty[filled] = cells[filled].map(lambda c: c.__class__ is str and not c.strip()).to_numpy(bool)
        blank[blank] = empty
    return blank


def row_cells(frame: pd.DataFrame, row: int) -> list:
    """The cells of one row as Python values, None where empty."""
    return [None if pd.isna(c) else c for c in frame.loc[row].tolist()]


def _around_the_table(layout: Layout) -> dict[int, str]:
    """Title and blank rows above the header, the header rows."""
    rows = layout.sheet.rows
    kinds = {i: "blank" if _is_blank(rows[i]) else "title" for i in range(layout.top)}
    kinds.update(dict.fromkeys(range(layout.top, layout.bottom + 1), "header"))
    return kinds


def _mark_footer(layout: Layout, filled: pd.DataFrame, footer: int | None, kinds: pd.Series) -> list[int]:
    """Every non-blank row (of `filled`) from the footer down is footer; returns those that hold numbers."""
    if footer is None:
        return []
    rest = filled.index >= footer
    below = filled.index[rest & _has_numbers(layout, filled) & (filled.index != footer)]
    kinds[filled.index[rest]] = "footer"
    return below.tolist()


def _headings(layout: Layout, frame: pd.DataFrame, is_commune: Callable[[str], bool] | None) -> list[int]:
    """Section-heading rows by their STT, unless they name a commune (targets: STT is the indicator)."""
    if layout.dataset.name == "targets" or layout.stt_column is None or layout.stt_column not in frame.columns:
        return []
    name = next((p for p, c in layout.mapping.items() if c == "commune_name"), None)
    out = []
    for i in _group_rows(frame[layout.stt_column]):
        cell = frame.at[i, name] if name is not None else None
        if not (is_commune and isinstance(cell, str) and is_commune(cell)):
            out.append(i)
    return out


def _label_columns(layout: Layout, frame: pd.DataFrame) -> list[int]:
    named = [p for p, c in layout.mapping.items() if c in ("commune_name", "commune_code", "indicator_code", "indicator_name")]
    cols = [layout.stt_column, *named, 0, 1]
    return sorted({c for c in cols if c is not None and c in frame.columns})


def _label_kinds(frame: pd.DataFrame, label_cols: list[int]) -> dict[int, str]:
    """Rows whose label cells say total, subtotal, 'Trong đó' or start the signature block."""
    found: dict[int, str] = {}
    for col in label_cols:
        series = frame[col]
        if series.dtype != object:
            continue
        flagged = {v: k for v in pd.unique(series) if isinstance(v, str) and (k := label_kind(v))}
        if flagged:
            hits = series[series.isin(list(flagged))]
            for i, v in hits.items():
                found.setdefault(int(i), flagged[v])
    return found


def _footer_start(frame: pd.DataFrame, labelled: dict[int, str], label_cols: list[int]) -> int | None:
    """The first row of the notes/signature block: a label cell that starts it, or, below the
    last labelled row, any cell that does ('Quảng Ngãi, ngày …' on the right). `frame`: the non-blank rows."""
    if frame.empty:
        return None
    first = min((i for i, k in labelled.items() if k == "footer"), default=None)
    stop = first if first is not None else int(frame.index.max()) + 1
    last = int(frame.index.min()) - 1
    for col in label_cols:
        series = frame[col] if first is None else frame[col][frame.index < first]
        filled = series[series.notna() & (series != "")]
        if len(filled):
            last = max(last, int(filled.index.max()))
    between = frame.loc[last + 1:stop - 1]
    footer = np.zeros(len(between), dtype=bool)
    for col in between.columns:
        if between[col].dtype == object:
            footer |= between[col].map(lambda c: isinstance(c, str) and label_kind(c) == "footer").to_numpy(dtype=bool)
    return int(between.index[footer][0]) if footer.any() else first


def _has_numbers(layout: Layout, frame: pd.DataFrame) -> np.ndarray:
    """Whether each row holds a number in a column of numbers."""
    numeric = [p for p, c in layout.mapping.items()
               if c.startswith("year:") or layout.dataset.column(c).kind in ("int", "num", "pct")]
    found = np.zeros(len(frame), dtype=bool)
    for p in numeric:
        if p not in frame.columns:
            continue
        cells = frame[p]
        if cells.dtype == object:
            found |= cells.map(lambda c: isinstance(c, (int, float)) and not isinstance(c, bool) and c == c).to_numpy(dtype=bool)
        elif pd.api.types.is_numeric_dtype(cells.dtype) and not pd.api.types.is_bool_dtype(cells.dtype):
            found |= cells.notna().to_numpy()
    return found


def _is_column_numbers(row: list, layout: Layout) -> bool:
    """'(1) (2) (3)', '1 2 3', 'A B 1 2 3=1+2' under the header."""
    cells = [values.clean_text(c) for c in row]
    filled = [c.lower() for c in cells if c]
    if len(filled) < 3 or len(filled) < len(layout.mapping) // 2:
        return False
    if not all(_COLNUM.match(c) for c in filled):
        return False
    numbers = [int(re.match(r"\(?\s*(\d+)", c).group(1)) for c in filled if re.match(r"\(?\s*\d", c)]
    return all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


def _group_rows(stt: pd.Series) -> list[int]:
    """STT I, II … or A, B … (section headings above rows numbered 1, 2 …), or n when n.1 follows."""
    texts = {v: _stt_text(v) for v in pd.unique(stt) if v is not None and v != ""}
    if not any(t and t[0].isdigit() for t in texts.values()):
        return []  # the rows themselves are numbered I, II … or a, b …: no headings
    parents = {t.rsplit(".", 1)[0] for t in texts.values() if t and "." in t}
    marks = {v for v, t in texts.items() if t and (_ROMAN.match(t) or (len(t) == 1 and t.isalpha()) or t in parents)}
    return [int(i) for i in stt.index[stt.isin(list(marks))]] if marks else []


def _totals(kinds: pd.Series, data: np.ndarray, frame: pd.DataFrame) -> list[Total]:
    """The rows each total sums: a total all data rows; a subtotal those since the previous
    boundary; a group heading those until the next boundary."""
    marks = kinds[kinds.isin(["total", "subtotal", "group"]).to_numpy()]
    if marks.empty:
        return []
    marks = list(marks.items())
    end = int(frame.index.max()) + 1 if len(frame) else 0
    out = []
    for n, (i, kind) in enumerate(marks):
        if kind == "total":
            covers = data
        elif kind == "subtotal":
            prev = max((j for j, _ in marks[:n]), default=-1)
            covers = data[(data > prev) & (data < i)]
        else:
            nxt = min((j for j, _ in marks[n + 1:]), default=end)
            covers = data[(data > i) & (data < nxt)]
        out.append(Total(int(i), kind, [int(d) for d in covers]))
    return out


def describe_skipped(skipped: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Each run of rows left out for one reason as a line: ('1–5', 'tiêu đề …'), ('9', 'dòng tổng cộng')."""
    return [(f"{a}" if a == b else f"{a}–{b}", reason) for a, b, reason in skipped]


# ---------------------------------------------------------------- period in the title


def title_period(layout: Layout) -> tuple[dict | None, str | None, int | None]:
    """(period, text it was read from, Excel row) from the lines above the header; a signing
    date ('Quảng Ngãi, ngày 20 tháng 11 năm 2025') is not a period."""
    if layout.dataset.name not in values.PERIOD_COLUMNS:
        return None, None, None
    unusable = None
    for i in range(layout.top):
        for cell in layout.sheet.rows[i]:
            text = values.clean_text(cell) if isinstance(cell, str) else None
            if not text or _is_signing_date(text) or not values.period_spans(text):
                continue
            try:
                return values.parse_period(text, layout.dataset.name), text, i + 1
            except ValueError:
                unusable = unusable or (text, i + 1)
    return None, unusable[0] if unusable else None, unusable[1] if unusable else None


def _is_signing_date(text: str) -> bool:
    t = fold(text).lower()
    return bool(_DATE_LINE.match(t) or re.fullmatch(r"ngay \d{1,2} thang \d{1,2} nam \d{4}", t))
