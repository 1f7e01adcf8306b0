"""A commune's trend charts as data (the profile page): each measure's values and the province's over the periods,
the province plan's target in force as a rule labelled on the line, the province line named at its end.

Written as Vega-Lite dicts, not altair: altair builds and validates the two facets of six layers in ≈ 150 ms per
script run, the page's budget; and kept out of the page, whose source Streamlit compiles on every run under
AppTest. No Streamlit here: the page adds the locale and draws.
"""

from __future__ import annotations

import pandas as pd

from warehouse import formatting, leader, metrics

BLUE, GREY, GREEN = "#1f77b4", "#9e9e9e", "#2e7d32"
HIGH = 0.85  # a label on a line this high in its chart (share of the axis) is written under the line


def target_rows(metric: str, points: list[dict], target: pd.Series) -> list[dict]:
    """The province plan's target in force as a rule with its text ('Chỉ tiêu 2025: ≥ 70 %'; both bounds of a
    range), under the rule where the lines start above it or where it is high in the chart."""
    top = 100.0 if metrics.get(metric).unit == "pct" else max(p["value"] for p in points)
    start = min(p["period_end"] for p in points)
    starts = [p["value"] for p in points if p["period_end"] == start]  # where the text is written
    text = f"Chỉ tiêu {target['year']}" + (" (tham khảo)" if target["is_proxy"] else "") + f": {leader.target_text(target)}"
    rows = []
    for bound in dict.fromkeys(v for v in (target["target_value"], target["target_upper"]) if pd.notna(v)):
        below = bound >= HIGH * max(top, bound) or sum(starts) / len(starts) >= bound
        rows.append({"metric": metric, "kind": "target", "value": bound, "text": text if not rows else "",
                     "below": below})
    return rows


def province_rows(metric: str, points: list[dict]) -> list[dict]:
    """The province line's name and last value at its end, under the line where the commune is above it."""
    province = [p for p in points if p["series"] == "province" and pd.notna(p["value"])]
    if not province:
        return []
    last = province[-1]
    own = [p["value"] for p in points if p["series"] == "commune" and p["period_end"] == last["period_end"]]
    name = "TB mỗi đơn vị" if metrics.get(metric).unit == "count" else "Toàn tỉnh"
    return [{"metric": metric, "kind": "province", "value": last["value"], "period_end": last["period_end"],
             "text": f"{name}: {last['value_text']}", "below": bool(own) and last["value"] < own[0]}]


def reference_rows(series: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The labels of the trend charts, per measure: its target (where the plan sets one) and the province line's."""
    by_metric: dict[str, list[dict]] = {}
    for point in series[["metric", "series", "period_end", "value", "value_text"]].to_dict("records"):
        by_metric.setdefault(point["metric"], []).append(point)
    rows = [row for metric, points in by_metric.items()
            for row in (target_rows(metric, points, targets.loc[metric]) if metric in targets.index else [])
            + province_rows(metric, points)]
    return pd.DataFrame(rows, columns=["metric", "kind", "value", "period_end", "text", "below"])


def labels_on_lines(kind: str, color: str, align: str, **encoding) -> list[dict]:
    """The texts of `kind` rows: above their line, or under it where `below`."""
    return [{"transform": [{"filter": f"datum.kind == '{kind}' && datum.below == {below}"}],
             "mark": {"type": "text", "align": align, "baseline": baseline, "dy": dy, "fontSize": 10, "color": color,
                      "fontWeight": 500},
             "encoding": {"text": {"field": "text", "type": "nominal"}, **encoding}}
            for below, baseline, dy in (("false", "bottom", -2), ("true", "top", 3))]


def trend_spec(data: pd.DataFrame, scale: dict, series_names: dict) -> dict:
    """One small chart per measure (rows of chart_data): the commune and the province over the periods, the target
    rule across the chart with its text at the left, the province line's text at its end (x and y shared by the
    layers); `scale` of the y axes: RATE_SCALE or COUNT_SCALE."""
    nominal = {"type": "nominal"}
    lines = {"transform": [{"filter": "datum.kind == 'series'"}], "mark": {"type": "line", "point": True},
             "encoding": {
                 "color": {"field": "series_label", **nominal, "title": None, "sort": list(series_names.values()),
                           "scale": {"range": [BLUE, GREY]}, "legend": {"orient": "top"}},
                 "tooltip": [{"field": field, **nominal, "title": title} for field, title in (
                     ("label", "Chỉ số"), ("series_label", "Đơn vị"), ("period_text", "Đến ngày"),
                     ("value_text", "Giá trị"))]}}
    rule = {"transform": [{"filter": "datum.kind == 'target'"}],
            "mark": {"type": "rule", "color": GREEN, "strokeDash": [5, 3], "size": 1.5},
            "encoding": {"x": {"value": 0}, "x2": {"value": "width"}}}
    x = {"field": "period_end", "type": "temporal", "title": None,
         # a tick on the 1st reads as its month (07/2025), any other as its day: weekly BDHVS snapshots by date
         "axis": {"tickCount": 4, "labelAngle": 0, "labelExpr": "date(datum.value) == 1 ? "
                  "timeFormat(datum.value, '%m/%Y') : timeFormat(datum.value, '%d/%m')"}}
    return {
        "data": {"name": "trend"}, "datasets": {"trend": data},
        "facet": {"field": "label", **nominal, "title": None, "sort": list(dict.fromkeys(data["label"])),
                  "header": {"labelFontSize": 12, "labelLimit": 250}},
        "columns": 3,
        "spec": {"width": 250, "height": 130,
                 "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": None, "scale": scale}},
                 "layer": [rule, lines, *labels_on_lines("target", GREEN, "left", x={"value": 3}),
                           *labels_on_lines("province", "#616161", "right")]},
        "resolve": {"scale": {"x": "independent", "y": "independent"}},
    }


def chart_data(trend: pd.DataFrame, targets: pd.DataFrame, commune_name: str) -> pd.DataFrame:
    """The rows both charts read: the commune's and the province's values (queries.commune_trends; kind 'series'),
    the targets (queries.metric_targets) and the province lines' labels; `is_rate` for a percentage."""
    labels = {name: m.label for name, m in metrics.METRICS.items()}
    series = trend.assign(
        kind="series", label=trend["metric"].map(labels), series_label=trend["series"].map(series_names(commune_name)),
        value_text=[metrics.get(m).format(v) for m, v in zip(trend["metric"], trend["value"], strict=True)],
        period_text=trend["period_end"].map(formatting.day))
    references = reference_rows(series, targets)
    data = pd.concat([series, references.assign(label=references["metric"].map(labels))], ignore_index=True)
    data["is_rate"] = data["metric"].map({name: m.unit == "pct" for name, m in metrics.METRICS.items()})
    return data[["metric", "label", "kind", "period_end", "value", "series_label", "value_text", "period_text", "text",
                 "below", "is_rate"]]


def series_names(commune_name: str) -> dict[str, str]:
    return {"commune": commune_name, "province": "Toàn tỉnh"}


RATE_SCALE, COUNT_SCALE = {"domain": [0, 100], "nice": False}, {"zero": True}  # rates from 0 to 100 %, the rest from 0
