"""Parse cells as analysts type them: '3.781', '86,6%', '18/11/2025', Excel dates.

Each `parse_<kind>` takes a pandas Series of cells (any Python values) and
returns (parsed Series, bad) where `bad` lists (position, cell) that could not
be read. Text cells are parsed once per distinct value, numbers vectorised.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
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


def _is_text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, str))


def _empty_mask(series: pd.Series, text_mask: pd.Series) -> pd.Series:
    blank_text = series[text_mask].map(lambda v: v.strip().lower() in EMPTY_TEXT)
    mask = series.isna()
    mask[blank_text.index[blank_text.to_numpy()]] = True
    return mask


def parse_number(series: pd.Series, integer: bool = False) -> tuple[pd.Series, list[tuple[int, object]]]:
    """Numbers as numbers or Vietnamese text; `integer` also rejects fractions."""
    if pd.api.types.infer_dtype(series, skipna=True) in ("floating", "integer", "mixed-integer-float", "empty"):
        return _plain_numbers(series, integer)
    text_mask = _is_text(series)
    empty = _empty_mask(series, text_mask)
    out = pd.Series(np.nan, index=series.index, dtype="float64")
    plain = ~text_mask & ~empty
    out[plain] = pd.to_numeric(series[plain].map(_plain_number), errors="coerce")
    texts = series[text_mask & ~empty]
    out[texts.index] = texts.map(_cached(_text_number)).astype("float64")
    bad_mask = out.isna() & ~empty
    if integer:
        bad_mask |= out.notna() & (out != np.floor(out.fillna(0)))
    bad = [(pos, series.iat[pos]) for pos in np.flatnonzero(bad_mask.to_numpy())]
    out[bad_mask] = np.nan
    if integer:
        return out.round().astype("Int64"), bad
    return out.astype("Float64"), bad


def _plain_numbers(series: pd.Series, integer: bool) -> tuple[pd.Series, list[tuple[int, object]]]:
    """Fast path: a column of numbers (and empty cells) only."""
    out = series.astype("float64")
    if not integer:
        return out.astype("Float64"), []
    fraction = out.notna() & (out != np.floor(out.fillna(0)))
    bad = [(pos, series.iat[pos]) for pos in np.flatnonzero(fraction.to_numpy())]
    return out.where(~fraction).round().astype("Int64"), bad


def _plain_number(value: object) -> float:
    if isinstance(value, (bool, date, datetime)):
        return np.nan
    return value


def _text_number(text: str) -> float:
    try:
        return number_from_text(text)
    except ValueError:
        return np.nan


def _cached(fn):
    cache: dict = {}

    def wrapper(value):
        if value not in cache:
            cache[value] = fn(value)
        return cache[value]

    return wrapper


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
    return series.map(_cached(clean_text)).astype("object"), []


def parse_code(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    """Commune codes: 21421, 21421.0 or ' 21421 ' → '21421' (zero-padded to 5 digits)."""

    def one(value: object) -> str | None:
        text = clean_text(value)
        if text is None:
            return None
        return text.zfill(5) if text.isdigit() and len(text) < 5 else text

    return series.map(_cached(one)).astype("object"), []


def parse_year(series: pd.Series) -> tuple[pd.Series, list[tuple[int, object]]]:
    out, bad = parse_number(series, integer=True)
    return out.astype("Int64"), bad


PARSERS = {
    "code": parse_code,
    "text": parse_text,
    "date": parse_date,
    "int": lambda s: parse_number(s, integer=True),
    "num": parse_number,
    "pct": parse_number,
    "year": parse_year,
}

EXPECTED_VI = {
    "code": "mã đơn vị hành chính 5 chữ số, ví dụ 21421",
    "text": "văn bản",
    "date": "ngày dạng dd/mm/yyyy (ví dụ 18/11/2025) hoặc ô ngày của Excel",
    "int": "số nguyên không âm, ví dụ 3.781",
    "num": "số, ví dụ 44,8",
    "pct": "tỷ lệ phần trăm từ 0 đến 100, ví dụ 86,6 hoặc 86,6%",
    "year": "năm, ví dụ 2025",
}
