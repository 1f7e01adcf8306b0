"""The one table from the words of the reports to the warehouse's columns.

A concept is found in the label of a figure — the words before the number ('Tổng số hồ sơ đã giải
quyết: 3.681/3.781 hồ sơ'), or after it when the number comes first ('có 26 trạm phát sóng', '100% các
thôn … phủ sóng 4G'). Every pattern of `groups` must be found (regular expressions on the lower-cased
label); the concept with the most groups wins, then the one whose words end nearest the number, then
the longest. A concept names where each shape of its figure goes: a count, a rate (a percentage, or
per 100 people), an official rank 'x/96', the n of 'x/n'; `variants` for the partial ('một phần') and
full-process ('toàn trình') online services. A concept without a dataset is known not to be held
(bank accounts, smartphones …): its figures are listed as not used with that reason.

Column names follow warehouse/datasets.py (rates `<metric>_reported`, ranks `<metric>_official_rank`,
`reported_population`); a column missing from the registry at run time is said, never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Concept:
    name: str
    label: str  # what it is, in Vietnamese, for the reasons a figure is not used
    groups: tuple[str, ...]
    dataset: str | None = None
    count: str | None = None
    rate: str | None = None
    rank: str | None = None
    whole: str | None = None
    forbid: str | None = None  # a label with these words is not this concept
    units: str | None = None  # a count's unit word must match (no unit word: accepted)
    after: str | None = None  # when the label follows a percentage: what must come right after 'X%'
    per100_only: bool = False  # a bare percentage is ambiguous: only '/100 dân' reads as the rate
    variants: dict[str, dict[str, str | None]] = field(default_factory=dict)


_VILLAGES = r"(?:các |số |tổng số )?(?:thôn|tổ dân phố|khu dân cư|làng)"
_DOSSIERS = r"(?:các |số |tổng số )?hồ sơ"

CONCEPTS: tuple[Concept, ...] = (
    # ---- dvctt: hồ sơ thủ tục hành chính, dịch vụ công trực tuyến
    Concept("received_total", "tổng số hồ sơ tiếp nhận",
            (r"tiếp nhận và giải quyết|tiếp nhận|tổng số (?:lượng )?hồ sơ|hồ sơ tiếp nhận",),
            "dvctt", count="received_total", units=r"hồ sơ",
            variants={"partial": {"count": "partial_received"}, "full": {"count": "full_received"}}),
    Concept("received_online", "hồ sơ tiếp nhận trực tuyến", (r"trực tuyến", r"tiếp nhận|hồ sơ|nộp"),
            "dvctt", count="received_online", rate="online_rate_pct_reported", whole="received_total",
            forbid=r"thanh toán", units=r"hồ sơ", after=_DOSSIERS,
            variants={"partial": {"count": "partial_online", "rate": "partial_online_rate_pct_reported",
                                  "whole": "partial_received"},
                      "full": {"count": "full_online", "rate": "full_online_rate_pct_reported", "whole": "full_received"}}),
    Concept("received_direct", "hồ sơ tiếp nhận trực tiếp, bưu chính",
            (r"trực tiếp|bưu chính|nơi giải quyết|bộ phận một cửa", r"tiếp nhận|hồ sơ|nộp"),
            "dvctt", count="received_direct", whole="received_total", units=r"hồ sơ",
            variants={"partial": {"count": None, "whole": "partial_received"},
                      "full": {"count": None, "whole": "full_received"}}),
    Concept("resolved_total", "hồ sơ đã giải quyết", (r"giải quyết",), "dvctt", count="resolved_total",
            rate="resolved_rate_pct_reported", whole="received_total", forbid=r"\bđang\b|nơi giải quyết|văn bản",
            units=r"hồ sơ"),
    Concept("resolved_on_time", "hồ sơ giải quyết trước hạn, đúng hạn",
            (r"giải quyết|xử lý", r"(?:trước|đúng)\s+(?:hạn|hẹn)"), "dvctt", count="resolved_on_time",
            rate="on_time_rate_pct_reported", whole="resolved_total", forbid=r"\bđang\b|văn bản", units=r"hồ sơ"),
    Concept("resolved_late", "hồ sơ giải quyết quá hạn", (r"giải quyết|xử lý", r"quá hạn|trễ hạn|trễ hẹn"),
            "dvctt", count="resolved_late", whole="resolved_total", forbid=r"\bđang\b|văn bản", units=r"hồ sơ"),
    Concept("pending_total", "hồ sơ đang giải quyết", (r"đang (?:giải quyết|xử lý)",), "dvctt",
            count="pending_total", whole="received_total", units=r"hồ sơ"),
    Concept("pending_overdue", "hồ sơ đang giải quyết quá hạn", (r"đang (?:giải quyết|xử lý)", r"quá hạn|trễ hạn"),
            "dvctt", count="pending_overdue", whole="pending_total", units=r"hồ sơ"),
    Concept("pending_in_time", "hồ sơ đang giải quyết trong hạn", (r"đang (?:giải quyết|xử lý)", r"trong hạn"),
            "dvctt", whole="pending_total"),
    Concept("withdrawn", "hồ sơ rút", (r"\brút\b",), "dvctt", count="withdrawn", whole="received_total", units=r"hồ sơ"),
    Concept("procedures", "số thủ tục hành chính cung cấp trực tuyến",
            (r"thủ tục hành chính|tthc|dịch vụ công", r"cung cấp|(?:tổng )?số (?:lượng )?(?:thủ tục|tthc|dịch vụ)"),
            "dvctt", units=r"tthc|thủ tục|dịch vụ",
            variants={"partial": {"count": "partial_procedures"}, "full": {"count": "full_procedures"}}),
    Concept("digitized_dossiers", "hồ sơ được số hóa khi tiếp nhận", (r"số hóa|số hoá", r"hồ sơ|tiếp nhận"),
            "dvctt", count="digitized_dossiers", rate="digitized_dossiers_pct_reported", whole="received_total",
            forbid=r"kết quả", units=r"hồ sơ", after=_DOSSIERS),
    Concept("digitized_results", "kết quả giải quyết được số hóa", (r"số hóa|số hoá", r"kết quả"), "dvctt",
            count="digitized_results", rate="digitized_results_pct_reported", whole="resolved_total", units=r"hồ sơ|kết quả",
            after=r"(?:các |số )?(?:kết quả|hồ sơ)"),
    Concept("paid_online", "hồ sơ thanh toán trực tuyến", (r"thanh toán", r"trực tuyến"), "dvctt",
            count="paid_online", rate="online_payment_pct_reported", whole="fee_dossiers", units=r"hồ sơ",
            after=_DOSSIERS),
    Concept("fee_dossiers", "hồ sơ có phí", (r"hồ sơ", r"có phí|phí, lệ phí|thu phí"), "dvctt",
            count="fee_dossiers", units=r"hồ sơ"),
    # ---- bdhvs: Bình dân học vụ số
    Concept("learners", "số học viên tham gia", (r"học viên|người (?:tham gia )?học",), "bdhvs", count="learners",
            rank="learners_official_rank", units=r"học viên|người"),
    Concept("learners_by_population", "thống kê theo dân số", (r"theo (?:tỷ lệ )?dân số|trên dân số",), "bdhvs",
            count="learners", rank="learners_per_1000_official_rank", units=r"học viên|người"),
    Concept("topics_completed", "số chuyên đề hoàn thành", (r"chuyên đề",), "bdhvs", count="topics_completed",
            rank="topics_completed_official_rank", units=r"chuyên đề"),
    Concept("certificates", "số chứng nhận đạt được", (r"chứng nhận",), "bdhvs", count="certificates",
            rank="certificates_official_rank", units=r"(?:giấy )?chứng nhận|người"),
    # ---- broadband: hạ tầng số
    Concept("coverage_4g", "thôn, tổ dân phố có sóng 4G", (r"\b4g\b", r"phủ sóng|sóng|thôn|tổ dân phố|khu dân cư"),
            "broadband", count="villages_4g", rate="coverage_4g_pct_reported", whole="villages_total",
            forbid=r"trạm|\bbts\b", units=r"thôn|tổ dân phố", after=_VILLAGES),
    Concept("coverage_5g", "tỷ lệ phủ sóng 5G", (r"\b5g\b", r"phủ sóng|sóng|băng rộng"), "broadband",
            rate="coverage_5g_pct", forbid=r"trạm|\bbts\b", after=_VILLAGES + r"|(?:diện tích|dân số|người dân)"),
    Concept("bts_5g", "trạm BTS 5G", (r"\b5g\b", r"trạm|\bbts\b")),
    Concept("bts", "số trạm BTS", (r"trạm (?:phát sóng|thu phát sóng|bts)|\bbts\b|trạm phát",), "broadband",
            count="bts_stations", forbid=r"\b5g\b", units=r"trạm"),
    Concept("villages_total", "tổng số thôn, tổ dân phố", (r"(?:tổng )?số thôn|thôn, tổ dân phố|\btổ dân phố|\bthôn\b",),
            "broadband", count="villages_total", forbid=r"\b[45]g\b|công nghệ số|sóng", units=r"thôn|tổ dân phố"),
    Concept("fibre_households", "hộ sử dụng cáp quang", (r"cáp quang", r"\bhộ\b"), "broadband",
            count="fibre_households", rate="fibre_household_pct_reported", whole="households", units=r"hộ",
            after=r"(?:các |số )?hộ"),
    Concept("households", "tổng số hộ", (r"tổng số hộ|số hộ(?: gia đình)?|hộ gia đình",), "broadband",
            count="households", forbid=r"cáp quang|internet|kinh doanh|nghèo", units=r"hộ"),
    Concept("fixed_broadband", "thuê bao băng rộng cố định", (r"băng rộng cố định|internet cố định",), "broadband",
            count="fixed_broadband_subs", rate="fixed_broadband_per_100_reported", units=r"thuê bao", per100_only=True),
    Concept("mobile_broadband", "hạ tầng băng rộng di động", (r"băng rộng di động",),
            forbid=r"\b5g\b"),
    Concept("mobile_subs", "thuê bao di động", (r"thuê bao", r"di động"), "broadband", count="mobile_subs",
            rate="mobile_subs_per_100_reported", whole="reported_population", forbid=r"băng rộng", units=r"thuê bao"),
    Concept("population", "dân số", (r"dân số|số dân|nhân khẩu",), "broadband", count="reported_population",
            forbid=r"tài khoản|trưởng thành|độ tuổi|tuổi", units=r"người|dân|nhân khẩu"),
    # ---- known, and held by no dataset
    Concept("bank_accounts", "tài khoản ngân hàng", (r"tài khoản", r"ngân hàng|giao dịch|thanh toán")),
    Concept("smartphones", "điện thoại thông minh", (r"điện thoại thông minh|smartphone",)),
    Concept("internet_users", "người sử dụng internet", (r"sử dụng internet|dùng internet|truy cập internet",)),
    Concept("digital_signatures", "chữ ký số, chứng thư số", (r"chữ ký số|chứng thư số",)),
    Concept("digital_identity", "tài khoản định danh điện tử", (r"định danh|vneid",)),
)

_COMPILED = {c.name: ([re.compile(g) for g in c.groups], re.compile(c.forbid) if c.forbid else None) for c in CONCEPTS}
BY_NAME = {c.name: c for c in CONCEPTS}


_SERVICE_KIND = re.compile(r"(?:dịch vụ công trực tuyến|dvctt)\s*:?\s*(?=toàn trình|một phần)")


def best(label: str) -> tuple[Concept | None, int]:
    """The concept a label names, and the position (in `label`) where its words start; (None, -1) when none.
    'Dịch vụ công trực tuyến toàn trình' names a kind of service (variant_of), not dossiers received online."""
    text = _SERVICE_KIND.sub(lambda m: " " * len(m.group(0)), label.lower())
    choice, score, start = None, (0, -1, 0), -1
    for concept in CONCEPTS:
        groups, forbid = _COMPILED[concept.name]
        if forbid and forbid.search(text):
            continue
        found = [_last(g, text) for g in groups]
        if not all(found):
            continue
        candidate = (len(groups), max(m.end() for m in found), sum(m.end() - m.start() for m in found))
        if candidate > score:
            choice, score, start = concept, candidate, min(m.start() for m in found)
    return choice, start


def first_start(concept: Concept, label: str) -> int:
    """Where the concept's words first appear in a label (for a label that follows its number)."""
    text = label.lower()
    return min((m.start() for g in _COMPILED[concept.name][0] if (m := g.search(text))), default=-1)


def _last(pattern: re.Pattern, text: str) -> re.Match | None:
    last = None
    for last in pattern.finditer(text):  # noqa: B007 (the last match is the one nearest the number)
        pass
    return last


def variant_of(text: str) -> str | None:
    """'partial' or 'full' when the text speaks of one kind of online service (the one named last)."""
    found = list(re.finditer(r"toàn trình|một phần", text.lower()))
    if not found:
        return None
    return "full" if found[-1].group(0) == "toàn trình" else "partial"


def columns(concept: Concept, variant: str | None) -> dict[str, str | None]:
    """count / rate / rank / whole columns of a concept, for the partial or full services when the text says so
    (None where the dataset has no such column)."""
    base = {"count": concept.count, "rate": concept.rate, "rank": concept.rank, "whole": concept.whole}
    if variant and variant in concept.variants:
        return {**base, "rate": None, "whole": None, **concept.variants[variant]}
    if variant and concept.dataset == "dvctt":  # the dataset does not split this figure by kind of service
        return dict.fromkeys(base)
    return base
