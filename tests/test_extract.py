"""The province's three reports, as .txt, .docx and text PDF: the figures each states, listed by hand from the .txt.

004 is xã Mỏ Cày's report on Resolution 57 (hồ sơ TTHC 01/07–30/10/2025, Bình dân học vụ số on 03/11 and
18/11/2025); 002 is huyện Minh Long's half-year report, a district from before the July 2025 merger: its
figures are read and never credited to today's units; 001 is đặc khu Lý Sơn's action plan: its numbers are
targets, none is used.
"""

from datetime import date
from pathlib import Path

import pytest

from warehouse.extract import read, run
from warehouse.extract.model import Extraction, Figure
from warehouse.extract.review import period_key

REPORTS = Path(__file__).parent / "fixtures" / "reports"
MO_CAY, MINH_LONG, LY_SON_PLAN = "004_c896218ea5f897fb", "002_b933e74b76ef5e7e", "001_4aa46abef3988088"
FORMATS = ("txt", "docx", "pdf")

DVCTT = {"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 30)}
NOV3, NOV18 = {"snapshot_date": date(2025, 11, 3)}, {"snapshot_date": date(2025, 11, 18)}
# (dataset, column, value, unit as written, period columns), from reports/004_c896218ea5f897fb.txt
MO_CAY_FIGURES = [
    ("dvctt", "received_total", 3781, "hồ sơ", DVCTT),  # Tổng số lượng hồ sơ tiếp nhận: 3.781 hồ sơ
    ("dvctt", "received_online", 3276, "hồ sơ", DVCTT),  # tiếp nhận trực tuyến: 3.276 hồ sơ
    ("dvctt", "online_rate_pct_reported", 86.6, "%", DVCTT),  # (chiếm 86.6%)
    ("dvctt", "received_direct", 505, "hồ sơ", DVCTT),  # trực tiếp và dịch vụ bưu chính: 505 hồ sơ
    ("dvctt", "resolved_total", 3681, "hồ sơ", DVCTT),  # đã giải quyết: 3.681/3.781 hồ sơ
    ("dvctt", "resolved_rate_pct_reported", 97.4, "%", DVCTT),
    ("dvctt", "resolved_on_time", 3679, "hồ sơ", DVCTT),  # trước hạn, đúng hạn: 3.679/3.681 hồ sơ
    ("dvctt", "on_time_rate_pct_reported", 99.95, "%", DVCTT),
    ("dvctt", "resolved_late", 2, "hồ sơ", DVCTT),  # quá hạn 02/3.681 hồ sơ
    ("dvctt", "pending_total", 66, "hồ sơ", DVCTT),  # đang giải quyết: 66/3.781 hồ sơ
    ("dvctt", "pending_overdue", 0, "hồ sơ", DVCTT),  # đang giải quyết nhưng quá hạn: 0 hồ sơ
    ("dvctt", "withdrawn", 34, "hồ sơ", DVCTT),  # rút hồ sơ: 34 hồ sơ
    ("dvctt", "partial_procedures", 233, "TTHC", DVCTT),  # * DVCTT một phần: … 233 TTHC
    ("dvctt", "partial_received", 2858, "hồ sơ", DVCTT),
    ("dvctt", "partial_online", 2458, "hồ sơ", DVCTT),
    ("dvctt", "partial_online_rate_pct_reported", 86, "%", DVCTT),
    ("dvctt", "full_procedures", 143, "TTHC", DVCTT),  # * DVCTT toàn trình: … 143 TTHC
    ("dvctt", "full_received", 785, "hồ sơ", DVCTT),
    ("dvctt", "full_online", 783, "hồ sơ", DVCTT),
    ("dvctt", "full_online_rate_pct_reported", 99.7, "%", DVCTT),
    ("dvctt", "digitized_dossiers_pct_reported", 100, "%", DVCTT),  # số hóa TTHC khi tiếp nhận đạt 100%
    ("dvctt", "digitized_results_pct_reported", 100, "%", DVCTT),  # số hóa kết quả giải quyết TTHC đạt 100%
    ("dvctt", "online_payment_pct_reported", 93, "%", DVCTT),  # tỷ lệ thanh toán trực tuyến đạt 93%
    ("bdhvs", "learners", 3118, "học viên", NOV3),  # Kết quả học tập đến ngày 03/11/2025
    ("bdhvs", "learners_official_rank", "7/96", "xã", NOV3),
    ("bdhvs", "topics_completed", 11763, "chuyên đề", NOV3),
    ("bdhvs", "topics_completed_official_rank", "6/96", "xã", NOV3),
    ("bdhvs", "certificates", 2167, "giấy chứng nhận", NOV3),
    ("bdhvs", "certificates_official_rank", "6/96", "xã", NOV3),
    ("bdhvs", "learners_per_1000_official_rank", "11/96", "xã", NOV3),  # Thống kê theo dân số: …, xếp hạng 11/96
    ("bdhvs", "learners", 4365, "học viên", NOV18),  # Kết quả học tập đến ngày 18/11/2025
    ("bdhvs", "learners_official_rank", "11/96", "xã", NOV18),
    ("bdhvs", "topics_completed", 16275, "chuyên đề", NOV18),
    ("bdhvs", "topics_completed_official_rank", "10/96", "xã", NOV18),
    ("bdhvs", "certificates", 2993, "giấy chứng nhận", NOV18),
    ("bdhvs", "certificates_official_rank", "10/96", "xã", NOV18),
    ("bdhvs", "learners_per_1000_official_rank", "17/96", "xã", NOV18),
]
# figures Mỏ Cày states that must not be used: (as written, words of the reason)
MO_CAY_NOT_USED = [
    ("99,9%", "khác với"),  # 'Tỷ lệ giải quyết TTHC đúng hẹn, trước hẹn đạt 99,9%' against 99,95 % with its counts
    ("trên 30%", "không rõ kỳ"),  # 5G: the report says no period for its infrastructure
    ("trên 90%", "băng rộng di động"),  # mobile broadband: no dataset holds it
    ("trên 80%", "không rõ tính trên gì"),  # fixed broadband as a bare percentage
    ("ít nhất 80%", "chỉ tiêu"),  # Phấn đấu đạt các chỉ tiêu: …
    ("khoảng 479.000.000 đồng", "không gắn được"),
    ("13.4%", "không có cột"),  # the share received directly: the warehouse computes it
]
H1 = {"period_start": date(2025, 1, 1), "period_end": date(2025, 6, 30)}
TO_MAY23 = {"period_start": date(2025, 1, 1), "period_end": date(2025, 5, 23)}
# Minh Long: read and placed, never credited (dataset, column, value, period columns)
MINH_LONG_FIGURES = [
    ("dvctt", "received_total", 1686, TO_MAY23),  # Tính đến ngày 23/5/2025, … đã tiếp nhận và giải quyết 1.686 hồ sơ
    ("dvctt", "received_online", 1644, TO_MAY23),
    ("dvctt", "received_direct", 47, TO_MAY23),  # hồ sơ tiếp nhận nơi giải quyết TTHC 47 hồ sơ
    ("dvctt", "online_rate_pct_reported", 97.5, TO_MAY23),
    ("dvctt", "digitized_dossiers_pct_reported", 99.92, H1),  # 6 tháng đầu năm 2025 (the title)
    ("dvctt", "digitized_results_pct_reported", 99.74, H1),
    ("broadband", "bts_stations", 26, {"period": date(2025, 6, 30)}),
    ("broadband", "coverage_4g_pct_reported", 100, {"period": date(2025, 6, 30)}),
]


@pytest.fixture(scope="module")
def extractions() -> dict[tuple[str, str], Extraction]:
    return {(stem, ext): run.analyse(read.read_document(REPORTS / f"{stem}.{ext}"))
            for stem in (MO_CAY, MINH_LONG, LY_SON_PLAN) for ext in FORMATS}


def placed(extraction: Extraction, used: bool = True) -> dict[tuple, Figure]:
    """{(dataset, column, period columns): figure} of the used (or of every placed) figure other than a whole of x/n."""
    return {(f.dataset, f.column, period_key(f, extraction.report_period)): f for f in extraction.figures
            if f.column and f.role != "whole" and (f.used or not used)}


def key(dataset: str, column: str, period: dict) -> tuple:
    return dataset, column, tuple(sorted(period.items()))


@pytest.mark.parametrize("ext", FORMATS)
def test_mo_cay_is_read_as_xa_mo_cay(extractions, ext):
    unit = extractions[MO_CAY, ext].unit
    assert (unit.name, unit.code, unit.kind) == ("Xã Mỏ Cày", "21421", "current")
    assert "báo cáo" in unit.how and unit.confidence >= 0.9  # 'UBND xã Mỏ Cày báo cáo tình hình …'


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("dataset, column, value, unit, period", MO_CAY_FIGURES, ids=lambda v: str(v)[:30])
def test_mo_cay_states_these_figures(extractions, ext, dataset, column, value, unit, period):
    figure = placed(extractions[MO_CAY, ext]).get(key(dataset, column, period))
    assert figure is not None, f"{column} {period}"
    assert figure.value == value and figure.unit == unit and figure.unit_code == "21421"
    assert figure.sentence and figure.where and figure.confidence >= 0.5


@pytest.mark.parametrize("ext", FORMATS)
def test_mo_cay_uses_nothing_else(extractions, ext):
    extraction = extractions[MO_CAY, ext]
    assert len(extraction.used) - sum(f.role == "whole" for f in extraction.used) == len(MO_CAY_FIGURES)
    assert extraction.datasets() == ["bdhvs", "dvctt"]


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("written, why", MO_CAY_NOT_USED)
def test_mo_cay_lists_what_it_does_not_use_with_why(extractions, ext, written, why):
    figure = next(f for f in extractions[MO_CAY, ext].figures if f.text.startswith(written))
    assert not figure.used and why in figure.reason and figure.sentence


def test_mo_cay_conflict_keeps_the_rate_given_with_its_counts(extractions):
    figures = placed(extractions[MO_CAY, "txt"])
    assert figures[key("dvctt", "on_time_rate_pct_reported", DVCTT)].value == 99.95
    late = next(f for f in extractions[MO_CAY, "txt"].figures if f.text == "99,9%")
    assert "99,95%" in late.reason  # the analyst sees both


@pytest.mark.parametrize("ext", FORMATS)
def test_mo_cay_periods(extractions, ext):
    labels = [p.label() for _, p in extractions[MO_CAY, ext].periods]
    assert {"đến ngày 03/11/2025", "đến ngày 18/11/2025", "01/07–30/10/2025"} <= set(labels)


@pytest.mark.parametrize("ext", FORMATS)
def test_minh_long_is_a_former_district_and_nothing_is_credited(extractions, ext):
    extraction = extractions[MINH_LONG, ext]
    assert (extraction.unit.name, extraction.unit.code, extraction.unit.kind) == ("Huyện Minh Long", None, "former")
    assert "Xã Minh Long (mã 21361)" in extraction.unit.note and "Xã Sơn Mai (mã 21349)" in extraction.unit.note
    assert extraction.used == [] and all(f.unit_code is None for f in extraction.figures)


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("dataset, column, value, period", MINH_LONG_FIGURES, ids=lambda v: str(v)[:30])
def test_minh_long_figures_are_read_and_listed_as_a_former_units(extractions, ext, dataset, column, value, period):
    extraction = extractions[MINH_LONG, ext]
    figure = placed(extraction, used=False).get(key(dataset, column, period))
    assert figure is not None and figure.value == value
    assert "đơn vị cũ" in figure.reason


@pytest.mark.parametrize("ext", FORMATS)
def test_minh_long_states_its_own_period(extractions, ext):
    assert extractions[MINH_LONG, ext].report_period.label() == "01/01–30/06/2025"  # 06 tháng đầu năm 2025


def test_minh_long_bts_breakdown_is_a_part_not_the_total(extractions):
    nine = next(f for f in extractions[MINH_LONG, "pdf"].figures if f.text == "9 trạm")  # VNPT 9 trạm
    assert "một phần" in nine.reason


@pytest.mark.parametrize("ext", FORMATS)
def test_ly_son_plan_states_targets_and_none_is_used(extractions, ext):
    extraction = extractions[LY_SON_PLAN, ext]
    assert (extraction.unit.name, extraction.unit.code) == ("Đặc khu Lý Sơn", "21548")
    assert extraction.doc_type == "plan" and extraction.used == [] and len(extraction.figures) > 50
    assert all("kế hoạch" in f.reason for f in extraction.figures)
    five_g = [f for f in extraction.figures if f.concept == "coverage_5g"]  # 1.1 Tỷ lệ phủ sóng 5G … % 50 100 …
    assert five_g and five_g[0].value == 50


def test_the_sandboxed_reader_gives_the_same_figures(extractions):
    """extract_report parses in the sandbox's limited child process; the figures do not change."""
    extraction = run.extract_report(REPORTS / f"{MO_CAY}.pdf")
    assert [(f.column, f.value) for f in extraction.used] == [(f.column, f.value) for f in extractions[MO_CAY, "pdf"].used]


def test_summary_is_vietnamese(extractions):
    lines = run.summary(extractions[MO_CAY, "docx"])
    assert "Đơn vị báo cáo: Xã Mỏ Cày (mã 21421)" in lines[1]
    assert any(line.startswith("Số liệu dùng được: 37 (bdhvs 14, dvctt 23); không dùng:") for line in lines)
