"""Resolve communes given by code or by name, keeping tone marks exact.

"Xã Sơn Hạ" is 21292 and never 21289 (Xã Sơn Hà): names are compared in NFC
with their diacritics; only case, spacing and the prefix xã/phường/đặc khu are
ignored. Diacritics are stripped only to suggest the closest names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

PREFIX = re.compile(r"^(xã|phường|đặc khu|thị trấn|thị xã)\s+", re.IGNORECASE)


def name_key(name: str) -> str:
    """'  XÃ  Sơn Hạ ' → 'sơn hạ' (NFC, lower-case, no prefix, single spaces)."""
    text = " ".join(unicodedata.normalize("NFC", name).split()).lower()
    return PREFIX.sub("", text).strip()


def fold(text: str) -> str:
    """Diacritics stripped (đ → d): only for suggesting close names."""
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Resolution:
    code: str | None
    error: str | None = None


class CommuneIndex:
    """The known communes: code → name, and name key → codes."""

    def __init__(self, rows: list[tuple[str, str]]):
        self.names = {code: name for code, name in rows}
        self.by_key: dict[str, list[str]] = {}
        for code, name in rows:
            self.by_key.setdefault(name_key(name), []).append(code)
        self._cache: dict[str, Resolution] = {}

    def has_code(self, code: str) -> bool:
        return code in self.names

    def resolve_name(self, name: str) -> Resolution:
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def _resolve(self, name: str) -> Resolution:
        codes = self.by_key.get(name_key(name), [])
        if len(codes) == 1:
            return Resolution(codes[0])
        if len(codes) > 1:
            listed = "; ".join(f"{self.names[c]} (mã {c})" for c in codes)
            return Resolution(None, f"tên trùng với nhiều đơn vị: {listed}; hãy ghi mã xã")
        return Resolution(None, f"không có đơn vị hành chính nào tên như vậy; gần nhất: {self.closest(name)}")

    def closest(self, name: str, n: int = 3) -> str:
        """The n known names closest to `name`, compared without diacritics."""
        folded: dict[str, list[str]] = {}
        for key in self.by_key:
            folded.setdefault(fold(key), []).append(key)
        matches = difflib.get_close_matches(fold(name_key(name)), list(folded), n=n, cutoff=0.4)
        names = [self.names[code] for m in matches for key in folded[m] for code in self.by_key[key]]
        return ", ".join(names[:n]) if names else "(không tìm thấy tên gần giống)"
