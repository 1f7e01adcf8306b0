"""From blocks to passages and sentences, as the reports are laid out.

A PDF or a .txt breaks lines anywhere, in the middle of a sentence and of a number ('3.' / '781 hồ
sơ'). Lines are joined back into passages: a passage starts at a heading or bullet marker ('I.',
'6.2.', 'a)', '(1)', '*', '-', '+'), at a line in capitals after a line that is not, or after a line
that ends a sentence when the next one starts with a capital. Word paragraphs are joined by the same
rule (a document converted from PDF breaks its paragraphs like lines); a table row stays on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warehouse.extract.model import Block

MARKER = re.compile(
    r"^\s*(?:(?P<roman>[IVXLC]+\.)(?=\s)|(?P<number>\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.)(?=\s)|(?P<alpha>[a-zđ]\))"
    r"|(?P<paren>\(\d{1,2}\)|\d{1,2}\))|(?P<star>\*)|(?P<dash>[-–—•])(?=\s)|(?P<plus>\+)|(?P<article>Điều\s+\d+\.))"
)
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.!?]\s*$")
_SPACES = re.compile(r"\s+")
_ONLY_MARKER = re.compile(r"\s*(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ]|Điều\s+\d+)\s*")
_ABBREVIATIONS = {"tp", "tx", "tm", "kt", "tt", "q", "p", "h", "ths", "ts", "pgs", "gs", "v.v", "vd", "stt"}


@dataclass
class Passage:
    text: str
    paragraph: int
    page: int | None
    marker: str  # roman | number | alpha | paren | star | dash | plus | article | caps | url | none

    @property
    def where(self) -> str:
        return f"trang {self.page}, dòng {self.paragraph}" if self.page else f"đoạn {self.paragraph}"


def marker_of(text: str) -> str:
    if _URL_LINE.match(text):
        return "url"
    m = MARKER.match(text)
    if m:
        return next(name for name, value in m.groupdict().items() if value)
    return "caps" if is_caps(text) else "none"


def is_caps(text: str) -> bool:
    """A line in capitals (a letterhead, a title): two words or more, no lower-case letter ('TTHC 99,74%.' is not)."""
    letters = [ch for ch in text if ch.isalpha()]
    words = re.findall(r"[^\W\d_]{2,}", text)
    return len(words) >= 2 and len(letters) >= 5 and not any(ch.islower() for ch in letters)


def passages(blocks: list[Block]) -> list[Passage]:
    """Blocks joined into passages (a docx paragraph stays one)."""
    out: list[Passage] = []
    after_row = False
    for block in blocks:
        line = _SPACES.sub(" ", block.text).strip()
        if not line:
            continue
        if out and not block.whole and not after_row and not _starts_passage(out[-1], line):
            out[-1].text = join_lines(out[-1].text, line)
            continue
        out.append(Passage(line, block.paragraph, block.page, marker_of(line)))
        after_row = block.whole
    return out


def _starts_passage(previous: Passage, line: str) -> bool:
    if previous.marker == "url" or _URL_LINE.match(line) or MARKER.match(line):
        return not _continues_number(previous.text, line)
    if is_caps(line) != is_caps(previous.text):
        return True
    first = next((ch for ch in line if ch.isalpha()), "")
    return bool(_ENDS_SENTENCE.search(previous.text)) and first.isupper() and not _continues_number(previous.text, line)


def _continues_number(previous: str, line: str) -> bool:
    """'… 3.' + '781 hồ sơ', '… 3.681/' + '3.781', '… 86,6' + '%'."""
    return bool(re.search(r"\d[.,/]$", previous) and re.match(r"\d", line)) or bool(
        re.search(r"\d$", previous) and line.startswith("%"))


def join_lines(previous: str, line: str) -> str:
    """Two lines of one passage: no space inside a number or a document number broken at the line end."""
    if _continues_number(previous, line) or (previous.endswith("-") and re.match(r"[A-ZĐ]{2,}/", line)):
        return previous + line
    return f"{previous} {line}"


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) of a passage: split after '.', '!' or '?' followed by a capital, a bullet or a number."""
    out, start = [], 0
    for m in re.finditer(r"[.!?]+\s+(?=[A-ZĐÀ-ỸÂÊÔƠƯĂ\-+*•(\d])", text):
        word = re.search(r"([\w.]+)$", text[start:m.start()])
        if (word and word.group(1).lower() in _ABBREVIATIONS) or _ONLY_MARKER.fullmatch(text[start:m.start()]):
            continue
        out.append((start, text[start:m.end()].rstrip()))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:].rstrip()))
    return out


def strip_marker(text: str) -> str:
    """A sentence without its leading bullet ('- ', '+ ')."""
    m = MARKER.match(text)
    if m and (m.group("dash") or m.group("plus") or m.group("star")):
        return text[m.end():].strip()
    return text.strip()
