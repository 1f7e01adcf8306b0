"""The dataset registry: canonical columns, Vietnamese header aliases, keys.

This is the upload contract of DESIGN.md in code. Every other module takes
table and column names from here, never from user input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds: how a cell is parsed and which DuckDB type stores it.
SQL_TYPES = {
    "code": "VARCHAR",  # 5-digit commune code
    "text": "VARCHAR",
    "date": "DATE",
    "int": "BIGINT",  # non-negative count
    "num": "DOUBLE",  # non-negative number
    "pct": "DOUBLE",  # 0-100
    "year": "INTEGER",
    "rank": "VARCHAR",  # an official rank with its n, '7/96'
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    label: str  # the Vietnamese header shown to analysts
    aliases: tuple[str, ...] = ()

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str  # Vietnamese name of the dataset
    short: str  # in tables and badges: 'DVCTT'
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    # at least one of these must be present (e.g. broadband measures)
    one_of: tuple[str, ...] = ()
    # (part, whole): part <= whole, an error when broken
    parts: tuple[tuple[str, str], ...] = ()
    # (name, parts, whole): sum(parts) == whole, a warning when broken
    sums: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    has_commune: bool = True  # rows name a commune that must be resolved against the dimension
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, kind: str, label: str, *aliases: str) -> Column:
    return Column(name, kind, label, (label, *aliases))


COMMUNE_CODE = _c("commune_code", "code", "Mã xã", "Mã ĐVHC", "Mã đơn vị", "Mã đơn vị hành chính", "Mã xã, phường")
COMMUNE_NAME = _c(
    "commune_name", "text", "Tên xã", "Tên đơn vị", "Tên ĐVHC", "Xã, phường, đặc khu", "Đơn vị",
    "Tên đơn vị hành chính", "Xã", "Xã/phường", "Xã, phường", "Địa phương", "Tên xã, phường, đặc khu",
)

# the population a report divides by ("18.019/19.080 dân số"); without it, the communes dimension's
REPORTED_POPULATION = _c("reported_population", "int", "Dân số", "Dân số (người)", "Dân số báo cáo")

COMMUNES = Dataset(
    name="communes",
    title="Danh mục đơn vị hành chính",
    short="Danh mục xã",
    key=("commune_code",),
    columns=(
        COMMUNE_CODE,
        COMMUNE_NAME,
        _c("unit_type", "text", "Loại", "Cấp", "Loại đơn vị", "Loại hình"),
        _c("former_district", "text", "Huyện cũ", "Quận, huyện cũ", "Huyện (cũ)"),
        _c("former_province", "text", "Tỉnh cũ", "Tỉnh (cũ)"),
        _c("merged_from", "text", "Đơn vị cũ sáp nhập", "Sáp nhập từ", "Đơn vị cũ"),
        _c("population", "int", "Dân số", "Dân số (người)", "Dân số (ước tính)", "Quy mô dân số"),
        _c("area_km2", "num", "Diện tích (km²)", "Diện tích", "Diện tích (km2)", "Diện tích tự nhiên (km²)"),
        # optional validity of a unit, for later reorganisations
        _c("valid_from", "date", "Hiệu lực từ ngày", "Hiệu lực từ", "Ngày hiệu lực"),
        _c("valid_to", "date", "Hiệu lực đến ngày", "Hết hiệu lực từ ngày", "Ngày hết hiệu lực"),
    ),
    required=("commune_code", "commune_name", "unit_type"),
    has_commune=False,  # it defines the communes: nothing to resolve against
)

BROADBAND = Dataset(
    name="broadband",
    title="Hạ tầng số",
    short="Hạ tầng số",
    key=("commune_code", "period"),
    columns=(
        COMMUNE_CODE,
        COMMUNE_NAME,
        _c("period", "date", "Kỳ báo cáo", "Tháng", "Kỳ", "Tháng báo cáo"),
        _c("villages_total", "int", "Tổng số thôn, tổ dân phố", "Số thôn, tổ dân phố", "Tổng số thôn"),
        _c("villages_4g", "int", "Số thôn có sóng 4G", "Thôn có sóng 4G", "Số thôn, tổ dân phố có sóng 4G"),
        _c("coverage_5g_pct", "pct", "Tỷ lệ phủ sóng 5G (%)", "Tỷ lệ phủ sóng 5G", "Phủ sóng 5G (%)"),
        _c("bts_stations", "int", "Số trạm BTS", "Trạm BTS", "Số trạm phát sóng BTS"),
        _c("fixed_broadband_subs", "int", "Thuê bao băng rộng cố định", "Số thuê bao băng rộng cố định"),
        _c("households", "int", "Tổng số hộ", "Số hộ", "Số hộ gia đình", "Tổng số hộ gia đình"),
        _c("fibre_households", "int", "Số hộ sử dụng cáp quang", "Hộ sử dụng cáp quang", "Số hộ có cáp quang"),
        _c("mobile_subs", "int", "Thuê bao di động", "Số thuê bao di động", "Thuê bao điện thoại di động"),
        REPORTED_POPULATION,
        # rates as the report gives them, where it gives no counts (counts win where both are given)
        _c("coverage_4g_pct_reported", "pct", "Tỷ lệ thôn, tổ dân phố có sóng 4G (%)", "Tỷ lệ phủ sóng 4G (%)",
           "Tỷ lệ phủ sóng 4G", "Phủ sóng 4G (%)", "Tỷ lệ thôn có sóng 4G (%)", "Tỷ lệ thôn có sóng 4G"),
        _c("fibre_household_pct_reported", "pct", "Tỷ lệ hộ sử dụng cáp quang (%)", "Tỷ lệ hộ sử dụng cáp quang",
           "Tỷ lệ hộ gia đình sử dụng cáp quang (%)", "Tỷ lệ hộ có cáp quang (%)"),
        _c("fixed_broadband_per_100_reported", "num", "Thuê bao băng rộng cố định/100 dân",
           "Thuê bao băng rộng cố định trên 100 dân", "Số thuê bao băng rộng cố định/100 dân",
           "Thuê bao băng rộng cố định / 100 dân"),
        _c("mobile_subs_per_100_reported", "num", "Thuê bao di động/100 dân", "Thuê bao di động trên 100 dân",
           "Số thuê bao di động/100 dân", "Thuê bao di động / 100 dân"),
    ),
    required=("period",),
    one_of=(
        "villages_total", "villages_4g", "coverage_5g_pct", "bts_stations", "fixed_broadband_subs",
        "households", "fibre_households", "mobile_subs", "coverage_4g_pct_reported", "fibre_household_pct_reported",
        "fixed_broadband_per_100_reported", "mobile_subs_per_100_reported",
    ),
    parts=(("villages_4g", "villages_total"), ("fibre_households", "households")),
)

DVCTT = Dataset(
    name="dvctt",
    title="Hồ sơ thủ tục hành chính và dịch vụ công trực tuyến",
    short="DVCTT",
    key=("commune_code", "period_start", "period_end"),
    columns=(
        COMMUNE_CODE,
        COMMUNE_NAME,
        _c("period_start", "date", "Từ ngày", "Ngày bắt đầu", "Từ ngày (kỳ báo cáo)"),
        _c("period_end", "date", "Đến ngày", "Ngày kết thúc", "Đến ngày (kỳ báo cáo)"),
        _c("received_total", "int", "Tổng số hồ sơ tiếp nhận", "Tổng số hồ sơ", "Hồ sơ tiếp nhận", "Số hồ sơ tiếp nhận",
           "Tiếp nhận tổng số"),
        _c("received_online", "int", "Tiếp nhận trực tuyến", "Hồ sơ trực tuyến", "Số hồ sơ trực tuyến",
           "Tiếp nhận trực tuyến (hồ sơ)"),
        _c("received_direct", "int", "Tiếp nhận trực tiếp và bưu chính", "Trực tiếp và bưu chính",
           "Tiếp nhận trực tiếp", "Tiếp nhận trực tiếp, bưu chính", "Trực tiếp, bưu chính công ích"),
        _c("resolved_total", "int", "Đã giải quyết", "Tổng số đã giải quyết", "Số hồ sơ đã giải quyết",
           "Đã giải quyết tổng số"),
        _c("resolved_on_time", "int", "Giải quyết trước hạn, đúng hạn", "Trước hạn, đúng hạn", "Đúng hạn",
           "Đã giải quyết trước hạn, đúng hạn"),
        _c("resolved_late", "int", "Giải quyết quá hạn", "Đã giải quyết quá hạn", "Quá hạn (đã giải quyết)"),
        _c("pending_total", "int", "Đang giải quyết", "Tổng số đang giải quyết", "Đang giải quyết tổng số"),
        _c("pending_overdue", "int", "Đang giải quyết quá hạn", "Đang giải quyết, quá hạn"),
        _c("withdrawn", "int", "Rút hồ sơ", "Hồ sơ rút", "Số hồ sơ rút", "Trả lại, rút hồ sơ"),
        _c("partial_procedures", "int", "DVCTT một phần: số TTHC", "Số TTHC một phần", "Số TTHC DVCTT một phần"),
        _c("partial_received", "int", "DVCTT một phần: hồ sơ tiếp nhận", "Hồ sơ tiếp nhận DVCTT một phần",
           "DVCTT một phần: số hồ sơ tiếp nhận"),
        _c("partial_online", "int", "DVCTT một phần: tiếp nhận trực tuyến", "Tiếp nhận trực tuyến DVCTT một phần",
           "DVCTT một phần: số hồ sơ trực tuyến"),
        _c("full_procedures", "int", "DVCTT toàn trình: số TTHC", "Số TTHC toàn trình", "Số TTHC DVCTT toàn trình"),
        _c("full_received", "int", "DVCTT toàn trình: hồ sơ tiếp nhận", "Hồ sơ tiếp nhận DVCTT toàn trình",
           "DVCTT toàn trình: số hồ sơ tiếp nhận"),
        _c("full_online", "int", "DVCTT toàn trình: tiếp nhận trực tuyến", "Tiếp nhận trực tuyến DVCTT toàn trình",
           "DVCTT toàn trình: số hồ sơ trực tuyến"),
        _c("digitized_dossiers", "int", "Hồ sơ được số hóa khi tiếp nhận", "Số hóa hồ sơ", "Hồ sơ số hóa",
           "Số hồ sơ được số hóa"),
        _c("digitized_results", "int", "Kết quả giải quyết được số hóa", "Số hóa kết quả", "Kết quả số hóa",
           "Số kết quả được số hóa"),
        _c("fee_dossiers", "int", "Hồ sơ có phí", "Số hồ sơ có phí", "Hồ sơ có phí, lệ phí"),
        _c("paid_online", "int", "Thanh toán trực tuyến", "Số hồ sơ thanh toán trực tuyến", "Hồ sơ thanh toán trực tuyến"),
        # rates as the report gives them, where it gives no counts (counts win where both are given)
        _c("online_rate_pct_reported", "pct", "Tỷ lệ tiếp nhận trực tuyến (%)", "Tỷ lệ hồ sơ tiếp nhận trực tuyến (%)",
           "Tỷ lệ hồ sơ trực tuyến (%)", "Tỷ lệ trực tuyến (%)", "Tỷ lệ tiếp nhận trực tuyến"),
        _c("on_time_rate_pct_reported", "pct", "Tỷ lệ giải quyết trước hạn, đúng hạn (%)",
           "Tỷ lệ trước hạn, đúng hạn (%)", "Tỷ lệ đúng hạn (%)", "Tỷ lệ giải quyết đúng hạn (%)"),
        _c("resolved_rate_pct_reported", "pct", "Tỷ lệ hồ sơ đã giải quyết (%)", "Tỷ lệ đã giải quyết (%)"),
        _c("full_online_rate_pct_reported", "pct", "Tỷ lệ trực tuyến DVCTT toàn trình (%)",
           "DVCTT toàn trình: tỷ lệ trực tuyến (%)", "Tỷ lệ hồ sơ trực tuyến DVCTT toàn trình (%)"),
        _c("partial_online_rate_pct_reported", "pct", "Tỷ lệ trực tuyến DVCTT một phần (%)",
           "DVCTT một phần: tỷ lệ trực tuyến (%)", "Tỷ lệ hồ sơ trực tuyến DVCTT một phần (%)"),
        _c("digitized_dossiers_pct_reported", "pct", "Tỷ lệ số hóa hồ sơ (%)", "Tỷ lệ hồ sơ được số hóa (%)",
           "Tỷ lệ số hóa hồ sơ", "Tỷ lệ số hóa hồ sơ khi tiếp nhận (%)"),
        _c("digitized_results_pct_reported", "pct", "Tỷ lệ số hóa kết quả (%)", "Tỷ lệ kết quả được số hóa (%)",
           "Tỷ lệ số hóa kết quả", "Tỷ lệ số hóa kết quả giải quyết (%)"),
        _c("online_payment_pct_reported", "pct", "Tỷ lệ thanh toán trực tuyến (%)", "Tỷ lệ thanh toán trực tuyến"),
    ),
    required=("period_start", "period_end"),
    one_of=(
        "received_total", "received_online", "online_rate_pct_reported", "on_time_rate_pct_reported",
        "full_online_rate_pct_reported", "partial_online_rate_pct_reported", "digitized_dossiers_pct_reported",
        "digitized_results_pct_reported", "online_payment_pct_reported",
    ),
    parts=(
        ("received_online", "received_total"),
        ("received_direct", "received_total"),
        ("resolved_total", "received_total"),
        ("resolved_on_time", "resolved_total"),
        ("resolved_late", "resolved_total"),
        ("pending_total", "received_total"),
        ("pending_overdue", "pending_total"),
        ("withdrawn", "received_total"),
        ("partial_online", "partial_received"),
        ("full_online", "full_received"),
        ("digitized_dossiers", "received_total"),
        ("digitized_results", "resolved_total"),
        ("paid_online", "fee_dossiers"),
    ),
    sums=(
        ("received_split", ("received_online", "received_direct"), "received_total"),
        ("resolved_split", ("resolved_on_time", "resolved_late"), "resolved_total"),
        ("received_outcome", ("resolved_total", "pending_total", "withdrawn"), "received_total"),
    ),
)

BDHVS = Dataset(
    name="bdhvs",
    title="Bình dân học vụ số",
    short="BDHVS",
    key=("commune_code", "snapshot_date"),
    columns=(
        COMMUNE_CODE,
        COMMUNE_NAME,
        _c("snapshot_date", "date", "Ngày số liệu", "Tính đến ngày", "Ngày", "Số liệu đến ngày"),
        _c("learners", "int", "Số học viên tham gia", "Học viên tham gia", "Số học viên", "Số người tham gia"),
        _c("topics_completed", "int", "Số chuyên đề hoàn thành", "Chuyên đề hoàn thành", "Số chuyên đề"),
        _c("certificates", "int", "Số chứng nhận đạt được", "Chứng nhận đạt được", "Số chứng nhận",
           "Số giấy chứng nhận"),
        REPORTED_POPULATION,
        # the ranks the province gave, with their n ('7/96'), kept as the official rank
        _c("learners_official_rank", "rank", "Xếp hạng học viên", "Xếp hạng số học viên", "Thứ hạng học viên",
           "Hạng học viên"),
        _c("topics_completed_official_rank", "rank", "Xếp hạng chuyên đề", "Xếp hạng số chuyên đề",
           "Thứ hạng chuyên đề", "Hạng chuyên đề"),
        _c("certificates_official_rank", "rank", "Xếp hạng chứng nhận", "Xếp hạng số chứng nhận",
           "Thứ hạng chứng nhận", "Hạng chứng nhận"),
        _c("learners_per_1000_official_rank", "rank", "Xếp hạng theo dân số", "Xếp hạng theo tỷ lệ dân số",
           "Thứ hạng theo dân số", "Hạng theo dân số"),
    ),
    required=("snapshot_date", "learners"),
    parts=(("certificates", "learners"),),
)

TARGETS = Dataset(
    name="targets",
    title="Chỉ tiêu kế hoạch",
    short="Chỉ tiêu",
    key=("plan_unit", "indicator_code", "year"),
    columns=(
        # whose plan: 'province' or a commune's code, from the letterhead or as the analyst confirms it (plans.py)
        _c("plan_unit", "code", "Kế hoạch của đơn vị", "Đơn vị ban hành kế hoạch", "Kế hoạch của"),
        _c("indicator_code", "text", "STT", "Mã chỉ tiêu", "Số TT", "TT"),
        _c("indicator_name", "text", "Tên chỉ tiêu", "Chỉ tiêu", "Nội dung chỉ tiêu"),
        _c("unit", "text", "Đơn vị", "Đơn vị tính", "ĐVT"),
        # the wide year columns ("Đến hết năm 2025", "Đến năm 2030") become rows
        # of (year, target_text); see ingest.unpivot_targets
        _c("year", "year", "Năm"),
        _c("target_text", "text", "Chỉ tiêu (nguyên văn)", "Giá trị chỉ tiêu", "Kết quả"),
        _c("responsible_unit", "text", "Cơ quan, đơn vị chủ trì, tham mưu thực hiện", "Cơ quan chủ trì",
           "Đơn vị chủ trì", "Cơ quan, đơn vị chủ trì"),
        _c("monitoring_unit", "text", "Cơ quan theo dõi đánh giá", "Cơ quan theo dõi", "Đơn vị theo dõi"),
    ),
    required=("indicator_code", "indicator_name", "year"),
    has_commune=False,
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (COMMUNES, BROADBAND, DVCTT, BDHVS, TARGETS)}

# The datasets of measures, in the order pages list them, with the heading a page gives each.
MEASURED: dict[str, str] = {"broadband": "Hạ tầng số", "dvctt": "Dịch vụ công trực tuyến", "bdhvs": "Bình dân học vụ số"}

# Counts that cannot exceed ten times a unit's population (plausible.per_person_findings).
PER_PERSON = {
    "broadband": ("villages_total", "villages_4g", "bts_stations", "fixed_broadband_subs", "households",
                  "fibre_households", "mobile_subs"),
    "bdhvs": ("learners", "certificates"),
}

# Meta columns every raw table carries besides the canonical ones.
RAW_META_COLUMNS = (("load_id", "BIGINT"), ("source_row", "INTEGER"))


def get(name: str) -> Dataset:
    """The dataset called `name`; a Vietnamese error listing the known ones otherwise."""
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise ValueError(f"Không có bộ dữ liệu '{name}'. Các bộ dữ liệu: {known}.") from None


def raw_columns(dataset: Dataset) -> list[tuple[str, str]]:
    """(name, SQL type) of the raw table: canonical columns (commune name dropped) + meta."""
    cols = [(c.name, c.sql_type) for c in dataset.columns if c.name != "commune_name" or dataset.name == "communes"]
    return cols + list(RAW_META_COLUMNS)
