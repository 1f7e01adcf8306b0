"""The targets page's charts as Vega-Lite dicts (warehouse/charts.py): the province over the periods under the
year's goal, and every unit against it — bars in the page's order (furthest below the goal first), a histogram at
national scale. The goal is a labelled line, a band for a range '75–80 %'. No Streamlit here."""

from __future__ import annotations

import pandas as pd

from warehouse import charts, metrics
from warehouse.metrics import Metric

MAX_BARS = 150  # more units than this (national scale): a histogram, not thousands of named bars
BOTH_AXES = 25  # a list longer than this has its x axis at the top and at the bottom
STATUS_COLOURS = {"Đạt": "#66bb6a", "Chưa đạt": "#e57373", "Chưa đến hạn": "#90a4ae",
                  metrics.STATUS_LABELS["proxy"]: "#b0bec5"}
HIGH = 0.85  # a goal this high on its scale has its text under the line, inside the chart


def goal_line(value: float, upper: object, text: str) -> dict:
    """The goal: 'Mục tiêu 2025: ≥ 70 %', a band up to `upper` for a range."""
    return charts.line(value, text, charts.GREEN, None if pd.isna(upper) else float(upper))


def trend_frame(series: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """The province's values of `metric` (rows of queries.province_series) with their period and value as text."""
    trend = series[series["metric"] == metric.name]
    return pd.DataFrame({
        "period_text": [metrics.period_label(metric.dataset, start, end)
                        for start, end in zip(trend["period_start"], trend["period_end"], strict=True)],
        "value": trend["value"], "value_text": trend["value"].map(metric.format)})


def trend_spec(trend: pd.DataFrame, metric: Metric, goal: dict) -> dict:
    """The province's value per period (rows of trend_frame) and the goal across the chart, its text at the left,
    under the line where the province starts above it or the goal is high in the chart; rates on 0–100 %, the rest
    from 0."""
    top = 100.0 if metric.unit == "pct" else 1.1 * max([goal["upper"], *trend["value"].dropna()])
    line = {"mark": {"type": "line", "point": True, "color": charts.BLUE}, "encoding": {
        "x": {"field": "period_text", "type": "ordinal", "title": "Kỳ số liệu", "sort": None,
              "axis": {"labelAngle": 0, "labelLimit": 160}},
        "y": {"field": "value", "type": "quantitative", "title": "Toàn tỉnh (%)" if metric.unit == "pct" else "Toàn tỉnh",
              "scale": {"domain": [0, top], "nice": False}},
        "tooltip": [{"field": "period_text", "title": "Kỳ"}, {"field": "value_text", "title": "Toàn tỉnh"}]}}
    values = trend["value"].dropna()
    starts_above = not values.empty and values.iloc[0] >= goal["value"]  # then the text under the line, off it
    rules = charts.rule_layers([goal], "y", end="left", under=starts_above or goal["upper"] >= HIGH * top)
    return {"layer": [line, *rules], "height": 260, "resolve": {"axis": {"y": "independent"}}}  # the line's y axis


def _colour() -> dict:
    return {"field": "status", "type": "nominal", "title": None, "legend": {"orient": "top", "labelLimit": 300},
            "scale": {"domain": list(STATUS_COLOURS), "range": list(STATUS_COLOURS.values())}}


def communes_frame(judged: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    """The units with a value (rows of queries.target_communes, in their order) as the chart reads them."""
    return pd.DataFrame({
        "commune_code": judged["commune_code"], "commune_name": judged["commune_name"], "label": judged["commune_name"],
        "former_district": judged["former_district"], "value": judged["actual"],
        "value_text": judged["actual"].map(metric.format), "status": judged["status"].map(metrics.status_label)})


def clickable(data: pd.DataFrame) -> bool:
    """Whether the units are drawn as bars, each opening its profile (else a histogram: no unit to click)."""
    return len(data) <= MAX_BARS


def communes_spec(data: pd.DataFrame, metric: Metric, goal: dict) -> dict:
    """Each unit's bar in the frame's order (rows of communes_frame), or above MAX_BARS units the histogram of their
    values, coloured by their result."""
    if not clickable(data):
        bars = {"mark": {"type": "bar"}, "encoding": {
            "x": {"field": "value", "type": "quantitative", "bin": {"maxbins": 40}, "title": metric.axis_title},
            "y": {"aggregate": "count", "type": "quantitative", "title": "Số đơn vị"}, "color": _colour()}}
        return {"layer": [bars, *charts.rule_layers([goal], "x")], "height": 300,
                "resolve": {"axis": {"x": "independent"}}}
    tooltip = [{"field": "commune_name", "title": "Đơn vị"}, {"field": "value_text", "title": metric.label},
               {"field": "status", "title": "Kết quả"}, {"field": "former_district", "title": "Huyện cũ"}]
    return charts.ranked_bars(data, metric.axis_title, [goal], colour=_colour(),
                              tooltip=tooltip, both_axes=len(data) > BOTH_AXES, rate=metric.unit == "pct")
