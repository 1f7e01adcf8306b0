"""Resolve communes given by code or by name, keeping tone marks exact.

"Xã Sơn Hạ" is 21292 and never 21289 (Xã Sơn Hà): names are compared in NFC
with their diacritics; only case, spacing and the prefix xã/phường/đặc khu are
ignored. Diacritics are stripped only to suggest the closest names, and a
suggestion names each unit with its code, so that two units whose names look
alike (Xã Sơn Hà, mã 21289 · Xã Sơn Hạ, mã 21292) are never offered as one.
Suggestions are scored by rapidfuzz (the same ratio as difflib's, in C++), once
per distinct name.

Names of the units from before 1 July 2025 resolve too, when no current unit has the name: the
former communes of the `merged_from` column ("Xã Nghĩa Dũng; Xã Nghĩa Hà", "Xã Trà Bùi (một
phần)") and the former districts of `former_district` ("Huyện Minh Long", "H. Minh Long").
- A former unit that is today's unit under a new name (it alone went into it) resolves to it, with
  a warning.
- A former unit that is only part of today's units (merged with others, split, a district of
  several) is not credited to any of them: it resolves to its own code, FORMER + its name as the
  dimension writes it ('cu:H. Minh Long', 'cu:Xã Trà Bùi'), with a warning. The marts show its
  figures as a former unit's (mart_former_unit_metrics), never ranked with today's units.
- A name several old units shared is an error that names the candidates.
Current names always win.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

PREFIX = re.compile(r"^(xã|phường|đặc khu|thị trấn|thị xã)\s+", re.IGNORECASE)
SUGGESTIONS = 3  # names offered for an unknown one
SUGGEST_CUTOFF = 40  # fuzz.ratio, 0–100: difflib.get_close_matches' cutoff 0.4 on the same ratio
SUGGEST_CHUNK = 1024  # names scored at once: 1.024 × 3.321 units × 4 bytes ≈ 14 MB at national scale
COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")  # combining marks
PART = re.compile(r"\s*\(\s*một phần\s*\)\s*$", re.IGNORECASE)
FORMER = "cu:"  # the code of a former unit's rows: 'cu:H. Minh Long'
DISTRICT = re.compile(r"^(huyện|h\.|thành phố|tp\.?|thị xã|tx\.?|quận)\s*", re.IGNORECASE)
DISTRICT_KIND = {"huyện": "h", "h.": "h", "thành phố": "tp", "tp": "tp", "tp.": "tp", "thị xã": "tx", "tx": "tx",
                 "tx.": "tx", "quận": "q"}


def district_key(name: str) -> str | None:
    """'Huyện Minh Long', 'H. Minh Long', 'huyện  minh long' → 'h minh long'; None without a district's prefix."""
    text = " ".join(unicodedata.normalize("NFC", name).split()).lower()
    found = DISTRICT.match(text)
    return f"{DISTRICT_KIND[found.group(1)]} {text[found.end():].strip()}" if found else None


@lru_cache(maxsize=1 << 17)
def name_key(name: str) -> str:
    """'  XÃ  Sơn Hạ ' → 'sơn hạ' (NFC, lower-case, no prefix, single spaces)."""
    text = " ".join(unicodedata.normalize("NFC", name).split()).lower()
    return PREFIX.sub("", text).strip()


@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """Diacritics stripped (đ → d): only for suggesting close names."""
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return nfd if nfd.isascii() else COMBINING.sub("", nfd)


@lru_cache(maxsize=1 << 17)
def former_key(name: str) -> str:
    """name_key with the Kon Tum spelling variant 'đắk' folded into 'đăk'."""
    return re.sub(r"\bđắk\b", "đăk", name_key(name))


def prefix_of(name: str) -> str | None:
    """'Phường Nguyễn Nghiêm' → 'phường'; None without a prefix."""
    m = PREFIX.match(" ".join(unicodedata.normalize("NFC", name).split()))
    return m.group(1).lower() if m else None


@dataclass(frozen=True)
class Keys:
    """What a written name is compared by, made once per name: district_key, name_key, former_key, prefix_of."""

    district: str | None
    name: str
    former: str
    prefix: str | None


def keys_of(name: str) -> Keys:
    text = " ".join(unicodedata.normalize("NFC", name).split()).lower()
    district = DISTRICT.match(text)
    prefix = PREFIX.match(text)
    key = text[prefix.end():].strip() if prefix else text
    return Keys(f"{DISTRICT_KIND[district.group(1)]} {text[district.end():].strip()}" if district else None, key,
                re.sub(r"\bđắk\b", "đăk", key) if "đắk" in key else key, prefix.group(1) if prefix else None)


@dataclass(frozen=True)
class Resolution:
    code: str | None
    error: str | None = None
    warning: str | None = None  # resolved, but the analyst should know how (a former unit's name)


@dataclass(frozen=True)
class FormerUnit:
    """One unit from before 1 July 2025, as listed in a commune's merged_from."""

    name: str  # as listed, without "(một phần)"
    code: str  # the commune it went (wholly or partly) into
    partial: bool


class CommuneIndex:
    """The known communes: code → name, name key → codes, and the former units' names."""

    def __init__(self, rows: list[tuple[str, str]], merged_from: dict[str, str | None] | None = None,
                 populations: dict[str, int] | None = None, districts: dict[str, str | None] | None = None):
        self.names = {code: name for code, name in rows}
        self.populations = {code: int(p) for code, p in (populations or {}).items() if p}  # for plausibility checks
        self.by_key: dict[str, list[str]] = {}
        for code, name in rows:
            self.by_key.setdefault(name_key(name), []).append(code)
        self.former: dict[str, list[FormerUnit]] = {}
        self.parts: dict[str, int] = {}  # code → how many former units went into it
        for code, listed in (merged_from or {}).items():
            for unit in former_units(code, listed):
                self.former.setdefault(former_key(unit.name), []).append(unit)
                self.parts[code] = self.parts.get(code, 0) + 1
        self.districts: dict[str, tuple[str, list[str]]] = {}  # district key → (as the dimension writes it, codes)
        for code, listed in (districts or {}).items():
            for name in filter(None, (part.strip() for part in (listed or "").split(";"))):
                self.districts.setdefault(district_key(name) or name.lower(), (name, []))[1].append(code)
        self._cache: dict[str, Resolution] = {}
        self._closest: dict[str, str] = {}  # folded name → the suggestion: each distinct name scored once
        self._folded: dict[str, list[str]] | None = None  # folded name key → name keys, built at the first suggestion
        self._choices: list[str] = []

    def has_code(self, code: str) -> bool:
        return code in self.names

    def resolve_name(self, name: str, keys: Keys | None = None) -> Resolution:
        if name not in self._cache:
            self._cache[name] = self._resolve(name, keys or keys_of(name))
        return self._cache[name]

    def _resolve(self, name: str, keys: Keys) -> Resolution:
        district = self.districts.get(keys.district or "")
        if district:
            return self._resolve_district(name, *district)
        codes = self.by_key.get(keys.name, [])
        former = self._former_candidates(keys)
        if codes and not (former and self._prefix_says_former(keys.prefix, codes)):
            if len(codes) == 1:
                return Resolution(codes[0])
            listed = "; ".join(f"{self.names[c]} (mã {c})" for c in codes)
            return Resolution(None, f"tên trùng với nhiều đơn vị: {listed}; hãy ghi mã xã")
        if former:
            return self._resolve_former(name, former)
        return Resolution(None, f"không có đơn vị hành chính nào tên như vậy; gần nhất: {self._closest_to(keys.name)}")

    def _former_candidates(self, keys: Keys) -> list[FormerUnit]:
        """Former units of that name; when a prefix is written, those with that prefix if any."""
        units = self.former.get(keys.former, [])
        if not units or keys.prefix is None:
            return units
        same_prefix = [u for u in units if prefix_of(u.name) == keys.prefix]
        return same_prefix or units

    def _prefix_says_former(self, prefix: str | None, codes: list[str]) -> bool:
        """'Phường Nguyễn Nghiêm' is not the current 'Xã Nguyễn Nghiêm': the prefix written differs."""
        return prefix is not None and all(prefix_of(self.names[c]) != prefix for c in codes)

    def _resolve_former(self, name: str, units: list[FormerUnit]) -> Resolution:
        written = " ".join(unicodedata.normalize("NFC", name).split())
        targets = sorted({u.code for u in units})
        if len({u.name for u in units}) > 1 or (len(units) > 1 and not all(u.partial for u in units)):
            return Resolution(None, f"'{written}' là tên của nhiều đơn vị cũ, nay thuộc: {self._into(targets)}; "
                                    "hãy ghi mã xã của đơn vị mới")
        unit = units[0]
        if not unit.partial and self.parts.get(unit.code) == 1:  # the same unit under its new name
            former = "đơn vị cũ" if unit.name.lower() == written.lower() else f"đơn vị cũ {unit.name}"
            return Resolution(unit.code, warning=f"'{written}' ({former}) nay là {self.names.get(unit.code)} "
                                                 f"(mã {unit.code}): số liệu được tính cho đơn vị này")
        return self._former_unit(written, unit.name, targets)

    def _resolve_district(self, name: str, listed: str, codes: list[str]) -> Resolution:
        written = " ".join(unicodedata.normalize("NFC", name).split())
        whole = [d for d, (_, cs) in self.districts.items() if codes[0] in cs]
        if len(codes) == 1 and len(whole) == 1:  # a district that became one unit whole (H. Lý Sơn → đặc khu Lý Sơn)
            return Resolution(codes[0], warning=f"'{written}' (đơn vị cũ) nay là {self.names.get(codes[0])} "
                                                f"(mã {codes[0]}): số liệu được tính cho đơn vị này")
        return self._former_unit(written, listed, sorted(codes))

    def _former_unit(self, written: str, listed: str, targets: list[str]) -> Resolution:
        """A unit from before the merger that is only part of today's units: its own code, never theirs."""
        return Resolution(FORMER + listed, warning=(
            f"'{written}' là đơn vị trước sáp nhập (1/7/2025), nay thuộc {self._into(targets)}: nạp là số liệu "
            "của đơn vị cũ, hiện trong hồ sơ các đơn vị mới và bảng «Trước sáp nhập», không tính cho đơn vị mới "
            "nào và không xếp hạng"))

    def _into(self, codes: list[str]) -> str:
        return "; ".join(f"{self.names.get(c, c)} (mã {c})" for c in codes)

    def resolve_many(self, names: Iterable[str]) -> None:
        """Resolve each distinct name once, ahead of resolve_name: the suggestions for the unknown ones are
        scored in one batch (a file of 50.000 unknown names is refused in a second, not minutes)."""
        todo = {name: keys_of(name) for name in dict.fromkeys(names) if name and name not in self._cache}
        self._suggest([fold(k.name) for k in todo.values()
                       if k.name not in self.by_key and k.former not in self.former and (k.district or "") not in self.districts])
        for name, keys in todo.items():
            self.resolve_name(name, keys)

    def closest(self, name: str, n: int = SUGGESTIONS) -> str:
        """The n known units whose names are closest to `name` (compared without diacritics), with their codes."""
        if n != SUGGESTIONS:
            return self._suggestion(self._scored([fold(name_key(name))], n)[0])
        return self._closest_to(name_key(name))

    def _closest_to(self, key: str) -> str:
        query = fold(key)
        if query not in self._closest:
            self._suggest([query])
        return self._closest[query]

    def _suggest(self, queries: list[str]) -> None:
        """The suggestions of the folded names not suggested yet, scored by chunks."""
        todo = [q for q in dict.fromkeys(queries) if q not in self._closest]
        for start in range(0, len(todo), SUGGEST_CHUNK):
            chunk = todo[start:start + SUGGEST_CHUNK]
            for query, codes in zip(chunk, self._scored(chunk, SUGGESTIONS), strict=True):
                self._closest[query] = self._suggestion(codes)

    def _scored(self, queries: list[str], n: int) -> list[list[str]]:
        """For each folded query, the codes of the units of the n closest folded names (rapidfuzz's ratio,
        the measure difflib's get_close_matches uses, best first; ties in the order of the dimension)."""
        if self._folded is None:
            self._folded = {}
            for key in self.by_key:
                self._folded.setdefault(fold(key), []).append(key)
            self._choices = list(self._folded)
        if not self._choices:
            return [[] for _ in queries]
        scores = process.cdist(queries, self._choices, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF, workers=-1)
        best = np.argsort(-scores, axis=1, kind="stable")[:, :n]
        kept = np.take_along_axis(scores, best, axis=1) >= SUGGEST_CUTOFF
        out = []
        for picks, keep in zip(best.tolist(), kept.tolist(), strict=True):
            matches = [self._choices[i] for i, k in zip(picks, keep, strict=True) if k]
            out.append([code for m in matches for key in self._folded[m] for code in self.by_key[key]][:n])
        return out

    def _suggestion(self, codes: list[str]) -> str:
        """'Xã Sơn Hà (mã 21289), Xã Sơn Hạ (mã 21292)': every unit with its code, never two shown as one."""
        if not codes:
            return "(không tìm thấy tên gần giống)"
        return ", ".join(f"{self.names[c]} (mã {c})" for c in codes)


def former_units(code: str, listed: str | None) -> list[FormerUnit]:
    """'Xã Trà Tân; Xã Trà Bùi (một phần)' → the units, with whether only part was taken."""
    units = []
    for part in (listed or "").split(";"):
        text = " ".join(unicodedata.normalize("NFC", part).split())
        if text:
            units.append(FormerUnit(PART.sub("", text), code, bool(PART.search(text))))
    return units
