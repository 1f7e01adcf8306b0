"""The compare page's views as data: the sentence each opens with, the Vega-Lite specs of its charts (ranked
bars, distribution, scatter) with their labelled reference lines, and its tables.

Written as Vega-Lite dicts, not altair: altair builds and validates these in ≈ 100 ms per script run, the page's
budget is 150; and kept out of the page, whose source Streamlit compiles on every run under AppTest. No
Streamlit here: the page adds the locale and draws.
"""

from __future__ import annotations

import pandas as pd

from warehouse import formatting
from warehouse.charts import BLUE, CHOSEN, GREEN, ORANGE, PICK, RED, line, padded, ranked_bars, rule_layers
from warehouse.leader import target_text
from warehouse.metrics import Metric

MET, MISSED, UNJUDGED = "Đạt chỉ tiêu", "Chưa đạt", "Chưa đánh giá"
Y_AXIS_WIDTH = 36  # the histogram and the strip under it get the same left margin, so their x axes line up
LABELLED = 5  # the scatter names its points farthest from the rest (queries.commune_metric_pair's extremity)


def reference_lines(metric: Metric, province: object, target: dict | None, colour: str = RED) -> list[dict]:
    """The lines a chart of `metric` draws: the province value (for a count the mean per unit) and the plan's
    target (a band for a range), each with the text written on it: 'Chỉ tiêu 2025: ≥ 70 %'."""
    lines = []
    if province is not None and not pd.isna(province):
        what = "Trung bình mỗi đơn vị" if metric.unit == "count" else "Toàn tỉnh"
        lines.append(line(province, f"{what}: {metric.format(province)}", colour))
    if target:
        upper = target["target_upper"] if target["comparator"] == "range" else None
        lines.append(line(target["target_value"], f"Chỉ tiêu {target['year']}: {target_text(target)}", GREEN, upper))
    return lines


# ---------------------------------------------------------------- the answers

def answer(data: pd.DataFrame, metric: Metric, target: dict | None) -> str:
    """What a ranking or a distribution answers first: '23/96 đơn vị chưa đạt chỉ tiêu 2025: ≥ 70 %' (`met` as
    queries.commune_metric judges it); without a target, the lowest and the highest unit."""
    if target:
        missed, unjudged = int(data["met"].eq(False).sum()), int(data["met"].isna().sum())
        goal = f"chỉ tiêu {target['year']}: {target_text(target)}"
        if not missed and not unjudged:
            return f"Cả {formatting.number(len(data))} đơn vị đạt {goal}"
        text = f"{missed}/{formatting.number(len(data))} đơn vị chưa đạt {goal}"
        return text + (f" ({unjudged} chưa đánh giá: số liệu ước lượng)" if unjudged else "")
    low, high = data.loc[data["value"].idxmin()], data.loc[data["value"].idxmax()]
    return (f"Thấp nhất {low['commune_name']} ({metric.format(low['value'])}), cao nhất {high['commune_name']} "
            f"({metric.format(high['value'])}); kế hoạch chưa đặt chỉ tiêu cho chỉ số này")


def correlation_text(r: object, n: int) -> str:
    """What a scatter answers first: 'Tương quan thuận mạnh (r = 0,67) trên 96 đơn vị' (|r| < 0,1 none, < 0,3
    weak, < 0,5 moderate, else strong)."""
    if n < 3 or r is None or pd.isna(r):
        return f"{formatting.number(n)} đơn vị có cả hai số liệu: quá ít để tính tương quan"
    size = abs(r)
    strength = "yếu" if size < 0.3 else ("vừa" if size < 0.5 else "mạnh")
    words = "Gần như không có tương quan" if size < 0.1 else f"Tương quan {'thuận' if r > 0 else 'nghịch'} {strength}"
    return f"{words} (r = {formatting.number(r, 2)}) trên {formatting.number(n)} đơn vị"


# ---------------------------------------------------------------- the charts

def ranked_frame(frame: pd.DataFrame, metric: Metric, has_target: bool) -> pd.DataFrame:
    """The units with a value, best first (the order of the bars and of the table), with their value and rank as
    text, the bar's label ('15. Xã Mỏ Cày') and their status against the target."""
    data = frame[frame["value"].notna()].sort_values(["value", "commune_name"],
                                                     ascending=[not metric.higher_is_better, True], ignore_index=True)
    data["value_text"] = data["value"].map(metric.format)
    data["rank_text"] = [formatting.rank(r, n) for r, n in zip(data["rank"], data["units_ranked"], strict=True)]
    data["label"] = [name if pd.isna(r) else f"{int(r)}. {name}"
                     for r, name in zip(data["rank"], data["commune_name"], strict=True)]
    data["status"] = data["met"].map({True: MET, False: MISSED}).fillna(UNJUDGED) if has_target else None
    return data


def _tooltip(metric: Metric, *extra: tuple[str, str]) -> list[dict]:
    return [{"field": "commune_name", "title": "Đơn vị"}, {"field": "value_text", "title": metric.label},
            {"field": "rank_text", "title": "Hạng"}, *({"field": f, "title": t} for f, t in extra)]


def ranked_spec(bars: pd.DataFrame, metric: Metric, lines: list[dict], has_target: bool, both_axes: bool) -> dict:
    """Bars in the frame's order, each labelled with its value, coloured by the target (charts.ranked_bars)."""
    colour = ({"field": "status", "type": "nominal", "title": None, "legend": {"orient": "bottom", "labelLimit": 300},
               "scale": {"domain": [MET, MISSED, UNJUDGED], "range": [BLUE, ORANGE, "#9e9e9e"]}}
              if has_target else {"value": BLUE})
    return ranked_bars(bars, metric.axis_title, lines, colour=colour, both_axes=both_axes, rate=metric.unit == "pct",
                       tooltip=_tooltip(metric, ("former_district", "Huyện cũ")))


def distribution_specs(values: pd.Series, metric: Metric, lines: list[dict]) -> tuple[dict, dict]:
    """The histogram with the labelled lines, and under it one tick per unit (clicked: its profile) on the same
    x scale, padded so that no tick sits on the frame."""
    extent = [min([values.min()] + [line["value"] for line in lines]),
              max([values.max()] + [line["upper"] for line in lines])]
    scale, axis = {"domain": padded(extent, 0.03), "nice": True}, {"format": ",~f"}
    histogram = {"mark": {"type": "bar", "color": BLUE}, "encoding": {
        "x": {"field": "value", "type": "quantitative", "bin": {"maxbins": 24, "extent": extent},
              "title": metric.axis_title, "scale": scale, "axis": axis},
        "y": {"aggregate": "count", "type": "quantitative", "title": "Số đơn vị",
              "axis": {"minExtent": Y_AXIS_WIDTH, "maxExtent": Y_AXIS_WIDTH}},
        "tooltip": [{"field": "value", "type": "quantitative", "bin": True, "title": "Khoảng giá trị", "format": ",.1f"},
                    {"aggregate": "count", "type": "quantitative", "title": "Số đơn vị"}]}}
    strip = {"params": [PICK], "mark": {"type": "tick", "thickness": 2, "size": 30, "cursor": "pointer"},
             "height": 60, "encoding": {
                 "x": {"field": "value", "type": "quantitative", "title": None, "scale": scale, "axis": axis},
                 "y": {"field": "one", "type": "nominal", "title": "Số đơn vị",
                       "axis": {"labels": False, "ticks": False, "domain": False, "titleOpacity": 0,
                                "minExtent": Y_AXIS_WIDTH, "maxExtent": Y_AXIS_WIDTH}},
                 "color": {"condition": {**CHOSEN, "value": RED}, "value": BLUE}, "tooltip": _tooltip(metric)}}
    return ({"layer": [histogram, *rule_layers(lines, "x")], "height": 300,
             "resolve": {"axis": {"x": "independent"}}}, strip)  # the lines' "axis": None hides no shared axis


def scatter_spec(data: pd.DataFrame, metric: Metric, metric2: Metric, lines_x: list[dict],
                 lines_y: list[dict]) -> dict:
    """Points by unit type, the most outlying named (names read inwards, never cut by the frame); each measure's
    province and target lines, labelled; both scales padded so that no point sits on the frame."""
    x_domain = padded(data["x_value"].tolist() + [v for line in lines_x for v in (line["value"], line["upper"])])
    y_domain = padded(data["y_value"].tolist() + [v for line in lines_y for v in (line["value"], line["upper"])])
    x = {"field": "x_value", "type": "quantitative", "title": metric.axis_title,
         "scale": {"domain": x_domain, "nice": False, "zero": False}}
    y = {"field": "y_value", "type": "quantitative", "title": metric2.axis_title,
         "scale": {"domain": y_domain, "nice": False, "zero": False}}
    points = {"params": [PICK], "mark": {"type": "circle", "opacity": 0.8, "cursor": "pointer"}, "encoding": {
        "x": x, "y": y,
        "color": {"field": "unit_type", "type": "nominal", "title": "Loại đơn vị", "legend": {"orient": "top"},
                  "scale": {"domain": ["xã", "phường", "đặc khu"], "range": [BLUE, ORANGE, GREEN]}},
        "size": {"condition": {**CHOSEN, "value": 220}, "value": 70},
        "tooltip": [{"field": "commune_name", "title": "Đơn vị"}, {"field": "x_text", "title": metric.label},
                    {"field": "y_text", "title": metric2.label}, {"field": "former_district", "title": "Huyện cũ"}]}}
    middle = sum(x_domain) / 2
    names = [{"transform": [{"filter": f"datum.extremity <= {LABELLED} && datum.x_value {side} {middle}"}],
              "mark": {"type": "text", "align": align, "dx": dx, "dy": -7, "fontSize": 11, "color": "#333"},
              "encoding": {"x": {**x, "axis": None}, "y": {**y, "axis": None}, "text": {"field": "commune_name"}}}
             for side, align, dx in (("<", "left", 7), (">=", "right", -7))]
    rules = [*rule_layers(lines_x, "x", at=14), *rule_layers(lines_y, "y")]
    return {"layer": [points, *rules, *names], "height": 480,
            "resolve": {"axis": {"x": "independent", "y": "independent"}}}  # the points' axes only


# ---------------------------------------------------------------- the tables

def excel_format(metric: Metric) -> str:
    return "pct" if metric.unit == "pct" else ("int" if metric.unit == "count" else "dec1")


def value_table(rows: pd.DataFrame, metric: Metric, has_target: bool) -> tuple[pd.DataFrame, dict]:
    """The table behind the ranked and distribution views (rows of ranked_frame), and per column (Excel format,
    display format)."""
    table = rows[["rank", "commune_name", "unit_type", "former_district", "value"]].rename(columns={
        "rank": "Hạng", "commune_name": "Đơn vị", "unit_type": "Loại", "former_district": "Huyện cũ",
        "value": metric.label,
    })
    if has_target:
        table["So với chỉ tiêu"] = rows["status"].str.replace(MET, "Đạt")
    return table, {"Hạng": ("int", formatting.number), metric.label: (excel_format(metric), metric.format)}


def pair_table(pair: pd.DataFrame, metric: Metric, period_text: str, metric2: Metric,
               period2_text: str) -> tuple[pd.DataFrame, dict]:
    """The table behind the scatter: short headers with their periods ('HS trực tuyến (01/07–30/10/2025)'), and
    per column (Excel format, display format)."""
    x_label, y_label = f"{metric.short_label} ({period_text})", f"{metric2.short_label} ({period2_text})"
    table = pair[["commune_name", "unit_type", "former_district", "x_value", "x_rank", "y_value", "y_rank"]].rename(
        columns={"commune_name": "Đơn vị", "unit_type": "Loại", "former_district": "Huyện cũ", "x_value": x_label,
                 "x_rank": "Hạng (1)", "y_value": y_label, "y_rank": "Hạng (2)"})
    return table, {x_label: (excel_format(metric), metric.format), y_label: (excel_format(metric2), metric2.format),
                   "Hạng (1)": ("int", formatting.number), "Hạng (2)": ("int", formatting.number)}
