"""Numbers as Vietnamese reports type them, and the numbers that are not quantities.

'3.781' and '3,781' are thousands before a count ('3.781 hồ sơ'); '86.6%', '86,6%' and '99,95%' are
decimals; '5.687,4' has both. A quantity keeps what stands around it: the qualifier before it
('trên 80%', 'khoảng 62%', 'hơn 957.600', 'gần 9 tỷ đồng'), the n of 'x/n' ('3.681/3.781 hồ sơ',
'4.520/6.160 hộ'), a percent sign, '/100 dân', the unit word after it, and 'xếp hạng' before a rank.

Dates, periods, document numbers ('57-NQ/TW', 'Quyết định số 327'), phone numbers, years, URLs, list
markers and digits glued to letters ('4G', 'IPv6', a footnote 'cộng đồng1') are masked first: they
are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_QUANTITY = re.compile(rf"(?<![\w.,/])(?P<num>{NUM})(?:\s*/\s*(?P<whole>{NUM}))?(?P<pct>\s*%)?(?![\w])")
_DOCUMENTS = r"nghị quyết|quyết định|kế hoạch(?: hành động)?|công văn|thông tư|nghị định|chỉ thị|tờ trình|đề án|điều|khoản|" \
             r"chương trình|luật|thông báo|văn bản|mẫu|phụ lục|mục|biểu"
_NOT_QUANTITIES = [re.compile(p, re.IGNORECASE) for p in (
    r"https?://\S+|www\.\S+|\S+@\S+",  # links, e-mail addresses
    r"\d+(?:\s*/\s*\d{2,4})?\s*/\s*[A-ZĐ][\wĐđ&\-]*(?:\s*/\s*[A-ZĐ][\wĐđ&\-]*)*",  # 09/QĐ-UBND, 70/2025/UBTVQH15
    r"\d+\s*-\s*[A-ZĐ]{2,}(?:\s*/\s*[A-ZĐ]+)*",  # 57-NQ/TW, 146- CV/ĐU
    rf"(?:{_DOCUMENTS})\s+(?:số\s+)?\d+[\w.\-]*",  # Quyết định số 327, Điều 1
    r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}",  # 01/7/2025
    r"\(\s*\d{1,2}\s*/\s*\d{1,2}\s*\)",  # (21/4): a day
    r"(?:tháng|quý)\s+[\dIVX]{1,4}(?:\s*(?:/|-|năm)\s*\d{4})?",
    r"\d{1,2}\s+tháng\s+(?:đầu|cuối)?\s*năm(?:\s+\d{4})?",  # 6 tháng đầu năm 2025
    r"\d{1,3}\s+(?:tháng|tuần|ngày|giờ|phút)\b",  # a duration: 'trong 06 tháng'
    r"\d+\s*(?:lần)?\s*/\s*\d*\s*(?:tuần|tháng|ngày|năm)\b",  # a frequency: '1 lần/1 tuần', '01 tuần/ tin bài'

    r"(?:năm|giai đoạn)\s+\d{4}(?:\s*[-–]\s*\d{4})?",
    r"(?<![\d.,])(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}(?!\d|[.,]\d)",
    r"(?<!\d)0\d{2,3}[ .]?\d{3,4}[ .]?\d{3,4}(?!\d)",  # phone and fax numbers
    r"\(\d{1,2}\)",  # (1) list markers
    r"^\s*(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.|\d{1,2}\)|\d{1,2}\s+-)(?=\s)",  # a heading '6.2.', '1.', a footnote '1 -'

    r"(?<=[^\W\d_])\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*(?=[^\W\d_])",  # 4G, IPv6, a footnote mark
)]
_YEAR = re.compile(r"(?<![\d.,/])(?:19|20)\d{2}(?!\d|[.,]\d|/|\s*%)")
_QUALIFIER = re.compile(r"(khoảng|gần|hơn|trên|dưới|ít nhất|tối thiểu|tối đa|xấp xỉ|chưa đến|chưa tới|≥|≤|>|<)\s*$",
                        re.IGNORECASE)
_AFTER_QUALIFIER = re.compile(r"^\s*(trở lên|trở xuống)", re.IGNORECASE)
_RANK_BEFORE = re.compile(r"(?:xếp\s+hạng|xếp\s+thứ|đứng\s+thứ|thứ\s+hạng|hạng)\s*(?:thứ\s*)?:?\s*$", re.IGNORECASE)
_PER_100 = re.compile(r"^\s*(?:thuê bao\s*)?/\s*100\s*(?:người\s+)?(?:dân|người)", re.IGNORECASE)
_WORDS_AFTER = re.compile(r"^\s*((?:[^\W\d_]+)(?:\s+[^\W\d_]+){0,2})")
UNITS = ("giấy chứng nhận", "chứng nhận", "hồ sơ", "học viên", "chuyên đề", "người", "hộ", "trạm", "thuê bao", "TTHC",
         "thủ tục", "tài khoản", "xã", "thôn", "tổ dân phố", "tổ chức", "dân số", "dân", "tỷ đồng", "triệu đồng",
         "nghìn đồng", "đồng chí", "đồng",
         "máy", "lượt", "nhà mạng", "doanh nghiệp", "sản phẩm", "cơ quan", "đơn vị", "công chức", "thành viên")
COUNT_UNITS = ("hồ sơ", "học viên", "chuyên đề", "chứng nhận", "người", "hộ", "trạm", "thuê bao", "tthc", "thủ tục")


@dataclass(frozen=True)
class Quantity:
    start: int  # span of the number (with its n and %) in the sentence
    end: int
    text: str  # as written, with qualifier and unit: 'trên 30%', '3.681/3.781 hồ sơ'
    value: float
    whole: float | None = None
    percent: bool = False
    per100: bool = False
    unit: str = ""
    qualifier: str | None = None
    rank: bool = False


def mask(sentence: str) -> str:
    """The sentence with every number that is not a quantity blanked (same length, offsets kept)."""
    chars = list(sentence)
    for pattern in _NOT_QUANTITIES:
        for m in pattern.finditer(sentence):
            chars[m.start():m.end()] = " " * (m.end() - m.start())
    masked = "".join(chars)
    for m in _YEAR.finditer(masked):
        if not unit_after(masked[m.end():]):
            chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def quantities(sentence: str) -> list[Quantity]:
    """Every quantity of a sentence, in order."""
    masked = mask(sentence)
    found = []
    for m in _QUANTITY.finditer(masked):
        quantity = _quantity(sentence, m)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity(sentence: str, m: re.Match) -> Quantity | None:
    before, after = sentence[max(0, m.start() - 60):m.start()], sentence[m.end():m.end() + 80]
    percent = bool(m.group("pct"))
    per100 = bool(_PER_100.match(after)) or (m.group("whole") == "100" and _starts_with(after, ("dân", "người dân")))
    decimal = percent or per100
    value = to_number(m.group("num"), decimal)
    whole = to_number(m.group("whole"), decimal) if m.group("whole") else None
    rank = bool(_RANK_BEFORE.search(before))
    if whole is not None and value > whole and not rank:
        return None  # '21/4' is a day, not x of n
    unit = "%" if percent else ("/100 dân" if per100 else unit_after(after))
    qualifier = _qualifier(before, after)
    end = m.end() + (_PER_100.match(after).end() if _PER_100.match(after) else 0)
    text = sentence[m.start():end].strip()
    if unit and unit not in ("%", "/100 dân"):
        text = f"{text} {unit}"
    if qualifier and qualifier not in ("trở lên", "trở xuống"):
        text = f"{qualifier} {text}"
    return Quantity(m.start(), end, text, value, whole, percent, per100 or (whole == 100 and per100), unit, qualifier, rank)


def _qualifier(before: str, after: str) -> str | None:
    m = _QUALIFIER.search(before)
    if m:
        return m.group(1).lower()
    m = _AFTER_QUALIFIER.match(after)
    return m.group(1).lower() if m else None


def _starts_with(text: str, words: tuple[str, ...]) -> bool:
    t = text.strip().lower()
    return any(t.startswith(w) for w in words)


def unit_after(text: str) -> str:
    """The unit word that follows a number: a known one ('giấy chứng nhận', 'hồ sơ'), else the next word."""
    m = _WORDS_AFTER.match(text)
    if not m:
        return ""
    words = m.group(1)
    lowered = words.lower()
    for unit in UNITS:
        if lowered == unit.lower() or lowered.startswith(unit.lower() + " "):
            return words[:len(unit)]
    return ""


def to_number(text: str, decimal: bool = False) -> float:
    """'3.781' → 3781; '86.6' → 86.6; '99,95' → 99.95; '5.687,4' → 5687.4; '3,781' → 3781 unless `decimal`
    (a percentage or a per-100 figure, where one separator before three digits is a decimal one)."""
    t = text.replace(" ", "")
    separators = re.findall(r"[.,]", t)
    if not separators:
        return float(t)
    if len(set(separators)) == 2:
        decimal_sep = t[max(t.rfind("."), t.rfind(","))]
        thousands = "," if decimal_sep == "." else "."
        return float(t.replace(thousands, "").replace(decimal_sep, "."))
    if len(separators) > 1:
        return float(t.replace(separators[0], ""))
    whole, fraction = re.split(r"[.,]", t)
    if len(fraction) == 3 and not decimal:
        return float(whole + fraction)
    return float(f"{whole}.{fraction}")
