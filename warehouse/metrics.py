"""The measures pages offer, read from the catalogue the marts compute them from; labels of targets and periods."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pandas as pd

from warehouse import datasets, formatting, models

CATALOGUE = "ref_measures.csv"  # sql/seeds/: the one list of measures, also loaded as the table ref_measures


@dataclass(frozen=True)
class Metric:
    """A measure of the catalogue (sql/seeds/ref_measures.csv): the marts compute it, the pages show it."""

    name: str  # `metric` in mart_commune_metrics / mart_province_summary
    dataset: str
    label: str
    short_label: str  # a column header or a narrow card
    unit: str  # pct | count | per100 | per1000
    decimals: int = 1  # shown; a reported figure with more keeps its own (formatting.measure)
    higher_is_better: bool = True
    numerator: str | None = None  # a raw column; the count itself where there is no denominator
    denominator: str | None = None  # a raw column, or "population"
    factor: float | None = None  # 100 for a percentage or per 100, 1000 per 1.000
    reported: str | None = None  # the column of the rate as a report gives it, without counts

    def format(self, value: object) -> str:
        text = formatting.measure(value, self.decimals)
        return f"{text} %" if self.unit == "pct" and text != "–" else text

    @property
    def axis_title(self) -> str:
        return {"pct": f"{self.label} (%)"}.get(self.unit, self.label)

    @property
    def long_label(self) -> str:
        """'Dịch vụ công trực tuyến · Tỷ lệ hồ sơ tiếp nhận trực tuyến', for choosers across datasets."""
        return f"{DATASET_LABELS[self.dataset]} · {self.label}"

    def period_text(self, period_end: object, period_start: object = None) -> str:
        """One of this measure's periods as every page writes it (period_label): '01/07–30/10/2025'."""
        return period_label(self.dataset, period_start, period_end)

    def period_span(self, period_end: object, period_start: object = None) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first and last day a period covers: a DVCTT period from its start, a broadband month the whole
        month, a snapshot its one day."""
        end = pd.Timestamp(period_end)
        if self.dataset == "broadband":
            return end.replace(day=1), end
        return (end if _missing(period_start) else pd.Timestamp(period_start)), end


def _read_catalogue() -> dict[str, Metric]:
    with open(models.DEFAULT_SQL_DIR / "seeds" / CATALOGUE, encoding="utf-8", newline="") as f:
        return {row["metric"]: Metric(row["metric"], row["dataset"], row["label"], row["short_label"], row["unit"],
                                      int(row["decimals"]), row["higher_is_better"] == "true",
                                      row["numerator"] or None, row["denominator"] or None,
                                      float(row["factor"]) if row["factor"] else None, row["reported"] or None)
                for row in csv.DictReader(f)}


DATASET_LABELS = datasets.MEASURED
DATASET_SHORT = {name: ds.short for name, ds in datasets.DATASETS.items()}
METRICS: dict[str, Metric] = _read_catalogue()


def get(name: str) -> Metric:
    return METRICS[name]


def of_dataset(dataset: str) -> list[Metric]:
    return [m for m in METRICS.values() if m.dataset == dataset]


def _missing(value: object) -> bool:
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return value is None or value is pd.NA


def _decimals(value: object, written: str | None) -> int:
    """As many decimals as the plan wrote ('0,60' → 2), else as few as the value needs (1.5 → 1)."""
    if written:
        found = re.search(r"\d+[.,](\d+)", written)
        if found and not re.fullmatch(r"\d{1,3}([.]\d{3})+", found.group(0)):
            return len(found.group(1))
    for decimals in range(3):
        if round(float(value), decimals) == float(value):
            return decimals
    return 2


def target_label(comparator: object, value: object, upper: object = None, unit: object = None,
                 written: str | None = None) -> str:
    """A plan target as written, in Vietnamese format: '≥ 70 %', '75–80 %', '50 %', '≥ 0,60', '≤ 5 %'."""
    if _missing(value):
        return "–"
    text = formatting.number(value, _decimals(value, written))
    if comparator == "range" and not _missing(upper):
        text = f"{text}–{formatting.number(upper, _decimals(upper, None))}"
    elif comparator in ("≥", "≤"):
        text = f"{comparator} {text}"
    return f"{text} %" if unit == "%" else text


STATUS_LABELS = {
    "met": "Đạt", "missed": "Chưa đạt", "not_due": "Chưa đến hạn", "proxy": "Tham khảo (số đo gần đúng)",
    "approximate": "Chưa đánh giá (số ước lượng)", "no_data": "Chưa có số liệu",
}


def status_label(status: object) -> str:
    """A judgement as shown: a mart status ('met', 'not_due', 'proxy', …; see mart_target_attainment) or a bare
    met flag: True → 'Đạt', False → 'Chưa đạt', unknown → 'Chưa có số liệu'."""
    if isinstance(status, str):
        return STATUS_LABELS.get(status, "Chưa có số liệu")
    if _missing(status):
        return "Chưa có số liệu"
    return "Đạt" if status else "Chưa đạt"


def movement(rank_change: object) -> str:
    """Rank movement: +3 → 'lên 3 bậc', −2 → 'xuống 2 bậc', 0 → 'giữ nguyên', none → '–'."""
    if _missing(rank_change):
        return "–"
    change = int(rank_change)
    return f"lên {change} bậc" if change > 0 else (f"xuống {-change} bậc" if change < 0 else "giữ nguyên")


def change_text(metric: Metric, change: object) -> str:
    """A change since the previous period in the measure's unit: '+3,2 điểm %', '−1.247', '0'."""
    if _missing(change):
        return "–"
    decimals = 0 if metric.unit == "count" else 1
    text = formatting.signed(change, decimals)
    return f"{text} điểm %" if metric.unit == "pct" and text not in ("0", "0,0") else text


def month_label(value: object) -> str:
    """A date as its month: 'tháng 11/2025'."""
    if _missing(value):
        return "–"
    return f"tháng {pd.Timestamp(value):%m/%Y}"


def period_label(dataset: str, period_start: object, period_end: object) -> str:
    """How a period reads on every page: 'tháng 11/2025' (broadband), '01/07–30/10/2025' (dvctt; across a new
    year '01/12/2024–30/06/2025'), 'ngày 18/11/2025' (a snapshot)."""
    if dataset == "broadband":
        return month_label(period_end)
    if dataset == "dvctt" and not _missing(period_start):
        return formatting.day_range(period_start, period_end)
    return f"ngày {formatting.day(period_end)}"


def typed_period_label(dataset: str, period: dict) -> str:
    """A period typed by the analyst or read from a title (values.parse_period: {period_start, period_end},
    {period} or {snapshot_date}) as every page writes it (period_label)."""
    end = period.get("period_end") or period.get("period") or period.get("snapshot_date")
    return period_label(dataset, period.get("period_start"), end)


def latest_overlapping(metric: Metric, period_end: object, period_start: object, other: Metric,
                       periods: dict) -> object | None:
    """The latest of `other`'s periods ({period_end: period_start}) that shares at least a day with `metric`'s
    period: a month within 01/07–30/10, a snapshot inside it, …; None when none does."""
    first, last = metric.period_span(period_end, period_start)
    shared = [end for end, start in periods.items()
              if (span := other.period_span(end, start))[0] <= last and first <= span[1]]
    return max(shared, default=None)
