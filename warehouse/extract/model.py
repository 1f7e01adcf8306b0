"""What reading a report produces: blocks of text, periods, the reporting unit, figures.

Plain dataclasses: they cross the sandbox's process boundary (pickled) and tests assert on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from warehouse import formatting

USED = "dùng"
NOT_USED = "không dùng"


@dataclass(frozen=True)
class Block:
    """One paragraph, line or table row as the reader found it."""

    text: str
    paragraph: int  # 1-based: the docx paragraph (or table row), the line of a .txt or a PDF page
    page: int | None = None  # PDF pages only
    whole: bool = False  # a real paragraph (docx): never merged with its neighbours


@dataclass
class Document:
    """The blocks of a report and what reading it noticed (pages without text …)."""

    name: str
    kind: str  # "docx" | "pdf" | "txt"
    blocks: list[Block]
    notes: list[str] = field(default_factory=list)
    pages: int | None = None


@dataclass(frozen=True)
class Period:
    """A period as a report states it: a range, a month, or a day things are counted to ('as_of')."""

    kind: str  # "range" | "month" | "as_of"
    end: date
    start: date | None = None
    text: str = ""

    def label(self) -> str:
        if self.kind == "as_of":
            return f"đến ngày {self.end:%d/%m/%Y}"
        if self.kind == "month":
            return f"tháng {self.end:%m/%Y}"
        return formatting.day_range(self.start, self.end)


@dataclass(frozen=True)
class Unit:
    """The unit a report speaks for."""

    name: str  # as the dimension names it ('Xã Mỏ Cày'), or as written for a former unit
    code: str | None  # the current commune's code; None for a former unit, the province or an unknown
    kind: str  # "current" | "former" | "province" | "unknown"
    how: str  # Vietnamese: where it was read ('tiêu đề (quốc hiệu, tên cơ quan)', 'câu "UBND xã … báo cáo"', '--unit')
    confidence: float = 0.0
    note: str | None = None  # e.g. which current units a former district went into


@dataclass
class Figure:
    """One number of the report: where it goes (dataset, column, period) or why it is not used."""

    text: str  # the figure as written: '3.681/3.781 hồ sơ', 'trên 30%', 'xếp hạng 7/96'
    sentence: str
    paragraph: int
    page: int | None
    value: float | str | None  # a number, or the text of a rank ('7/96')
    unit: str = ""  # 'hồ sơ', '%', 'học viên', 'thứ hạng', '/100 dân' …
    qualifier: str | None = None  # 'trên', 'khoảng', 'gần' … kept with the value
    dataset: str | None = None
    column: str | None = None  # the canonical column (or measure) it maps to
    concept: str | None = None  # the entry of phrases.CONCEPTS that placed it
    period: Period | None = None
    period_how: str | None = None  # 'trong câu', 'đoạn 12', 'kỳ của báo cáo'
    unit_code: str | None = None  # the commune credited
    confidence: float = 0.0
    status: str = NOT_USED
    reason: str | None = None  # why not used (Vietnamese)
    role: str = "value"  # "value" | "whole" (the n of x/n) | "rate" | "rank"
    where: str = ""  # 'đoạn 41' (a .docx paragraph, a .txt line), 'trang 3, dòng 12' (PDF)

    @property
    def used(self) -> bool:
        return self.status == USED


@dataclass
class Extraction:
    """Everything read from one report."""

    source: str  # the file name
    kind: str  # "docx" | "pdf" | "txt"
    doc_type: str  # "report" | "plan"
    unit: Unit
    figures: list[Figure]
    periods: list[tuple[int, Period]]  # (paragraph, period) of every period stated
    notes: list[str] = field(default_factory=list)
    pages: int | None = None
    report_period: Period | None = None  # the period the title states ('6 tháng đầu năm 2025')

    @property
    def used(self) -> list[Figure]:
        return [f for f in self.figures if f.used]

    @property
    def not_used(self) -> list[Figure]:
        return [f for f in self.figures if not f.used]

    def datasets(self) -> list[str]:
        return sorted({f.dataset for f in self.used if f.dataset})
