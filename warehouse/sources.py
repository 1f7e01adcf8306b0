"""Open an uploaded file safely: what it really is, whether it is safe to parse, how its text is encoded.

Checks run before any parser sees the file: its size, its magic bytes (not only its
extension), and for .xlsx the zip directory (declared uncompressed size, compression
ratio, encryption) and every part read whole (corrupt deflate data, DTD/entity declarations
anywhere in an XML part). The parsers then run in a limited child process (sandbox.py). Text files are decoded
from UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode Text") or Windows-1258,
and text typed in the legacy TCVN3 (ABC) or VNI encodings — garbled once read as
Unicode, "Qu¶ng Ng·i" / "Quaûng Ngaõi" — is recognised and converted.
Every refusal is an IngestError whose message names the file and says what to do.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from warehouse import formatting

XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
ACCEPTED_SUFFIXES = (*XLSX_SUFFIXES, *TEXT_SUFFIXES, ".xls")
MB = 1024 * 1024


class IngestError(Exception):
    """The file cannot be read at all; the message is for the analyst, in Vietnamese."""


@dataclass
class Sheet:
    name: str
    rows: list[list]  # rows[i] is Excel row i + 1
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based, inclusive
    notes: list[str] = field(default_factory=list)  # what reading changed (encoding converted …)
    partial: bool = False  # rows holds only the sheet's first rows (xlsx.head); xlsx.below reads the rest
    legacy: str | None = None  # the legacy encoding its text was converted from ('tcvn3', 'vni')


# ---------------------------------------------------------------- limits


def max_file_bytes() -> int:
    """WAREHOUSE_MAX_FILE_MB (default 20)."""
    return int(float(os.environ.get("WAREHOUSE_MAX_FILE_MB", "20")) * MB)


def max_unzipped_bytes() -> int:
    """WAREHOUSE_MAX_UNZIPPED_MB (default 200): the declared uncompressed size of an .xlsx."""
    return int(float(os.environ.get("WAREHOUSE_MAX_UNZIPPED_MB", "200")) * MB)


def max_zip_ratio() -> float:
    """WAREHOUSE_MAX_ZIP_RATIO (default 100): uncompressed / compressed, for parts over 1 MB."""
    return float(os.environ.get("WAREHOUSE_MAX_ZIP_RATIO", "100"))


def _mb(size: float) -> str:
    """Bytes as Vietnamese megabytes: '21,0'."""
    return formatting.number(size / MB, 1)


# ---------------------------------------------------------------- what the file is


@dataclass(frozen=True)
class Source:
    kind: str  # "xlsx" | "text"
    note: str | None = None  # a warning for the analyst (extension did not match the content)
    parts: dict[str, bytes] | None = field(default=None, compare=False, repr=False)  # what `keep` kept while checking


class Keeper:
    """What to keep of a part of an .xlsx while it is checked (the check reads every byte anyway)."""

    def feed(self, chunk: bytes) -> None:
        raise NotImplementedError

    def value(self) -> bytes:
        raise NotImplementedError


def sniff(head: bytes) -> str:
    """What the first bytes say the file is: zip, ole, pdf, html, xml, text, binary or empty."""
    if not head:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return "text"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")):
        return "html"
    if start.startswith(b"<?xml"):
        return "html" if b"<html" in start[:1000] else "xml"
    return "text" if _looks_like_text(head) else "binary"


def _utf16_without_bom(head: bytes) -> bool:
    sample = head[:2000]
    return len(sample) >= 8 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def _looks_like_text(head: bytes) -> bool:
    sample = head[:8000]
    if b"\x00" in sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control <= len(sample) // 50


def open_source(path: Path, keep: Callable[[str], Keeper | None] | None = None) -> Source:
    """Check size and content of a file before parsing; raise IngestError with what to do. `keep(part name)`
    says what to keep of each part of an .xlsx as it is checked (Source.parts): xlsx.keeper, the parts that
    reading the sheets' first rows needs, so that no part is unzipped twice."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise IngestError(f"Không đọc được tệp '{name}': chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv, .txt). "
                          "Hãy mở tệp bằng Excel và chọn Lưu thành (Save As) → Excel Workbook (.xlsx).")
    size = path.stat().st_size
    if size > max_file_bytes():
        raise IngestError(f"Tệp '{name}' quá lớn ({_mb(size)} MB; giới hạn {_mb(max_file_bytes())} MB). "
                          "Hãy xóa các trang tính, hình ảnh không cần thiết hoặc chia tệp thành nhiều tệp nhỏ hơn.")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    kind = sniff(head)
    if kind == "zip":
        parts = check_xlsx(path, keep)
        note = None if suffix in XLSX_SUFFIXES else \
            f"tệp có đuôi '{suffix}' nhưng thực chất là tệp Excel (.xlsx); đã đọc như tệp Excel"
        return Source("xlsx", note, parts)
    if kind == "text":
        note = None if suffix in TEXT_SUFFIXES else f"tệp có đuôi '{suffix}' nhưng thực chất là văn bản CSV; đã đọc như tệp CSV"
        return Source("text", note)
    raise IngestError(_refusal(name, suffix, kind))


def _refusal(name: str, suffix: str, kind: str) -> str:
    save_as = "Hãy mở tệp bằng Excel và chọn Lưu thành (Save As) → Excel Workbook (.xlsx), rồi tải lên tệp .xlsx."
    if kind == "empty":
        return f"Tệp '{name}' rỗng (0 byte). Hãy gửi lại tệp có số liệu."
    if kind == "ole":
        what = "là tệp Excel 97-2003 (.xls)" if suffix == ".xls" else "là tệp Excel định dạng cũ (.xls) hoặc tệp Excel có đặt mật khẩu"
        return f"Tệp '{name}' {what}, chưa đọc được. {save_as} Nếu tệp có mật khẩu, hãy bỏ mật khẩu trước khi lưu."
    if kind == "pdf":
        return (f"Tệp '{name}' là tệp PDF, không phải bảng tính (dù có đuôi '{suffix}'). "
                "Hãy xin đơn vị gửi tệp Excel (.xlsx) gốc của báo cáo.")
    if kind in ("html", "xml"):
        return (f"Tệp '{name}' là trang web (HTML) hoặc XML được đặt đuôi '{suffix}', không phải bảng tính .xlsx. {save_as}")
    if suffix in XLSX_SUFFIXES:
        return f"Tệp '{name}' không phải tệp Excel (.xlsx) hợp lệ: tệp bị hỏng hoặc không phải bảng tính. {save_as}"
    return f"Tệp '{name}' không phải văn bản CSV (có thể là tệp nhị phân hoặc bị hỏng). {save_as}"


def check_xlsx(path: Path, keep: Callable[[str], Keeper | None] | None = None) -> dict[str, bytes] | None:
    """Refuse a zip that is not a workbook, is encrypted, too large unpacked (zip bomb), corrupt or declares a DTD.

    Every XML part is decompressed whole (streaming): a broken deflate stream or checksum is found
    here, before any parser, and so is a DTD placed anywhere in a part. Returns, when `keep` is given, what
    its keepers kept of each part (by name).
    """
    name = path.name
    corrupt = (f"Tệp Excel '{name}' bị hỏng (không đọc được cấu trúc tệp nén, có thể tải về chưa hết). "
               "Hãy mở tệp bằng Excel, lưu lại thành .xlsx, hoặc xin đơn vị gửi lại tệp.")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            check_zip_sizes(name, infos)
            _check_workbook_parts(name, {i.filename for i in infos})
            kept = {}
            for info in infos:
                keeper = keep(info.filename) if keep else None
                check_part(archive, info, name, keeper)
                if keeper is not None:
                    kept[info.filename] = keeper.value()
            return kept if keep else None
    except IngestError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise IngestError(corrupt) from exc


def check_zip_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose parts unzip beyond the limits (a zip bomb) or that is encrypted."""
    declared = sum(i.file_size for i in infos)
    if declared > max_unzipped_bytes():
        raise IngestError(
            f"Tệp '{name}' khi giải nén lên tới {_mb(declared)} MB (giới hạn {_mb(max_unzipped_bytes())} MB): "
            "có thể là tệp độc hại (zip bomb) hoặc quá lớn. Hãy chia nhỏ tệp hoặc chỉ giữ trang tính cần nạp.")
    for info in infos:
        if info.file_size > MB and info.file_size > max_zip_ratio() * max(info.compress_size, 1):
            raise IngestError(
                f"Tệp '{name}' có phần '{info.filename}' nén bất thường (tỷ lệ "
                f"{formatting.number(info.file_size / max(info.compress_size, 1))}:1): có thể là tệp độc hại (zip bomb). "
                "Hãy mở tệp bằng Excel, sao chép bảng số liệu sang một tệp mới và lưu thành .xlsx.")
        if info.flag_bits & 0x1:
            raise IngestError(f"Tệp '{name}' được mã hóa (có mật khẩu). Hãy bỏ mật khẩu trong Excel rồi lưu lại thành .xlsx.")


def _check_workbook_parts(name: str, names: set[str]) -> None:
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise IngestError(f"Tệp '{name}' là Excel dạng nhị phân (.xlsb). "
                          "Hãy mở bằng Excel và chọn Lưu thành (Save As) → Excel Workbook (.xlsx).")
    if "word/document.xml" in names:
        raise IngestError(f"Tệp '{name}' là văn bản Word, không phải bảng tính. "
                          "Hãy sao chép bảng sang Excel và lưu thành .xlsx.")
    raise IngestError(f"Tệp '{name}' là tệp nén (.zip), không phải bảng tính Excel. "
                      "Hãy giải nén và tải lên từng tệp .xlsx hoặc .csv bên trong.")


XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATIONS = (b"DOCTYPE", b"ENTITY")
_CHUNK = 1 << 20


def check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, keeper: Keeper | None = None) -> None:
    """Read the whole part (its deflate stream and CRC are checked on the way); an XML part
    that declares a DTD or entities anywhere (billion laughs, XXE), or is not UTF-8, is refused.
    `keeper` is fed every chunk read."""
    xml = info.filename.lower().endswith(XML_SUFFIXES)
    tail = None
    with archive.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            if keeper is not None:
                keeper.feed(chunk)
            if not xml:
                continue
            if tail is None and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:64]):
                raise IngestError(_declaration_refusal(name, info.filename, "được mã hóa UTF-16"))
            window = (tail or b"") + chunk
            if _declares(window):
                raise IngestError(_declaration_refusal(name, info.filename, "có khai báo DTD/ENTITY"))
            tail = window[-16:]


def _declares(window: bytes) -> bool:
    """Whether '<!DOCTYPE' or '<!ENTITY' (in any case) is in the bytes: each '!' looked at (rare in XML, where
    '<' is everywhere)."""
    at = window.find(b"!", 1)
    while at >= 0:
        if window[at - 1:at] == b"<" and window[at + 1:at + 8].upper().startswith(_DECLARATIONS):
            return True
        at = window.find(b"!", at + 1)
    return False


def _declaration_refusal(name: str, part: str, what: str) -> str:
    return (f"Tệp '{name}' có phần '{part}' {what} — điều mà Excel không bao giờ tạo ra; "
            "tệp có thể đã bị chỉnh sửa để tấn công (billion laughs, XXE) nên không được đọc. "
            "Hãy xin đơn vị gửi lại tệp do Excel lưu.")


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"')


def far_cells(path: Path) -> str | None:
    """The last cell of a worksheet's declared data area ('XFD1048576') when the area is beyond what
    a report uses (more than 10 million cells from A1); None otherwise or when unreadable."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as fh:
                        m = _DIMENSION.search(fh.read(4096))
                    last = m.group(1).decode().split(":")[-1] if m else ""
                    if last and _beyond(last):
                        return last
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        return None
    return None


def _beyond(cell: str, cells: int = 10_000_000) -> bool:
    letters = re.match(r"[A-Z]+", cell).group(0)
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return column * int(cell[len(letters):]) > cells


# ---------------------------------------------------------------- text files


def read_text_rows(path: Path) -> tuple[list[list], list[str]]:
    """The rows of a CSV/TSV text file (cells in TCVN3/VNI converted), with notes for the analyst."""
    text, _ = decode_text(path.read_bytes(), path.name)
    delimiter = detect_delimiter(text)
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:  # a quote never closed swallows the rest of the file into one cell
        raise IngestError(f"Tệp CSV '{path.name}' không đọc được ({exc}): thường do một dấu ngoặc kép (\") "
                          "không được đóng. Hãy mở tệp bằng Excel, kiểm tra rồi lưu lại thành .xlsx.") from exc
    rows, legacy = fix_legacy_cells(rows)
    return rows, [legacy_note(legacy)] if legacy else []


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """(NFC text, encoding name): BOM, UTF-16 without BOM, UTF-8, else Windows-1258 or a legacy 8-bit encoding."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return _decode(raw, encoding, name), encoding
    if b"\x00" in raw[:4000]:
        encoding = "utf-16-be" if raw[0:2000:2].count(0) > raw[1:2000:2].count(0) else "utf-16-le"
        return _decode(raw, encoding, name), encoding
    try:
        return unicodedata.normalize("NFC", raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_8bit(raw)


def _decode(raw: bytes, encoding: str, name: str) -> str:
    try:
        return unicodedata.normalize("NFC", raw.decode(encoding))
    except UnicodeDecodeError as exc:
        raise IngestError(f"Tệp '{name}' có ký tự không đọc được theo bảng mã {encoding} (byte thứ {exc.start}). "
                          "Hãy mở tệp bằng Excel và lưu lại dạng CSV UTF-8 (Comma delimited) hoặc .xlsx.") from exc


def _decode_8bit(raw: bytes) -> tuple[str, str]:
    """Windows-1258 (tone marks as combining characters → NFC), or the Windows-1252 view that
    fix_legacy_text turns into TCVN3/VNI text, whichever reads as more Vietnamese."""
    cp1258 = unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))
    latin = raw.decode("cp1252", errors="replace")
    legacy = detect_legacy(latin.splitlines()[:200])
    if legacy and vocabulary_hits(CONVERTERS[legacy](latin)) > vocabulary_hits(cp1258):
        return latin, "cp1252"
    return cp1258, "cp1258"


DELIMITERS = ("\t", ";", ",")  # a tie goes to the first: a comma may also be a decimal comma or sit in a header
SAMPLE_CHARS, SAMPLE_LINES = 20000, 50


def detect_delimiter(text: str) -> str:
    """',' ';' or tab: the one that splits the lines at the top of the file into the same number of
    fields, read as CSV (quotes respected); more fields on more lines wins. A comma inside a header
    ('Trước hạn, đúng hạn') or a number ('86,6') splits lines unevenly, or into fewer fields."""
    sample = _sample(text)
    scores = {d: _agreeing_separators(sample, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=scores.get)
    return best if scores[best] else ","


def _sample(text: str) -> str:
    """The top of the text, cut at a line end."""
    if len(text) <= SAMPLE_CHARS:
        return text
    return text[:SAMPLE_CHARS].rsplit("\n", 1)[0]


def _field_counts(sample: str, delimiter: str) -> list[int]:
    """How many fields each non-blank line of the sample holds when split at `delimiter`."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        rows = list(itertools.islice(reader, SAMPLE_LINES))
    except csv.Error:
        return []
    return [len(row) for row in rows if any(cell.strip() for cell in row)]


def _agreeing_separators(sample: str, delimiter: str) -> int:
    """The separators on the lines that agree on one field count (the count that explains the most)."""
    counts = Counter(n for n in _field_counts(sample, delimiter) if n > 1)
    return max((lines * (n - 1) for n, lines in counts.items()), default=0)


# ---------------------------------------------------------------- legacy Vietnamese encodings

# TCVN 5712:1993 (TCVN3, "ABC"; fonts .VnTime/.VnArial): bytes 0xA1–0xFF. Text typed in these
# fonts reaches Unicode as the Latin-1 character of each byte: "Qu¶ng Ng·i" is "Quảng Ngãi".
# Table checked byte by byte against GNU libiconv's TCVN table (tcvn.h).
_TCVN3_HIGH = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ"  # A1–AF
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # B0–BF
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0–CF
    "éẹềểễếệìỉỄẾỒĩíịò"  # D0–DF
    "ỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"  # E0–FF
)
TCVN3 = {chr(0xA1 + i): ch for i, ch in enumerate(_TCVN3_HIGH)}

# VNI Windows (fonts VNI-Times …): a base letter followed by a mark character.
_VNI_TONES = "ùøûõï"  # sắc, huyền, hỏi, ngã, nặng after a, e, o, ơ, u, ư, y
_VNI_HAT_TONES = {"â": "áàåãä", "ê": "éèúüë"}  # after aâ/eâ/oâ (circumflex) and aê (breve)
_VNI_I = "íìæóò"  # i with each tone: one character
_TONE_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


@cache
def vni_table() -> dict[str, str]:
    """VNI sequence → Unicode letter, lower and upper case (built by rule, see tests/test_sources.py)."""
    bases = {"a": "a", "e": "e", "o": "o", "ô": "ơ", "u": "u", "ö": "ư", "y": "y"}
    hats = {"aâ": "â", "eâ": "ê", "oâ": "ô", "aê": "ă"}
    table = {"ñ": "đ", "ô": "ơ", "ö": "ư", "î": "ỵ"}
    table.update(hats)
    for vni, letter in bases.items():
        for mark, tone in zip(_VNI_TONES, _TONE_MARKS, strict=True):
            if not (letter == "y" and tone == "\u0323"):  # ỵ is the single character î
                table[vni + mark] = unicodedata.normalize("NFC", letter + tone)
    for vni, letter in hats.items():
        for mark, tone in zip(_VNI_HAT_TONES[vni[1]], _TONE_MARKS, strict=True):
            table[vni[0] + mark] = unicodedata.normalize("NFC", letter + tone)
    for mark, tone in zip(_VNI_I, _TONE_MARKS, strict=True):
        table[mark] = unicodedata.normalize("NFC", "i" + tone)
    table = {k: v for k, v in table.items() if k != v}
    return {**table, **{k.upper(): v.upper() for k, v in table.items()}}


@cache
def _vni_pattern() -> re.Pattern:
    keys = sorted(vni_table(), key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


def tcvn3_to_unicode(text: str) -> str:
    converted = unicodedata.normalize("NFC", "".join(TCVN3.get(ch, ch) for ch in text))
    return _restore_capitals(text, converted)


def vni_to_unicode(text: str) -> str:
    table = vni_table()
    return _vni_pattern().sub(lambda m: table[m.group(0)], text)


def _restore_capitals(original: str, converted: str) -> str:
    """TCVN3 capitals were typed with lower-case codes in an upper-case font (.VnTimeH):
    'UBND TØNH QU¶NG NG·I' → 'UBND TỈNH QUẢNG NGÃI' when every ASCII letter of the text is a capital."""
    ascii_letters = [c for c in original if c.isascii() and c.isalpha()]
    return converted.upper() if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters) else converted


CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# characters of the Latin-1 block that Vietnamese never uses: frequent in TCVN3/VNI text read as Unicode
LEGACY_MARKS = frozenset(chr(c) for c in range(0xA1, 0x100)) - _VIETNAMESE_LATIN1 - {"°", "²", "³", "×", "«", "»", "·"}
LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI Windows (phông VNI-Times)"}


def legacy_note(encoding: str) -> str:
    return (f"văn bản trong tệp dùng bảng mã cũ {LEGACY_NAMES[encoding]} và đã được chuyển sang Unicode; "
            "hãy kiểm tra lại tên đơn vị. Lần sau, hãy chuyển mã trước khi gửi (UniKey: Công cụ → Chuyển mã, "
            f"nguồn {encoding.upper()}, đích Unicode)")


def legacy_refusal(name: str) -> str:
    return (f"Tệp '{name}' có văn bản bị lỗi phông (bảng mã cũ TCVN3/ABC hoặc VNI), chưa chuyển được. "
            "Hãy chuyển sang Unicode trước khi tải lên: sao chép bảng, mở UniKey → Công cụ (Ctrl+Shift+F6) → "
            "Chuyển mã, nguồn TCVN3 (ABC) hoặc VNI Windows, đích Unicode → Chuyển mã, dán lại vào Excel và lưu .xlsx.")


@cache
def _vocabulary() -> frozenset[str]:
    """Vietnamese words with diacritics that reports use: headers, titles, commune names."""
    from warehouse import datasets

    texts = [REPORT_WORDS]
    for ds in datasets.DATASETS.values():
        texts.append(ds.title)
        texts += [alias for column in ds.columns for alias in column.aliases]
    reference = Path(__file__).resolve().parent.parent / "data" / "reference" / "communes.csv"
    if reference.exists():
        with open(reference, encoding="utf-8") as fh:
            texts += [f"{r['commune_name']} {r['merged_from']}" for r in csv.DictReader(fh)]
    words = {w for text in texts for w in _words(text)}
    return frozenset(w for w in words if not w.isascii())


REPORT_WORDS = """ủy ban nhân dân tỉnh quảng ngãi cộng hòa xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc
báo cáo kết quả thực hiện chuyển đổi số tổng cộng toàn tỉnh trong đó người lập biểu ghi chú thủ trưởng đơn vị
từ ngày đến tháng năm tính số liệu hồ sơ thủ tục hành chính dịch vụ công trực tuyến phường đặc khu huyện
thị trấn thôn tổ dân phố học viên bình dân học vụ giải quyết tiếp nhận hạn đúng quá một phần toàn trình
chứng nhận chuyên đề hoàn thành sóng trạm thuê bao băng rộng cố định di động hộ gia đình cáp quang
diện tích dân số loại cấp cũ sáp nhập chỉ tiêu kế hoạch giai đoạn được đã đang và của có các những"""


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text).lower())


def vocabulary_hits(text: str) -> int:
    """How many words of `text` are Vietnamese words with diacritics that reports use."""
    vocab = _vocabulary()
    return sum(1 for w in _words(text) if w in vocab)


def detect_legacy(texts: list[str]) -> str | None:
    """'tcvn3' or 'vni' when converting some of the texts makes them read as Vietnamese words
    (at least two more) and those texts hold characters Vietnamese never uses (¶, û …)."""
    texts = {t for t in texts if isinstance(t, str) and not t.isascii()}
    best, best_gain = None, 1
    for name, convert in CONVERTERS.items():
        gain, marked = 0, False
        for text in texts:
            better = vocabulary_hits(convert(text)) - vocabulary_hits(text)
            if better > 0:
                gain += better
                marked = marked or any(ch in LEGACY_MARKS for ch in text)
        if marked and gain > best_gain:
            best, best_gain = name, gain
    return best


def fix_legacy_cells(rows: list[list], sample_rows: int = 60) -> tuple[list[list], str | None]:
    """Cells of a sheet typed in TCVN3/VNI fonts, converted one by one (Unicode cells kept)."""
    sample = [c for row in rows[:sample_rows] for c in row if isinstance(c, str) and not c.isascii()]
    legacy = detect_legacy(sample)
    if legacy is None:
        return rows, None
    fix = legacy_fixer(legacy)
    return [[fix(c) if isinstance(c, str) and not c.isascii() else c for c in row] for row in rows], legacy


def legacy_fixer(legacy: str) -> Callable[[str], str]:
    """A text cell in `legacy` encoding converted, unless that loses words: Unicode cells beside legacy ones stay
    as typed (each distinct text converted once)."""
    convert = CONVERTERS[legacy]
    cache_: dict[str, str] = {}

    def fix(cell: str) -> str:
        if cell not in cache_:
            new = convert(cell)
            cache_[cell] = new if vocabulary_hits(new) >= vocabulary_hits(cell) else cell
        return cache_[cell]

    return fix
