"""Resolve communes given by code or by name, keeping tone marks exact.

"Xã Sơn Hạ" is 21292 and never 21289 (Xã Sơn Hà): names are compared in NFC
with their diacritics; only case, spacing and the prefix xã/phường/đặc khu are
ignored. Diacritics are stripped only to suggest the closest names.

Names of the units from before 1 July 2025 (the `merged_from` column: "Xã Nghĩa
Dũng; Xã Nghĩa Hà", "Xã Trà Bùi (một phần)") resolve too, when no current unit has
the name: an old unit that went whole into one commune resolves to it with a
warning; an old unit that was split, or a name several old units shared, is an
error that names the candidates. Current names always win.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

PREFIX = re.compile(r"^(xã|phường|đặc khu|thị trấn|thị xã)\s+", re.IGNORECASE)
PART = re.compile(r"\s*\(\s*một phần\s*\)\s*$", re.IGNORECASE)


def name_key(name: str) -> str:
    """'  XÃ  Sơn Hạ ' → 'sơn hạ' (NFC, lower-case, no prefix, single spaces)."""
    text = " ".join(unicodedata.normalize("NFC", name).split()).lower()
    return PREFIX.sub("", text).strip()


def fold(text: str) -> str:
    """Diacritics stripped (đ → d): only for suggesting close names."""
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


def former_key(name: str) -> str:
    """name_key with the Kon Tum spelling variant 'đắk' folded into 'đăk'."""
    return re.sub(r"\bđắk\b", "đăk", name_key(name))


def prefix_of(name: str) -> str | None:
    """'Phường Nguyễn Nghiêm' → 'phường'; None without a prefix."""
    m = PREFIX.match(" ".join(unicodedata.normalize("NFC", name).split()))
    return m.group(1).lower() if m else None


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
                 populations: dict[str, int] | None = None):
        self.names = {code: name for code, name in rows}
        self.populations = {code: int(p) for code, p in (populations or {}).items() if p}  # for plausibility checks
        self.by_key: dict[str, list[str]] = {}
        for code, name in rows:
            self.by_key.setdefault(name_key(name), []).append(code)
        self.former: dict[str, list[FormerUnit]] = {}
        for code, listed in (merged_from or {}).items():
            for unit in former_units(code, listed):
                self.former.setdefault(former_key(unit.name), []).append(unit)
        self._cache: dict[str, Resolution] = {}

    def has_code(self, code: str) -> bool:
        return code in self.names

    def resolve_name(self, name: str) -> Resolution:
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def _resolve(self, name: str) -> Resolution:
        key = name_key(name)
        codes = self.by_key.get(key, [])
        former = self._former_candidates(name, former_key(name))
        if codes and not (former and self._prefix_says_former(name, codes)):
            if len(codes) == 1:
                return Resolution(codes[0])
            listed = "; ".join(f"{self.names[c]} (mã {c})" for c in codes)
            return Resolution(None, f"tên trùng với nhiều đơn vị: {listed}; hãy ghi mã xã")
        if former:
            return self._resolve_former(name, former)
        return Resolution(None, f"không có đơn vị hành chính nào tên như vậy; gần nhất: {self.closest(name)}")

    def _former_candidates(self, name: str, key: str) -> list[FormerUnit]:
        """Former units of that name; when a prefix is written, those with that prefix if any."""
        units = self.former.get(key, [])
        prefix = prefix_of(name)
        same_prefix = [u for u in units if prefix_of(u.name) == prefix]
        return same_prefix if prefix and same_prefix else units

    def _prefix_says_former(self, name: str, codes: list[str]) -> bool:
        """'Phường Nguyễn Nghiêm' is not the current 'Xã Nguyễn Nghiêm': the prefix written differs."""
        prefix = prefix_of(name)
        return prefix is not None and all(prefix_of(self.names[c]) != prefix for c in codes)

    def _resolve_former(self, name: str, units: list[FormerUnit]) -> Resolution:
        written = " ".join(unicodedata.normalize("NFC", name).split())
        targets = sorted({u.code for u in units})
        into = "; ".join(f"{self.names.get(c, c)} (mã {c})" for c in targets)
        if len(units) == 1 and not units[0].partial:
            code, listed = units[0].code, units[0].name
            former = "đơn vị cũ" if listed.lower() == written.lower() else f"đơn vị cũ {listed}"
            return Resolution(code, warning=f"'{written}' ({former}) đã sáp nhập vào {self.names.get(code, code)} (mã {code})")
        if all(u.partial for u in units) and len({u.name for u in units}) == 1:
            return Resolution(None, f"'{written}' (đơn vị cũ) đã được chia cho nhiều đơn vị mới: {into}; "
                                    "hãy ghi mã xã của đơn vị mới")
        return Resolution(None, f"'{written}' là tên của nhiều đơn vị cũ, nay thuộc: {into}; hãy ghi mã xã của đơn vị mới")

    def closest(self, name: str, n: int = 3) -> str:
        """The n known names closest to `name`, compared without diacritics."""
        folded: dict[str, list[str]] = {}
        for key in self.by_key:
            folded.setdefault(fold(key), []).append(key)
        matches = difflib.get_close_matches(fold(name_key(name)), list(folded), n=n, cutoff=0.4)
        names = [self.names[code] for m in matches for key in folded[m] for code in self.by_key[key]]
        return ", ".join(names[:n]) if names else "(không tìm thấy tên gần giống)"


def former_units(code: str, listed: str | None) -> list[FormerUnit]:
    """'Xã Trà Tân; Xã Trà Bùi (một phần)' → the units, with whether only part was taken."""
    units = []
    for part in (listed or "").split(";"):
        text = " ".join(unicodedata.normalize("NFC", part).split())
        if text:
            units.append(FormerUnit(PART.sub("", text), code, bool(PART.search(text))))
    return units
