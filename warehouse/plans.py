"""Whose plan a targets table is: the province's, or one unit's own, read from its letterhead or title.

"ỦY BAN NHÂN DÂN / XÃ MỎ CÀY" → Mỏ Cày's code; "(Kèm theo Quyết định … của UBND đặc khu)" → the
province's one đặc khu (Lý Sơn); "UBND TỈNH QUẢNG NGÃI" → PROVINCE. The first letterhead above the table
wins (a commune's plan may cite the province's further down). An analyst confirms it on the upload page
or gives it with --unit; a plan whose unit cannot be told is refused, never judged as someone else's.
"""

from __future__ import annotations

import re
import unicodedata

from warehouse.communes import CommuneIndex

PROVINCE = "province"
PROVINCE_WORDS = ("tỉnh", "toàn tỉnh", "tỉnh quảng ngãi", "ubnd tỉnh", PROVINCE)
_LETTERHEAD = re.compile(r"(?:ủy|uỷ)\s+ban\s+nhân\s+dân\s+(tỉnh|xã|phường|đặc\s+khu)\b[ \t]*([^\n,.;:()]*)"
                         r"|ubnd\s+(tỉnh|xã|phường|đặc\s+khu)\b[ \t]*([^\n,.;:()]*)", re.IGNORECASE)


def unit_in_lines(lines: list[str], communes: CommuneIndex) -> tuple[str | None, str | None]:
    """(PROVINCE or a commune code, the line it was read from) from the first letterhead among `lines`."""
    text = "\n".join(unicodedata.normalize("NFC", line) for line in lines)
    for found in _LETTERHEAD.finditer(text):
        kind = (found.group(1) or found.group(3)).lower()
        name = " ".join((found.group(2) or found.group(4) or "").split())
        unit = _unit(kind, name, communes)
        if unit:
            return unit, " ".join(found.group(0).split())
    return None, None


def _unit(kind: str, name: str, communes: CommuneIndex) -> str | None:
    if kind == "tỉnh":
        return PROVINCE
    kind = " ".join(kind.split())
    if name:
        resolution = communes.resolve_name(f"{kind} {name}")
        return resolution.code
    of_kind = [code for code, unit_name in communes.names.items() if unit_name.lower().startswith(kind + " ")]
    return of_kind[0] if len(of_kind) == 1 else None  # "UBND đặc khu": the province has one


def resolve(written: str, communes: CommuneIndex) -> str:
    """A unit as an analyst gives it (--unit): 'tỉnh' → PROVINCE, a code or a name → its code; ValueError in
    Vietnamese otherwise."""
    text = " ".join(unicodedata.normalize("NFC", written).split())
    if text.lower() in PROVINCE_WORDS:
        return PROVINCE
    if communes.has_code(text):
        return text
    resolution = communes.resolve_name(text)
    if resolution.code:
        return resolution.code
    raise ValueError(f"Không rõ đơn vị của kế hoạch '{text}': {resolution.error}. Ghi 'tỉnh' cho kế hoạch của tỉnh, "
                     "hoặc tên/mã của xã, phường, đặc khu.")


def whose(unit: str, communes: CommuneIndex | None) -> str:
    """Whose plan it is, to follow 'kế hoạch của': 'tỉnh', 'Đặc khu Lý Sơn'."""
    if unit == PROVINCE:
        return "tỉnh"
    return communes.names.get(unit, unit) if communes else unit
