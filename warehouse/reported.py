"""A rate the report gives beside the counts it is made of: where both disagree by more than the report's
rounding, a warning naming both. The warehouse then uses the counts (mart_commune_metrics: counts win).

"Tỷ lệ tiếp nhận trực tuyến (%)" 86,6 beside 3.276 / 3.781 = 86,64 agrees (86,6 is 86,64 rounded to one
decimal); 90 beside them does not. The measures, their counts and their reported columns are the catalogue's
(metrics.METRICS, read from sql/seeds/ref_measures.csv).
"""

from __future__ import annotations

import pandas as pd

from warehouse import formatting, metrics, plausible
from warehouse.datasets import Dataset
from warehouse.findings import WARNING, Finding


def _decimals(value: float) -> int:
    """The decimals a figure was written with: 86.6 → 1, 100 → 0, 99.95 → 2 (at most 3)."""
    return next((d for d in range(4) if abs(round(value, d) - value) < 1e-9), 3)


def _denominator(frame: pd.DataFrame, metric: metrics.Metric, populations: dict[str, int]) -> pd.Series | None:
    if metric.denominator != "population":
        return frame[metric.denominator].astype("Float64") if metric.denominator in frame.columns else None
    known = plausible.unit_populations(frame["commune_code"], populations) if "commune_code" in frame.columns else None
    if "reported_population" in frame.columns:
        given = frame["reported_population"].astype("Float64")
        return given if known is None else given.fillna(known)
    return known


def rate_findings(ds: Dataset, frame: pd.DataFrame, sheet: str, labels: dict[str, str],
                  populations: dict[str, int]) -> list[Finding]:
    """One warning per row whose reported rate differs from its counts by more than the rounding of the report."""
    findings = []
    for metric in metrics.of_dataset(ds.name):
        if not (metric.reported in frame.columns and metric.numerator in frame.columns and metric.denominator):
            continue
        denominator = _denominator(frame, metric, populations)
        if denominator is None:
            continue
        computed = metric.factor * frame[metric.numerator].astype("Float64") / denominator.where(denominator > 0)
        reported = frame[metric.reported].astype("Float64")
        both = computed.notna() & reported.notna()
        for i in both[both.fillna(False)].index:
            given, made = float(reported[i]), float(computed[i])
            if abs(given - made) > 0.5 * 10 ** -_decimals(given) + 1e-9:
                findings.append(Finding(
                    WARNING, f"tỷ lệ báo cáo khác tỷ lệ tính từ số liệu "
                             f"({formatting.number(frame.at[i, metric.numerator])} / "
                             f"{formatting.number(denominator[i])} = {formatting.number(made, 2)}): "
                             "kho dùng số liệu đếm; hãy kiểm tra lại một trong hai",
                    sheet, int(frame.at[i, "source_row"]), labels.get(metric.reported, metric.reported),
                    formatting.number(given, _decimals(given)), rule="reported_rate", canonical=metric.reported))
    return findings
