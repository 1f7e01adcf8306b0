"""Whose report it is: the letterhead, 'UBND xã … báo cáo', the other mentions, against the communes dimension.

'ỦY BAN NHÂN DÂN ĐẶC KHU LÝ SƠN' (a letterhead, in capitals) weighs most, then '<UBND|Ủy ban nhân dân> xã
Mỏ Cày báo cáo', then every other 'UBND/Đảng ủy/HĐND <xã|phường|đặc khu|huyện> <Tên>'. Names keep their
tone marks (Sơn Hà is not Sơn Hạ). A district from before 1 July 2025 ('huyện Minh Long') or a former
commune is a former unit: its figures are never credited to one of today's units.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warehouse.communes import CommuneIndex, former_key, name_key, prefix_of
from warehouse.extract.model import Unit

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "communes.csv"
_ORG = r"ủy ban nhân dân|uỷ ban nhân dân|ubnd|hđnd|hội đồng nhân dân|đảng ủy|đảng uỷ|đảng bộ"
_TYPE = r"đặc khu|thị xã|thành phố|thị trấn|xã|phường|huyện|tỉnh|tp\.?"
_MENTION = re.compile(rf"\b(?:{_ORG})\s+(?P<type>{_TYPE})\s+(?P<rest>[^\n,;:.()|/]{{0,60}})", re.IGNORECASE)
_PLACE = re.compile(rf"\b(?P<type>{_TYPE})\s+(?P<rest>[^\n,;:.()|/]{{0,40}})", re.IGNORECASE)
_REPORTS = re.compile(r"^\s*(?:kính\s+)?báo\s+cáo", re.IGNORECASE)
_DISTRICT_PREFIX = {"h.": "huyện", "tp": "thành phố", "tx": "thị xã", "tp.": "thành phố", "tx.": "thị xã"}
_WORD = re.compile(r"[^\W\d_][^\W_]*")
LETTERHEAD, REPORTS, MENTION = 10, 8, 1


@dataclass(frozen=True)
class Dimension:
    """The communes names resolve against, and the districts from before 1 July 2025."""

    index: CommuneIndex
    districts: dict[tuple[str, str], tuple[str, tuple[str, ...]]]  # (type, name key) → (written name, codes it went into)


def dimension(communes: CommuneIndex | None = None) -> Dimension:
    """The dimension from `communes` (the warehouse's) or the project's reference list."""
    return Dimension(communes or _reference_index(), _districts())


@cache
def _reference_rows() -> tuple[tuple[str, ...], ...]:
    with open(REFERENCE, encoding="utf-8") as fh:
        return tuple((r["commune_code"], r["commune_name"], r["merged_from"], r["former_district"], r["population"])
                     for r in csv.DictReader(fh))


def _reference_index() -> CommuneIndex:
    rows = _reference_rows()
    return CommuneIndex([(r[0], r[1]) for r in rows], {r[0]: r[2] for r in rows}, {r[0]: r[4] for r in rows})


@cache
def _districts() -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    found: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for code, _, _, listed, _ in _reference_rows():
        for part in (listed or "").split(";"):
            m = re.match(r"\s*(H\.|TP\.?|TX\.?)\s*(.+?)\s*$", part)
            if m:
                kind = _DISTRICT_PREFIX[m.group(1).lower()]
                written, codes = found.setdefault((kind, name_key(m.group(2))), (m.group(2), []))
                codes.append(code)
    return {key: (written, tuple(sorted(set(codes)))) for key, (written, codes) in found.items()}


def find(text: str, dim: Dimension) -> Unit:
    """The unit the report speaks for, from the whole text of the report."""
    weights: dict[str, float] = {}
    units: dict[str, Unit] = {}
    text = " ".join(unicodedata.normalize("NFC", text).split())
    for m in _MENTION.finditer(text):
        unit, weight = _mention(m, dim)
        if unit is None or (unit.kind == "province" and weight == MENTION):
            continue
        key = unit.code or unit.name
        weights[key] = weights.get(key, 0) + weight
        if key not in units or weight > MENTION:
            units[key] = unit
    if not weights:
        return Unit("(không xác định)", None, "unknown", "không tìm thấy tên cơ quan báo cáo (UBND xã, phường, đặc khu)")
    key = max(weights, key=lambda k: (weights[k], units[k].kind == "current"))
    unit, weight = units[key], weights[key]
    confidence = 0.95 if weight >= REPORTS else min(0.5 + 0.1 * weight, 0.8)
    return Unit(unit.name, unit.code, unit.kind, unit.how, confidence, unit.note)


def _mention(m: re.Match, dim: Dimension) -> tuple[Unit | None, float]:
    kind = _type(m.group("type"))
    caps = _is_caps(m.group(0)[: m.start("rest") - m.start()])
    words = _name_words(m.group("rest"), caps)
    if kind == "tỉnh":
        unit = Unit("Tỉnh Quảng Ngãi", None, "province", "", 0.0, "số liệu của tỉnh không ghi cho xã nào")
        rest = m.group("rest")[len(" ".join(words)):] if words else m.group("rest")
    else:
        unit, used = resolve(kind, words, dim)
        if unit is None:
            return None, 0
        rest = m.group("rest")[m.group("rest").find(used) + len(used):]
    written = f"{m.group(0)[: m.start('rest') - m.start()]}{' '.join(words)}".strip()
    if caps:
        return _how(unit, f"tên cơ quan ở đầu văn bản: '{written}'"), LETTERHEAD
    if _REPORTS.match(rest):
        return _how(unit, f"câu '{written} báo cáo …'"), REPORTS
    return _how(unit, f"các lần văn bản nhắc '{written}'"), MENTION


def _how(unit: Unit, how: str, confidence: float | None = None) -> Unit:
    return Unit(unit.name, unit.code, unit.kind, how, unit.confidence if confidence is None else confidence, unit.note)


def _type(text: str) -> str:
    t = text.lower().rstrip(".")
    return "thành phố" if t == "tp" else t


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not any(ch.islower() for ch in letters)


def _name_words(rest: str, caps: bool) -> list[str]:
    """The words of a proper name: capitalised (all capitals after a letterhead), at most four."""
    words = []
    for w in _WORD.findall(rest)[:4]:
        if not w[0].isupper() or (caps and not w.isupper()):
            break
        words.append(w)
    return words


def resolve(kind: str, words: list[str], dim: Dimension) -> tuple[Unit | None, str]:
    """The unit '<kind> <words>' names (the longest run of words that is a name), and the words used."""
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        unit = _current(kind, name, dim) or _former(kind, name, dim)
        if unit:
            return unit, name
    return None, ""


def _current(kind: str, name: str, dim: Dimension) -> Unit | None:
    if kind not in ("xã", "phường", "đặc khu"):
        return None
    codes = [c for c in dim.index.by_key.get(name_key(name), []) if (prefix_of(dim.index.names[c]) or "").lower() == kind]
    if len(codes) != 1:
        return None
    return Unit(dim.index.names[codes[0]], codes[0], "current", "")


def _former(kind: str, name: str, dim: Dimension) -> Unit | None:
    written = " ".join(w.capitalize() for w in name.split()) if name.isupper() else name
    label = f"{kind.capitalize()} {written}"
    district = dim.districts.get((kind, name_key(name)))
    if district:
        return Unit(label, None, "former", "", 0.0, f"{label} là đơn vị trước ngày 01/7/2025, nay thuộc: {_into(district[1], dim)}")
    units = [u for u in dim.index.former.get(former_key(f"{kind} {name}"), []) if (prefix_of(u.name) or "").lower() == kind]
    if units:
        codes = tuple(sorted({u.code for u in units}))
        return Unit(label, None, "former", "", 0.0, f"{label} là đơn vị trước ngày 01/7/2025, nay thuộc: {_into(codes, dim)}")
    return None


def _into(codes: tuple[str, ...], dim: Dimension) -> str:
    return "; ".join(f"{dim.index.names.get(c, c)} (mã {c})" for c in codes)


def given(name: str, dim: Dimension) -> Unit:
    """The unit named on the command line (--unit) or chosen on the page; ValueError in Vietnamese when unknown."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    m = _PLACE.match(text)
    if m:
        unit, _ = resolve(_type(m.group("type")), _name_words(m.group("rest"), False), dim)
        if unit:
            return _how(unit, "chọn bằng tay (--unit)", 1.0)
    resolution = dim.index.resolve_name(text)
    if resolution.code:
        return Unit(dim.index.names[resolution.code], resolution.code, "current", "chọn bằng tay (--unit)", 1.0)
    raise ValueError(f"Không có đơn vị '{text}': {resolution.error}")


def elsewhere(sentence: str, unit: Unit, dim: Dimension) -> str | None:
    """Why a sentence's figures belong to another unit than the report's (the province, a district, another
    commune), or None."""
    lowered = sentence.lower()
    if re.search(r"toàn tỉnh|cấp tỉnh|của tỉnh|trên địa bàn tỉnh|tỉnh quảng ngãi|các xã, phường", lowered) and unit.kind != "province":
        return "số liệu của tỉnh, không phải của đơn vị báo cáo"
    if unit.kind == "current" and (re.search(r"toàn huyện|cấp huyện|của huyện|trên địa bàn huyện", lowered)
                                   or re.search(r"\b[Hh]uyện\s+[A-ZĐ]", sentence)):
        return "số liệu của huyện cũ (trước 01/7/2025), không ghi cho xã hiện nay"
    for m in _PLACE.finditer(sentence):
        kind = _type(m.group("type"))
        if kind not in ("xã", "phường", "đặc khu"):
            continue
        other, _ = resolve(kind, _name_words(m.group("rest"), False), dim)
        if other and other.kind == "current" and other.code != unit.code:
            return f"số liệu của {other.name} (mã {other.code}), không phải của đơn vị báo cáo"
    return None
