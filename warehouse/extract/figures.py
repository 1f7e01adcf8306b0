"""The rules of the reports' language: from passages to figures placed in a dataset, a column and a period.

Read in document order. A number takes its meaning from its label (phrases.py): the words before
it ('Tổng số hồ sơ đã giải quyết: 3.681/3.781 hồ sơ'), or after it when it comes first ('có 26 trạm
phát sóng', '100% các thôn … 4G'). A percentage right after a count with nothing but 'chiếm', 'đạt tỷ
lệ' between is that count's rate ('3.276 hồ sơ (chiếm 86,6%)'); 'xếp hạng 7/96' is the rank of the
figure before it; the n of 'x/n' is the whole the figure is part of ('4.520/6.160 hộ': the households).

Headings reach the passages under them: '* Dịch vụ công trực tuyến một phần:' makes the counts below
partial-service counts, 'Phấn đấu đạt các chỉ tiêu:' makes the bullets below targets. A period is the
one of the sentence, else the nearest one stated before by a heading or a sentence that introduces
figures and not yet taken by another dataset, else the report's own (its title: '6 tháng đầu năm 2025').
A plan ('KẾ HOẠCH') states targets, not results: none of its numbers is used.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from warehouse.extract import numbers, periods, phrases, text, units
from warehouse.extract.model import NOT_USED, USED, Figure, Period, Unit
from warehouse.extract.numbers import Quantity
from warehouse.extract.phrases import Concept

_TARGET_WORDS = re.compile(r"phấn đấu|chỉ tiêu|mục tiêu|dự kiến|kế hoạch (?:đề ra|giao)|định hướng|đến năm 20\d\d", re.IGNORECASE)
_CONNECTORS = re.compile(r"^[\s,;:()\-–]*(?:(?:chiếm|đạt|tỷ lệ|tương ứng|bằng|tương đương|là|khoảng|trên|gần|hơn)[\s,:()]*)*$",
                         re.IGNORECASE)
_NEXT_CLAUSE = re.compile(r"[;.]\s|[;.]$|(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)|,\s*trong đó", re.IGNORECASE)
_PARTS = re.compile(r"trong đó", re.IGNORECASE)
_REACH = 300  # how far around a number its words are looked for (a hostile file may have no full stop at all)
_HEADING_MARKERS = ("roman", "number", "alpha", "star", "article", "caps")
_DEEPER = {"dash": ("plus", "paren"), "star": ("dash", "plus", "paren")}


@dataclass
class Scope:
    kind: str  # "variant" | "target"
    value: str | None
    opened_by: str  # the heading's marker
    child: str | None = None  # the marker of the passages under it


@dataclass
class Statement:
    period: Period
    where: str
    dataset: str | None = None  # the dataset that took it


@dataclass
class Reading:
    """The state of reading one report."""

    unit: Unit
    dim: units.Dimension
    plan: bool
    report_period: Period | None
    figures: list[Figure] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    stated: list[tuple[int, Period]] = field(default_factory=list)
    scopes: dict[str, Scope] = field(default_factory=dict)
    elsewhere: dict[str, str | None] = field(default_factory=dict)  # per sentence: whose figures they are, if not ours
    taken: set[int] = field(default_factory=set)  # the periods of sentences already among the statements


def read(passages: list[text.Passage], reading: Reading) -> Reading:
    for passage in passages:
        _update_scopes(reading, passage)
        _open_scopes(reading, passage)
        for _, sentence in text.sentences(passage.text):
            _sentence(reading, passage, sentence)
    return reading


# ---------------------------------------------------------------- headings and their reach


def _update_scopes(reading: Reading, passage: text.Passage) -> None:
    for kind, scope in list(reading.scopes.items()):
        if scope.child is None and passage.marker != scope.opened_by:
            scope.child = passage.marker
        elif passage.marker != scope.child and passage.marker not in _DEEPER.get(scope.child or "", ()):
            del reading.scopes[kind]


def _open_scopes(reading: Reading, passage: text.Passage) -> None:
    body = passage.text.strip()
    heading = body.endswith(":") or (passage.marker in _HEADING_MARKERS and len(body) < 150)
    if not heading or numbers.quantities(body):
        return
    variant = phrases.variant_of(body)
    if variant:
        reading.scopes["variant"] = Scope("variant", variant, passage.marker)
    if body.endswith(":") and _TARGET_WORDS.search(body):
        reading.scopes["target"] = Scope("target", None, passage.marker)


# ---------------------------------------------------------------- sentences


def _sentence(reading: Reading, passage: text.Passage, sentence: str) -> None:
    target = reading.plan or "target" in reading.scopes or bool(_TARGET_WORDS.search(sentence))
    stated = [] if target else periods.find(sentence)
    for _, _, period in stated:
        reading.stated.append((passage.paragraph, period))
    if stated and (sentence.rstrip().endswith(":") or passage.marker in _HEADING_MARKERS and len(passage.text) < 200):
        reading.statements += [Statement(p, passage.where) for _, _, p in stated]
    previous: Figure | None = None
    end, whole, last_value = 0, Label("", ""), Label("", "")
    for quantity in numbers.quantities(sentence):
        if quantity.start < end:
            continue  # inside the label of the figure before ('26 trạm … (BTS 2G/3G)')
        raw = sentence[max(end, quantity.start - _REACH):quantity.start]
        whole = _whole_label(raw, whole, last_value)
        label = Label(raw, _strip_unit(_own(raw), previous), whole.own, whole.whole_column)
        figure, label_end, used = _figure(reading, passage, sentence, quantity, label, previous, stated, target)
        if figure.role == "value":
            last_value = Label("", used, whole_column=figure.column)
        previous, end = figure, max(quantity.end, label_end)


@dataclass(frozen=True)
class Label:
    """The words around a number that say what it is."""

    raw: str  # the text between the figure before and this number
    own: str  # back to the last ';', at most 120 characters, without the unit of the figure before
    whole: str = ""  # inside 'trong đó: …', the label of the whole the parts belong to
    whole_column: str | None = None  # and the column of that whole

    @property
    def text(self) -> str:
        return f"{self.whole} {self.own}" if self.whole else self.own


def _own(raw: str) -> str:
    own = raw.rsplit(";", 1)[-1]
    if len(own) > 120:
        own = own[-120:].split(" ", 1)[-1]
    return own


def _whole_label(raw: str, whole: Label, last_value: Label) -> Label:
    """'Số hồ sơ đã giải quyết: 1.198 hồ sơ, trong đó trước hạn, đúng hạn 1.190 hồ sơ, quá hạn 08 hồ sơ': the parts
    after 'trong đó' read with the label of their whole, until a ';' that opens no new 'trong đó'."""
    if _PARTS.search(raw.rsplit(";", 1)[-1]):
        return last_value
    return Label("", "") if ";" in raw else whole


def _figure(reading: Reading, passage: text.Passage, sentence: str, q: Quantity, label: Label,
            previous: Figure | None, stated: list, target: bool) -> tuple[Figure, int, str]:
    """The figure of a quantity, where its label ends in the sentence (past the number when it follows it), and
    the label's words."""
    figure = Figure(q.text, _excerpt(sentence, q), passage.paragraph, passage.page, _value(q), q.unit, q.qualifier,
                    where=passage.where)
    concept, role, sure, label_end, words = _concept(sentence, q, label, previous)
    variant = phrases.variant_of(label.text) or phrases.variant_of(sentence[max(0, q.start - _REACH):q.start]) \
        or _scope_value(reading, "variant")
    figure.role = role
    if concept is not None:
        figure.concept, figure.dataset = concept.name, concept.dataset
        figure.column = phrases.columns(concept, variant).get("count" if role == "value" else role)
    reading.figures.append(figure)
    reason = _target(reading, target) or _no_place(figure, concept, q, variant) or _part_of_previous(figure, label, previous)
    period_sure = 1.0
    if reason is None:
        period_sure = _place_period(reading, figure, q, stated)
    figure.reason = reason or _not_credited(reading, figure, sentence)
    figure.status = USED if figure.reason is None else NOT_USED
    figure.unit_code = reading.unit.code if figure.used else None
    figure.confidence = round(sure * period_sure * (reading.unit.confidence or 1.0), 2)
    if q.whole is not None and concept is not None and role == "value" and not q.per100:
        _whole(reading, figure, q, concept, variant)
    return figure, label_end, words


def _excerpt(sentence: str, q: Quantity, width: int = 600) -> str:
    """The sentence a figure was read from (without its bullet); around the figure when the sentence is very long."""
    if len(sentence) <= width:
        return text.strip_marker(sentence)
    start = max(0, q.start - width // 2)
    return f"…{sentence[start:start + width].strip()}…"


def _elsewhere(reading: Reading, sentence: str) -> str | None:
    if sentence not in reading.elsewhere:
        reading.elsewhere[sentence] = units.elsewhere(sentence, reading.unit, reading.dim)
    return reading.elsewhere[sentence]


def _value(q: Quantity) -> float | str:
    if q.rank:
        return f"{int(q.value)}/{int(q.whole)}" if q.whole else str(int(q.value))
    return int(q.value) if q.value.is_integer() and not (q.percent or q.per100) else q.value


def _scope_value(reading: Reading, kind: str) -> str | None:
    scope = reading.scopes.get(kind)
    return scope.value if scope else None


def _concept(sentence: str, q: Quantity, label: Label, previous: Figure | None) -> tuple[Concept | None, str, float, int, str]:
    """(concept, role, how sure, where the label ends, the label's words) of a quantity."""
    concept, _ = phrases.best(label.text)
    if q.rank:
        if concept is None or concept.rank is None:
            concept = phrases.BY_NAME.get(previous.concept) if previous and previous.concept else concept
        return concept, "rank", 0.95, q.end, label.text
    rate = q.percent or q.per100
    if rate and _rate_of(previous, label):
        return phrases.BY_NAME[previous.concept], "rate", 0.95, q.end, label.text
    if concept is not None:
        return concept, "rate" if rate else "value", 0.95 if len(concept.groups) > 1 else 0.9, q.end, label.text
    return _concept_after(sentence, q, rate)


def _rate_of(previous: Figure | None, label: Label) -> bool:
    """'3.276 hồ sơ (chiếm 86,6%)', '4.520/6.160 hộ, đạt tỷ lệ 73,4%': the rate of the count just before."""
    return (previous is not None and previous.concept is not None and previous.role == "value" and ";" not in label.raw
            and bool(_CONNECTORS.match(label.own)) and bool(re.search(r"\(|chiếm|đạt|tỷ lệ|tương ứng|bằng", label.own)))


def _strip_unit(left: str, previous: Figure | None) -> str:
    """The label between two figures, without the unit word of the one before."""
    if previous and previous.unit and left.lstrip().lower().startswith(previous.unit.lower()):
        return left.lstrip()[len(previous.unit):]
    return left


def _concept_after(sentence: str, q: Quantity, rate: bool) -> tuple[Concept | None, str, float, int, str]:
    """A label that follows the number: '26 trạm phát sóng …', '100% các thôn … 4G', '1.305 người được cấp chứng nhận'."""
    role = "rate" if rate else "value"
    right = _NEXT_CLAUSE.split(sentence[q.end:q.end + _REACH], maxsplit=1)[0]
    concept, _ = phrases.best(right)
    if concept is None:
        return None, role, 0.0, q.end, ""
    if rate and not (concept.after and re.match(rf"\s*(?:{concept.after})\b", right, re.IGNORECASE)):
        return None, role, 0.0, q.end, ""
    if not rate and not (q.unit and 0 <= phrases.first_start(concept, right) <= len(q.unit) + 30):
        return None, role, 0.0, q.end, ""
    return concept, role, 0.8, q.end + len(right), right


def _part_of_previous(figure: Figure, label: Label, previous: Figure | None) -> str | None:
    """'26 trạm …, trong đó: VNPT 9 trạm, Viettel 17 trạm': parts of the whole before, not the whole."""
    if label.whole and figure.role == "value" and figure.column and figure.column == label.whole_column:
        return "một phần (trong đó …) của số tổng nêu trước trong câu, không phải số tổng"
    return None


# ---------------------------------------------------------------- why a figure is not used


def _no_place(figure: Figure, concept: Concept | None, q: Quantity, variant: str | None) -> str | None:
    """Why the figure has no column to go to, or None."""
    if concept is None:
        return "không gắn được với chỉ tiêu nào của các bộ dữ liệu (hạ tầng số, DVCTT, Bình dân học vụ số)"
    if concept.dataset is None:
        return f"'{concept.label}' không có trong bộ dữ liệu nào của kho"
    if figure.column is None:
        return _no_column(concept, figure.role, variant)
    population = q.whole is not None and q.unit.lower() in ("dân số", "dân")  # '18.019/19.080 dân số': the n's unit
    if figure.role == "value" and concept.units and q.unit and not population \
            and not re.fullmatch(concept.units, q.unit.lower()):
        return f"đơn vị tính '{q.unit}' không khớp với '{concept.label}'"
    if figure.role == "rate" and concept.per100_only and not q.per100:
        return (f"tỷ lệ % của '{concept.label}' không rõ tính trên gì; bộ dữ liệu nhận số thuê bao "
                "hoặc số thuê bao/100 dân")
    if figure.role == "rank" and not q.whole:
        return "thứ hạng không kèm tổng số đơn vị (x/n), không dùng được"
    return None


def _target(reading: Reading, target: bool) -> str | None:
    if reading.plan:
        return "văn bản là kế hoạch: số liệu trong đó là chỉ tiêu, mục tiêu — không phải kết quả đã thực hiện"
    return "chỉ tiêu, mục tiêu kế hoạch — không phải số liệu đã thực hiện" if target else None


def _not_credited(reading: Reading, figure: Figure, sentence: str) -> str | None:
    """Why a placed figure is still not credited to the report's unit, or None."""
    elsewhere = _elsewhere(reading, sentence) or _unit_reason(reading.unit)
    if elsewhere:
        return elsewhere
    if figure.reason:  # the period does not fit the dataset
        return figure.reason
    if figure.period is None:
        return "không rõ kỳ báo cáo của số liệu này (câu và các đề mục trước không nêu kỳ)"
    return None


def _no_column(concept: Concept, role: str, variant: str | None) -> str:
    if variant and concept.dataset == "dvctt" and role != "rate":
        kind = "DVCTT toàn trình" if variant == "full" else "DVCTT một phần"
        return f"bộ dữ liệu không có cột '{concept.label}' riêng cho {kind}"
    what = {"rate": "tỷ lệ", "rank": "thứ hạng", "whole": "tổng số (mẫu số)"}.get(role, "số")
    return f"{what} của '{concept.label}' không có cột trong bộ dữ liệu (kho tự tính từ các số đếm)"


def _unit_reason(unit: Unit) -> str | None:
    if unit.kind == "current":
        return None
    if unit.kind == "former":
        return f"đơn vị báo cáo là đơn vị cũ, trước ngày 01/7/2025 ({unit.note}): số liệu không ghi cho đơn vị hiện nay"
    if unit.kind == "province":
        return "báo cáo của tỉnh: số liệu không ghi cho xã, phường nào"
    return "không xác định được đơn vị báo cáo; hãy chọn đơn vị (--unit TÊN)"


# ---------------------------------------------------------------- periods


def _place_period(reading: Reading, figure: Figure, q: Quantity, stated: list) -> float:
    """Give the figure its period (or the reason its period does not fit the dataset); how sure, 0–1."""
    period, how, sure = _period(reading, figure.dataset, figure.where, q, stated)
    if period is None:
        return 1.0
    figure.period, figure.period_how = period, how
    columns, why = periods.for_dataset(period, figure.dataset, reading.report_period)
    if columns is None:
        figure.reason = why
    return sure


def _period(reading: Reading, dataset: str, where: str, q: Quantity, stated: list) -> tuple[Period | None, str, float]:
    if stated:
        before = bisect.bisect_right(stated, q.start, key=lambda s: s[1])  # the nearest one ending before the number
        _, _, period = stated[before - 1] if before else stated[0]
        if id(period) not in reading.taken:
            reading.taken.add(id(period))
            reading.statements.append(Statement(period, where, dataset))
        return period, "trong câu", 1.0
    for statement in reversed(reading.statements):
        if statement.dataset in (None, dataset):
            statement.dataset = dataset
            return statement.period, f"nêu ở {statement.where}", 0.85
    if reading.report_period:
        return reading.report_period, "kỳ của báo cáo (tiêu đề)", 0.8
    return None, "", 0.0


# ---------------------------------------------------------------- the n of x/n


def _whole(reading: Reading, part: Figure, q: Quantity, concept: Concept, variant: str | None) -> None:
    """The n of 'x/n' as a figure of its own: the whole the part belongs to (households of '4.520/6.160 hộ')."""
    column = phrases.columns(concept, variant).get("whole")
    if q.unit.lower() in ("dân số", "dân"):
        column = "reported_population" if concept.dataset == "broadband" else None
    value = int(q.whole) if float(q.whole).is_integer() else q.whole
    figure = Figure(f"{q.text} (tổng số, mẫu số)", part.sentence, part.paragraph, part.page, value, q.unit,
                    dataset=concept.dataset, column=column, concept=concept.name, period=part.period,
                    period_how=part.period_how, role="whole", where=part.where, confidence=part.confidence)
    if column is None:
        figure.reason = f"tổng số (mẫu số) của '{concept.label}' không có cột trong bộ dữ liệu"
    else:
        figure.reason = part.reason
    figure.status = USED if figure.reason is None else NOT_USED
    figure.unit_code = part.unit_code if figure.used else None
    reading.figures.append(figure)
