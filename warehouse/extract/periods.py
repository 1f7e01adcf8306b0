"""The periods a report states, where it states them.

'(từ ngày 01/7/2025 đến ngày 30/10/2025)' and '01/7/2025 - 30/10/2025' are ranges; 'Kết quả học tập đến
ngày 18/11/2025', 'tính đến ngày 23/5/2025' count things up to a day ('as_of'); 'tháng 11/2025' is a month;
'6 tháng đầu năm 2025', '9 tháng năm 2025', 'quý III/2025', 'trong năm 2025' are ranges. A date on its own
('Quyết định số 09/QĐ-UBND ngày 01/7/2025') is not a period, nor is 'ngày … tháng 5 năm 2025' (a date
whose day was left blank).
"""

from __future__ import annotations

import re
from datetime import date

from warehouse.extract.model import Period
from warehouse.values import month_end

_D = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
_RANGE = re.compile(rf"(?:từ\s+(?:ngày\s+)?)?{_D}\s*(?:đến|tới|-|–|—)\s*(?:hết\s+)?(?:ngày\s+)?{_D}", re.IGNORECASE)
_AS_OF = re.compile(rf"(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?{_D}", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|-|năm)\s*(\d{4})", re.IGNORECASE)
_HALF = re.compile(r"(?:0?6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})", re.IGNORECASE)
_NINE = re.compile(r"(?:0?9|chín)\s+tháng\s+(?:đầu\s+)?năm\s+(\d{4})", re.IGNORECASE)
_QUARTER = re.compile(r"quý\s+(IV|I{1,3}|[1-4])\s*(?:/|-|năm)\s*(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"(?:trong|cả)\s+năm\s+(\d{4})", re.IGNORECASE)
_WORDY_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_BLANK_DAY = re.compile(r"ngày[\s.…_]*$", re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def find(text: str) -> list[tuple[int, int, Period]]:
    """(start, end, period) of every period stated in a text, in order, none overlapping."""
    text = _WORDY_DATE.sub(lambda m: _same_length(m, f"{m.group(1)}/{m.group(2)}/{m.group(3)}"), text)
    found: list[tuple[int, int, Period]] = []
    taken = bytearray(len(text))
    for finder in (_ranges, _as_of, _halves, _nines, _quarters, _months, _years):
        for start, end, period in finder(text):
            if not any(taken[start:end]):
                found.append((start, end, period))
                taken[start:end] = b"\x01" * (end - start)
    return sorted(found, key=lambda f: f[0])


def _same_length(m: re.Match, replacement: str) -> str:
    return replacement.ljust(m.end() - m.start())


def _day(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _ranges(text: str):
    for m in _RANGE.finditer(text):
        start, end = _day(*m.groups()[:3]), _day(*m.groups()[3:])
        if start and end and start <= end:
            yield m.start(), m.end(), Period("range", end, start, m.group(0))


def _as_of(text: str):
    for m in _AS_OF.finditer(text):
        end = _day(*m.groups())
        if end:
            yield m.start(), m.end(), Period("as_of", end, None, m.group(0))


def _months(text: str):
    for m in _MONTH.finditer(text):
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and not _BLANK_DAY.search(text[:m.start()]) and not re.search(r"\d\s*$", text[:m.start()]):
            yield m.start(), m.end(), Period("month", month_end(date(year, month, 1)), date(year, month, 1), m.group(0))


def _halves(text: str):
    for m in _HALF.finditer(text):
        year = int(m.group(2))
        start, end = (date(year, 1, 1), date(year, 6, 30)) if m.group(1).lower() == "đầu" else (date(year, 7, 1), date(year, 12, 31))
        yield m.start(), m.end(), Period("range", end, start, m.group(0))


def _nines(text: str):
    for m in _NINE.finditer(text):
        year = int(m.group(1))
        yield m.start(), m.end(), Period("range", date(year, 9, 30), date(year, 1, 1), m.group(0))


def _quarters(text: str):
    for m in _QUARTER.finditer(text):
        q = _ROMAN.get(m.group(1).lower()) or int(m.group(1))
        year = int(m.group(2))
        yield m.start(), m.end(), Period("range", month_end(date(year, 3 * q, 1)), date(year, 3 * q - 2, 1), m.group(0))


def _years(text: str):
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        yield m.start(), m.end(), Period("range", date(year, 12, 31), date(year, 1, 1), m.group(0))


def for_dataset(period: Period, dataset: str, report_period: Period | None = None) -> tuple[dict[str, date] | None, str | None]:
    """The dataset's period columns from a stated period, or (None, why not) in Vietnamese.

    dvctt needs a range: a month is its first to last day; a count up to a day takes the start of the
    report's own period when that period holds the day ('tính đến ngày 23/5/2025' in a half-year report).
    """
    if dataset == "bdhvs":
        return {"snapshot_date": period.end}, None
    if dataset == "broadband":
        return {"period": month_end(period.end)}, None
    if period.start is not None:
        return {"period_start": period.start, "period_end": period.end}, None
    if report_period and report_period.start and report_period.start <= period.end <= report_period.end:
        return {"period_start": report_period.start, "period_end": period.end}, None
    return None, (f"kỳ '{period.text.strip()}' chỉ có ngày cuối; hồ sơ TTHC cần cả ngày bắt đầu "
                  "(ví dụ 'từ ngày 01/7/2025 đến ngày 30/10/2025')")
