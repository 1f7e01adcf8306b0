"""The measures pages offer: mart column, Vietnamese label, unit, direction."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from warehouse import formatting


@dataclass(frozen=True)
class Metric:
    name: str  # the mart column, and `metric` in mart_commune_metrics / mart_province_summary
    dataset: str
    label: str
    unit: str  # pct | count | per100 | per1000
    higher_is_better: bool = True

    def format(self, value: object) -> str:
        if self.unit == "pct":
            return formatting.percent(value)
        if self.unit in ("per100", "per1000"):
            return formatting.number(value, 1)
        return formatting.number(value)

    @property
    def axis_title(self) -> str:
        return {"pct": f"{self.label} (%)"}.get(self.unit, self.label)

    @property
    def long_label(self) -> str:
        """'Dịch vụ công trực tuyến · Tỷ lệ hồ sơ tiếp nhận trực tuyến', for choosers across datasets."""
        return f"{DATASET_LABELS[self.dataset]} · {self.label}"

    def period_text(self, period_end: object) -> str:
        """A period as choosers show it: 'tháng 11/2025' for monthly broadband, else the date '30/10/2025'."""
        if self.dataset == "broadband":
            return f"tháng {pd.Timestamp(period_end):%m/%Y}"
        return formatting.day(period_end)


DATASET_LABELS = {
    "broadband": "Hạ tầng số",
    "dvctt": "Dịch vụ công trực tuyến",
    "bdhvs": "Bình dân học vụ số",
}

METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("coverage_4g_pct", "broadband", "Tỷ lệ thôn, tổ dân phố có sóng 4G", "pct"),
    Metric("coverage_5g_pct", "broadband", "Tỷ lệ phủ sóng 5G", "pct"),
    Metric("fibre_household_pct", "broadband", "Tỷ lệ hộ sử dụng cáp quang", "pct"),
    Metric("fixed_broadband_per_100", "broadband", "Thuê bao băng rộng cố định / 100 dân", "per100"),
    Metric("mobile_subs_per_100", "broadband", "Thuê bao di động / 100 dân", "per100"),
    Metric("bts_stations", "broadband", "Số trạm BTS", "count"),
    Metric("online_rate_pct", "dvctt", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "pct"),
    Metric("on_time_rate_pct", "dvctt", "Tỷ lệ giải quyết trước hạn, đúng hạn", "pct"),
    Metric("resolved_rate_pct", "dvctt", "Tỷ lệ hồ sơ đã giải quyết", "pct"),
    Metric("full_online_rate_pct", "dvctt", "Tỷ lệ trực tuyến của DVCTT toàn trình", "pct"),
    Metric("partial_online_rate_pct", "dvctt", "Tỷ lệ trực tuyến của DVCTT một phần", "pct"),
    Metric("digitized_dossiers_pct", "dvctt", "Tỷ lệ hồ sơ được số hóa khi tiếp nhận", "pct"),
    Metric("digitized_results_pct", "dvctt", "Tỷ lệ kết quả giải quyết được số hóa", "pct"),
    Metric("online_payment_pct", "dvctt", "Tỷ lệ thanh toán trực tuyến", "pct"),
    Metric("learners", "bdhvs", "Số học viên tham gia", "count"),
    Metric("topics_completed", "bdhvs", "Số chuyên đề hoàn thành", "count"),
    Metric("certificates", "bdhvs", "Số chứng nhận đạt được", "count"),
    Metric("learners_per_1000", "bdhvs", "Học viên / 1.000 dân", "per1000"),
)}


def get(name: str) -> Metric:
    return METRICS[name]


def of_dataset(dataset: str) -> list[Metric]:
    return [m for m in METRICS.values() if m.dataset == dataset]
