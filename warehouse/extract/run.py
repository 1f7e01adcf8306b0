"""Read one report into an Extraction: in the sandbox's limited child process, as every untrusted file is."""

from __future__ import annotations

import re
from pathlib import Path

from warehouse import formatting, sandbox
from warehouse.communes import CommuneIndex
from warehouse.extract import figures, periods, read, review, text, units
from warehouse.extract.model import Document, Extraction, Period, Unit
from warehouse.sources import IngestError

_TITLE = re.compile(r"\b(BÁO CÁO|KẾ HOẠCH|CHƯƠNG TRÌNH|ĐỀ ÁN)\b")
_TITLE_END = re.compile(r"\b(?:Trên cơ sở|Thực hiện|Căn cứ|Kính gửi|Theo)\b|\s[IVX]+\.\s")


def extract_report(path: Path, *, unit: str | None = None, communes: CommuneIndex | None = None) -> Extraction:
    """Every figure of a report (.docx, PDF with text, .txt), placed or listed as not used.

    `unit` names the reporting unit instead of reading it from the letterhead (ValueError in Vietnamese
    when no unit has that name); `communes` is the warehouse's dimension (default: the reference list).
    An unreadable, hostile or scanned file raises sources.IngestError with what to do, in Vietnamese.
    """
    dim = units.dimension(communes)
    chosen = units.given(unit, dim) if unit else None
    path = Path(path)
    try:
        extraction, _ = sandbox.run_limited(_extract, path, chosen, dim)
    except IngestError as exc:
        raise IngestError(_report_message(str(exc), path)) from exc
    return extraction


def _report_message(message: str, path: Path) -> str:
    """The sandbox's refusals speak of spreadsheets; a report's say what to do with a report."""
    memory, seconds = sandbox.memory_limit_mb(), sandbox.time_limit_s()
    send = "Hãy xin đơn vị gửi lại báo cáo dạng Word (.docx) hoặc PDF xuất trực tiếp từ Word, chỉ gồm phần có số liệu."
    if message in (sandbox.too_large(path, memory), sandbox.too_large(path, memory, died=True)):
        return (f"Không đọc được báo cáo '{path.name}': trình đọc vượt giới hạn bộ nhớ {formatting.number(memory)} MB "
                f"hoặc dừng bất thường (tệp quá lớn hoặc bị hỏng). {send}")
    if message == sandbox.too_slow(path, seconds):
        return f"Không đọc được báo cáo '{path.name}': đọc quá {formatting.number(seconds)} giây nên đã dừng. {send}"
    if message == sandbox.unexpected(path):
        return (f"Không đọc được báo cáo '{path.name}' do lỗi không lường trước của chương trình đọc (đã ghi vào nhật ký). "
                f"{send}")
    return message


def _extract(path: Path, chosen: Unit | None, dim: units.Dimension) -> Extraction:
    return analyse(read.read_document(path), chosen, dim)


def analyse(document: Document, chosen: Unit | None = None, dim: units.Dimension | None = None) -> Extraction:
    """The figures of a document already read (in this process: the caller has the file's text in hand)."""
    dim = dim or units.dimension()
    passages = text.passages(document.blocks)
    joined = " ".join(p.text for p in passages)
    found = units.find(joined, dim)
    unit = _unit(chosen, found)
    doc_type, report_period = title_facts(joined)
    reading = figures.read(passages, figures.Reading(unit, dim, doc_type == "plan", report_period))
    review.review(reading.figures, report_period)
    stated = ([(0, report_period)] if report_period else []) + reading.stated
    return Extraction(document.name, document.kind, doc_type, unit, reading.figures, _distinct(stated),
                      document.notes + _unit_notes(chosen, found), document.pages, report_period)


def title_facts(joined: str) -> tuple[str, Period | None]:
    """('report' | 'plan', the period the title states) from the first title word in capitals."""
    m = _TITLE.search(joined[:4000])
    if not m:
        return "report", None
    title = joined[m.start():m.start() + 300]
    end = _TITLE_END.search(title, len(m.group(0)))
    found = periods.find(title[:end.start()] if end else title)
    return ("report" if m.group(1) == "BÁO CÁO" else "plan"), (found[0][2] if found else None)


def _distinct(stated: list[tuple[int, Period]]) -> list[tuple[int, Period]]:
    seen, out = set(), []
    for paragraph, period in stated:
        key = (period.kind, period.start, period.end)
        if key not in seen:
            seen.add(key)
            out.append((paragraph, period))
    return out


def _unit(chosen: Unit | None, found: Unit) -> Unit:
    """The unit chosen by hand, except that a report a former unit signs stays that unit's (never credited to today's)."""
    if chosen is None or (found.kind == "former" and found.confidence >= 0.9 and chosen.code != found.code):
        return found
    return chosen


def _unit_notes(chosen: Unit | None, found: Unit) -> list[str]:
    if chosen and found.kind == "former" and found.confidence >= 0.9:
        return [f"văn bản là báo cáo của {found.name} ({found.how}); số liệu không ghi cho {chosen.name} dù đã chọn bằng tay"]
    if chosen and found.kind != "unknown" and found.name != chosen.name:
        return [f"đơn vị chọn bằng tay ({chosen.name}) khác đơn vị đọc từ văn bản ({found.name}, {found.how})"]
    return []


def summary(extraction: Extraction) -> list[str]:
    """The Vietnamese summary the command line prints and the page shows."""
    unit = extraction.unit
    code = f" (mã {unit.code})" if unit.code else ""
    kind = {"former": " — đơn vị cũ, trước 01/7/2025", "province": " — cấp tỉnh", "unknown": ""}.get(unit.kind, "")
    lines = [f"Báo cáo '{extraction.source}' ({extraction.kind}, {'kế hoạch' if extraction.doc_type == 'plan' else 'báo cáo'})",
             f"Đơn vị báo cáo: {unit.name}{code}{kind} — {unit.how}"]
    if unit.note:
        lines.append(f"  {unit.note}")
    labels = "; ".join(p.label() for _, p in extraction.periods) or "không nêu"
    lines.append(f"Kỳ nêu trong báo cáo: {labels}")
    taken = _distinct([(0, f.period) for f in extraction.used if f.period])
    if taken:
        lines.append(f"Kỳ của số liệu dùng được: {'; '.join(p.label() for _, p in taken)}")
    used = extraction.used
    per = ", ".join(f"{name} {sum(f.dataset == name for f in used)}" for name in extraction.datasets())
    lines.append(f"Số liệu dùng được: {formatting.number(len(used))}{f' ({per})' if per else ''}; "
                 f"không dùng: {formatting.number(len(extraction.not_used))}")
    lines += [f"Lưu ý: {note}" for note in extraction.notes]
    return lines
