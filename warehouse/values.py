"""Parse cells as analysts type them: '3.781', '86,6%', '18/11/2025', Excel dates.

Each `parse_<kind>` takes a pandas Series of cells (any Python values) and
returns (parsed Series, bad) where `bad` lists (position, cell) that could not
be read. Text cells are parsed once per distinct value, numbers vectorised.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

EMPTY_TEXT = {"", "-", "–", "—", "x", "n/a", "na", "không có", "kc"}
EXCEL_EPOCH = date(1899, 12, 30)
_SPACES = re.compile(r"\s+")
_THOUSANDS_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_SPACES = re.compile(r"^[+-]?\d{1,3}( \d{3})+$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_MY = re.compile(r"^(?:tháng\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$", re.IGNORECASE)


def clean_text(value: object) -> str | None:
    """NFC, trimmed, inner white space collapsed; None for an empty cell."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
    return text or None


def is_blank(value: object) -> bool:
    text = clean_text(value)
    return text is None


def number_from_text(text: str) -> float:
    """'3.781' → 3781, '86,6' → 86.6, '86,6%' → 86.6, '1,234.5' → 1234.5; ValueError otherwise."""
    t = text.strip().replace("\u00a0", " ").rstrip("%").strip()
    if _THOUSANDS_SPACES.match(t):
        t = t.replace(" ", "")
    if "," in t and "." in t:
        # the later separator is the decimal one
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif "," in t:
        t = t.replace(",", ".") if t.count(",") == 1 else t.replace(",", "")
    elif _THOUSANDS_DOTS.match(t):
        t = t.replace(".", "")
    return float(t)


# a figure written with a word that says it is not exact: 'trên 75%', 'khoảng 62%', 'hơn 957.600', '> 75'
QUALIFIER_WORDS = {"trên": ">", "hơn": ">", ">": ">", "dưới": "<", "<": "<",
                   "khoảng": "≈", "gần": "≈", "xấp xỉ": "≈", "~": "≈", "≈": "≈"}
_QUALIFIER_STARTS = frozenset(w[0] for w in QUALIFIER_WORDS)
QUALIFIER_VI = {">": "lớn hơn", "<": "nhỏ hơn", "≈": "xấp xỉ"}
_QUALIFIED = re.compile("^(" + "|".join(re.escape(w) for w in sorted(QUALIFIER_WORDS, key=len, reverse=True))
                        + r")\s*(\d.*)$")


@dataclass(frozen=True)
class Qualified:
    """A number written with a qualifier: 'trên 75%' is 75 with '>' ('trên')."""

    qualifier: str  # '>', '<' or '≈'
    word: str  # as written, lower case: 'trên', 'khoảng', '>'
    number: float


def qualified_number(text: str) -> Qualified | None:
    """'trên 75%' → Qualified('>', 'trên', 75.0); None unless a qualifier is followed by a readable number."""
    m = _QUALIFIED.match(_SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().lower())
    if not m:
        return None
    try:
        return Qualified(QUALIFIER_WORDS[m.group(1)], m.group(1), number_from_text(m.group(2)))
    except ValueError:
        return None


def split_qualified(series: pd.Series) -> tuple[pd.Series, dict[int, Qualified]]:
    """Cells written with a qualifier replaced by their number, and {position: Qualified} of those cells."""
    if pd.api.types.infer_dtype(series, skipna=True) not in ("string", "mixed", "mixed-integer", "mixed-integer-float"):
        return series, {}
    texts = series[_is_text(series)]
    found = {v: q for v in pd.unique(texts)
             if v.lstrip()[:1].lower() in _QUALIFIER_STARTS and (q := qualified_number(v)) is not None}
    if not found:
        return series, {}
    mask = series.isin(list(found)).to_numpy()
    out = series.copy()
    out[mask] = [found[v].number for v in series[mask]]
    return out, {int(pos): found[series.iat[pos]] for pos in np.flatnonzero(mask)}


def _is_text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, str))


def _empty_mask(series: pd.Series, text_mask: pd.Series) -> pd.Series:
    blank_text = series[text_mask].map(lambda v: v.strip().lower() in EMPTY_TEXT)
    mask = series.isna()
    mask[blank_text.index[blank_text.to_numpy()]] = True
    return mask


MAX_NUMBER = 1e15  # a thousand million million: beyond any count or rate a unit reports (and beyond exact floats)


def parse_number(series: pd.Series, integer: bool = False) -> tuple[pd.Series, list[tuple[int, object]]]:
    """Numbers as numbers or Vietnamese text; `integer` also rejects fractions.

    Infinite values ('inf', '1e400'), NaN typed as text and anything beyond MAX_NUMBER are unreadable.
    """
    out, empty = _numbers(series)
    numbers, empty = out.to_numpy(dtype="float64", copy=True), empty.to_numpy(dtype=bool)
    missing = np.isnan(numbers)  # on numpy arrays: pandas' masks cost ≈ 5 ms a column of 50.000 cells
    with np.errstate(invalid="ignore"):
        bad_mask = (missing & ~empty) | (~missing & ~(np.abs(numbers) <= MAX_NUMBER))
        if integer:
            bad_mask |= ~missing & (numbers != np.floor(numbers))
    bad = [(pos, series.iat[pos]) for pos in np.flatnonzero(bad_mask)]
    missing |= bad_mask
    if integer:
        whole = np.round(np.where(missing, 0, numbers)).astype("int64")
        return pd.Series(pd.arrays.IntegerArray(whole, missing), index=series.index), bad
    return pd.Series(pd.arrays.FloatingArray(np.where(missing, 0.0, numbers), missing), index=series.index), bad


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float64 values with NaN where unreadable or empty, the empty-cell mask)."""
    if pd.api.types.infer_dtype(series, skipna=True) in ("floating", "integer", "mixed-integer-float", "empty"):
        try:  # fast path: numbers and empty cells only
            return series.astype("float64"), series.isna()
        except (OverflowError, TypeError, ValueError):  # an integer too large for a float
            pass
    text_mask = _is_text(series)
    empty = _empty_mask(series, text_mask)
    out = pd.Series(np.nan, index=series.index, dtype="float64")
    plain = ~text_mask & ~empty
    out[plain] = series[plain].map(_plain_number).astype("float64")
    texts = series[text_mask & ~empty]
    out[texts.index] = _per_value(texts, _text_number).astype("float64")
    return out, empty


def _plain_number(value: object) -> float:
    if isinstance(value, (bool, date, datetime)):
        return np.nan
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return np.nan


def _text_number(text: str) -> float:
    try:
        return number_from_text(text)
    except ValueError:
        return np.nan


def _per_value(series: pd.Series, fn) -> pd.Series:
    """fn of each distinct cell, spread over the cells (a column repeats its texts: fn runs once per text)."""
    codes, distinct = pd.factorize(series)  # an empty cell is -1: fn(None), the last
    results = np.empty(len(distinct) + 1, dtype=object)
    for i, value in enumerate(distinct):
        results[i] = fn(value)
    results[-1] = fn(None) if (codes < 0).any() else None
    return pd.Series(results[codes], index=series.index, dtype=object)  # object: not Arrow strings


def date_from_cell(value: object) -> date | None:
    """A date from an Excel date, an Excel serial number, 'dd/mm/yyyy', 'yyyy-mm-dd' or 'mm/yyyy'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + timedelta(days=int(value))
    if isinstance(value, str):
        return _date_from_text(unicodedata.normalize("NFC", value).strip())
    return None


def _date_from_text(text: str) -> date | None:
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd")):
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()[:3]), strict=False))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    m = _MY.match(text)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return month_end(date(year, month, 1))
    return None


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def parse_date(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    if pd.api.types.infer_dtype(series, skipna=True) in ("datetime", "datetime64", "date", "empty"):
        return pd.to_datetime(series, errors="coerce").astype("datetime64[us]"), []  # Excel dates: fast path
    text_mask = _is_text(series)
    empty = _empty_mask(series, text_mask)
    parsed = series.map(_cached_date)
    bad_mask = parsed.isna() & ~empty
    bad = [(pos, series.iat[pos]) for pos in np.flatnonzero(bad_mask.to_numpy())]
    return pd.to_datetime(parsed.where(~bad_mask), errors="coerce").astype("datetime64[us]"), bad


_date_cache: dict = {}


def _cached_date(value: object) -> date | None:
    key = (type(value), value) if not isinstance(value, float) or not np.isnan(value) else None
    if key is None:
        return None
    try:
        if key not in _date_cache:
            _date_cache[key] = date_from_cell(value)
        return _date_cache[key]
    except TypeError:  # unhashable
        return date_from_cell(value)


def parse_text(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    return _per_value(series, clean_text).astype("object"), []


def parse_code(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    """Commune codes: 21421, 21421.0 or ' 21421 ' → '21421' (zero-padded to 5 digits)."""

    def one(value: object) -> str | None:
        text = clean_text(value)
        if text is None:
            return None
        return text.zfill(5) if text.isdigit() and len(text) < 5 else text

    return _per_value(series, one).astype("object"), []


def parse_year(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    out, bad = parse_number(series, integer=True)
    return out.astype("Int64"), bad


_RANK = re.compile(r"(?:hạng\s*)?(\d{1,4})\s*/\s*(\d{1,4})(?:\s*(?:xã|đơn vị|địa phương)[^\d]*)?", re.IGNORECASE)


def parse_rank(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    """An official rank as the province gave it, with its n: '7/96', '7 / 96', 'hạng 11/96 xã' → '7/96'.
    A rank without its n, or over its n, is unreadable: 'x/n' is what keeps it from reading as '1/1'."""

    def one(value: object) -> str | None:
        text = clean_text(value)
        if text is None:
            return None
        found = _RANK.fullmatch(text.lower())
        if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
            return _UNREADABLE
        return f"{int(found.group(1))}/{int(found.group(2))}"

    parsed = _per_value(series, one).astype("object")
    bad = [(i, series.iloc[i]) for i in range(len(parsed)) if parsed.iloc[i] is _UNREADABLE]
    return parsed.where(parsed.map(lambda v: v is not _UNREADABLE), None), bad


_UNREADABLE = object()

PARSERS = {
    "rank": parse_rank,
    "code": parse_code,
    "text": parse_text,
    "date": parse_date,
    "int": lambda s: parse_number(s, integer=True),
    "num": parse_number,
    "pct": parse_number,
    "year": parse_year,
}

EXPECTED_VI = {
    "rank": "thứ hạng kèm tổng số đơn vị, ví dụ 7/96",
    "code": "mã đơn vị hành chính 5 chữ số, ví dụ 21421",
    "text": "văn bản",
    "date": "ngày dạng dd/mm/yyyy (ví dụ 18/11/2025) hoặc ô ngày của Excel",
    "int": "số nguyên không âm, ví dụ 3.781",
    "num": "số, ví dụ 44,8",
    "pct": "tỷ lệ phần trăm từ 0 đến 100, ví dụ 86,6 hoặc 86,6%",
    "year": "năm, ví dụ 2025",
}


# ---------------------------------------------------------------- periods

PERIOD_COLUMNS = {"broadband": ("period",), "dvctt": ("period_start", "period_end"), "bdhvs": ("snapshot_date",)}
_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
_FULL_DATE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})")
_RANGE = re.compile(rf"{_DATE}\s*(?:-|đến|tới|→|—)\s*(?:ngày\s*)?{_DATE}")
_SINGLE = re.compile(_DATE)
_MONTH = re.compile(r"(?:tháng\s*|^)(\d{1,2})\s*(?:/|-|\.|năm)\s*(\d{4})")
_QUARTER = re.compile(r"quý\s*(iv|i{1,3}|[1-4])\s*(?:/|-|năm)?\s*(\d{4})")
_HALF = re.compile(r"6\s*tháng\s*(đầu|cuối)\s*năm\s*(\d{4})")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
PERIOD_EXAMPLES = {
    "broadband": "tháng báo cáo, ví dụ 11/2025",
    "dvctt": "khoảng thời gian, ví dụ 01/07/2025-30/10/2025",
    "bdhvs": "ngày số liệu, ví dụ 18/11/2025",
}


PERIOD_KINDS = {"broadband": ("month", "range", "date"), "dvctt": ("range", "month"), "bdhvs": ("date", "range", "month")}


def parse_period(text: str, dataset: str) -> dict[str, date]:
    """The period an analyst types or a title states, as the dataset's period columns.

    '01/07/2025-30/10/2025', 'Từ ngày 01/7/2025 đến ngày 30/10/2025', 'Tháng 11/2025', '11/2025',
    'Quý III/2025', '6 tháng đầu năm 2025', 'Tính đến ngày 18/11/2025', '18/11/2025'.
    Raises ValueError with a Vietnamese message.
    """
    if dataset not in PERIOD_COLUMNS:
        raise ValueError(f"Bộ dữ liệu '{dataset}' không có kỳ báo cáo.")
    spans = period_spans(text)
    usable = [s for kind in PERIOD_KINDS[dataset] for s in spans if s[0] == kind]
    if not usable:
        if spans:
            raise ValueError(f"'{clean_text(text)}' chỉ là một ngày; bộ dữ liệu hồ sơ TTHC cần {PERIOD_EXAMPLES[dataset]}.")
        raise ValueError(f"Không đọc được kỳ báo cáo '{clean_text(text) or ''}'; cần {PERIOD_EXAMPLES[dataset]}.")
    kind, start, end = usable[0]
    if dataset == "broadband":
        return {"period": month_end(end)}
    if dataset == "bdhvs":
        return {"snapshot_date": end}
    return {"period_start": start, "period_end": end}


def period_spans(text: str) -> list[tuple[str, date, date]]:
    """Every ('range' | 'month' | 'date', start, end) stated in a free text, most explicit first."""
    t = _SPACES.sub(" ", unicodedata.normalize("NFC", str(text or ""))).strip().lower()
    t = _FULL_DATE.sub(lambda m: f"{m.group(1)}/{m.group(2)}/{m.group(3)}", t)
    spans = []
    for finder in (_find_range, _find_quarter, _find_half, _find_month, _find_date):
        try:
            found = finder(t)
        except ValueError:  # 31/02/2025 and the like
            continue
        if found:
            spans.append(found)
    return spans


def _find_range(t: str):
    m = _RANGE.search(t)
    if not m:
        return None
    g = [int(x) for x in m.groups()]
    start, end = date(g[2], g[1], g[0]), date(g[5], g[4], g[3])
    return ("range", start, end) if start <= end else None


def _find_quarter(t: str):
    m = _QUARTER.search(t)
    if not m:
        return None
    q = _ROMAN.get(m.group(1)) or int(m.group(1))
    year = int(m.group(2))
    return "range", date(year, 3 * q - 2, 1), month_end(date(year, 3 * q, 1))


def _find_half(t: str):
    m = _HALF.search(t)
    if not m:
        return None
    year = int(m.group(2))
    return ("range", date(year, 1, 1), date(year, 6, 30)) if m.group(1) == "đầu" else ("range", date(year, 7, 1), date(year, 12, 31))


def _find_month(t: str):
    m = _MONTH.search(t)
    if not m or not 1 <= int(m.group(1)) <= 12:
        return None
    first = date(int(m.group(2)), int(m.group(1)), 1)
    return "month", first, month_end(first)


def _find_date(t: str):
    if _RANGE.search(t):
        return None
    m = _SINGLE.search(t)
    if not m:
        return None
    d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return "date", d, d


def period_label(period: dict[str, date]) -> str:
    """How a period reads back: '01/07/2025-30/10/2025', '11/2025', '18/11/2025'."""
    if "period_start" in period:
        return f"{period['period_start']:%d/%m/%Y}-{period['period_end']:%d/%m/%Y}"
    if "period" in period:
        return f"{period['period']:%m/%Y}"
    return f"{period['snapshot_date']:%d/%m/%Y}"
