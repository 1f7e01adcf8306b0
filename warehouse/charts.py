"""What the charts share, as Vega-Lite dicts: the colours, the click that opens a unit's profile, padded scales,
labelled reference lines (the province's value, a plan's target, a band for a range) and ranked bars.

Vega-Lite dicts, not altair: altair builds and validates a chart in ≈ 100 ms per script run, a page's budget is
150 ms. No Streamlit here: a page adds the locale (ui.VEGA_LOCALE) and draws.
"""

from __future__ import annotations

import pandas as pd

BLUE, RED, GREEN, ORANGE, GREY = "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#7f7f7f"
PICK = {"name": "commune", "select": {"type": "point", "fields": ["commune_code"], "on": "click"}}  # → the profile
CHOSEN = {"param": "commune", "empty": False}
ABOVE_TOP_AXIS = -30  # the height of a vertical line's text over a chart with its x axis at the top too


def line(value: float, text: str, colour: str, upper: float | None = None) -> dict:
    """A reference line at `value` (a band up to `upper` for a range '75–80 %') with the text written on it."""
    return {"value": value, "upper": value if upper is None or pd.isna(upper) else upper, "text": text,
            "colour": colour}


def padded(values: list[float], share: float = 0.05) -> list[float]:
    """[low, high] around `values`, widened by `share` of their range on each side: no point on the frame."""
    low, high = min(values), max(values)
    pad = (high - low) * share or abs(high) * share or 1
    return [low - pad, high + pad]


def rule_layers(lines: list[dict], axis: str, *, at: float = -4, top: float | None = None, end: str = "right",
                under: bool = False) -> list[dict]:
    """Dashed lines across the chart at each value on `axis` ('x': vertical), a band for a range, and each line's
    text written on it, never over another's:
    - vertical lines: the text at the pixel height `at` (negative: above the plot); right of the line, but left of
      it for the lower of two lines, or for a single line past the middle of the scale `top`;
    - horizontal lines: the text at the `end` ('left' or 'right') of the line, above it, but under it for the
      lower of two lines or when `under` (a line at the top of the chart)."""
    layers = []
    for i, line_ in enumerate(sorted(lines, key=lambda r: r["value"])):
        data = {"values": [line_]}
        position = {axis: {"field": "value", "type": "quantitative", "axis": None}}
        if line_["upper"] != line_["value"]:
            layers.append({"data": data, "mark": {"type": "rect", "color": line_["colour"], "opacity": 0.12},
                           "encoding": {**position, f"{axis}2": {"field": "upper"}}})
        layers.append({"data": data, "encoding": position,
                       "mark": {"type": "rule", "color": line_["colour"], "strokeDash": [6, 3], "size": 2}})
        lower = i == 0 and len(lines) > 1
        text = {"type": "text", "color": line_["colour"], "fontSize": 12, "fontWeight": "bold"}
        if axis == "x":
            left = lower or (len(lines) == 1 and top is not None and line_["value"] > top / 2)
            text |= {"align": "right" if left else "left", "dx": -5 if left else 5, "baseline": "bottom"}
            where = {"y": {"value": at}}
        else:
            text |= {"align": end, "dx": 4 if end == "left" else -4,
                     "baseline": "top" if lower or under else "bottom", "dy": 3 if lower or under else -3}
            where = {"x": {"value": 0 if end == "left" else "width"}}
        layers.append({"data": data, "mark": text, "encoding": {**position, **where, "text": {"field": "text"}}})
    return layers


def ranked_bars(bars: pd.DataFrame, title: str, lines: list[dict], *, colour: dict, tooltip: list[dict],
                both_axes: bool, rate: bool = False) -> dict:
    """Bars in the frame's order (its `label` on the y axis), each with its `value_text` at its end, clicked: the
    unit's profile; the x axis at the top and the bottom when `both_axes` (a long list), the lines labelled above
    the bars. The scale runs past the longest bar, for its text; a `rate`'s axis reads no tick past 100 %."""
    top = 1.12 * max([bars["value"].max()] + [line_["upper"] for line_ in lines])
    x = {"field": "value", "type": "quantitative", "title": title, "scale": {"domain": [0, top], "nice": False}}
    ticks = {"labelExpr": "datum.value <= 100 ? datum.label : ''"} if rate else {}
    y = {"field": "label", "type": "nominal", "sort": None, "title": None,
         "axis": {"labelLimit": 230, "labelOverlap": False, "labelFontSize": 12}}
    bar = {"params": [PICK], "mark": {"type": "bar", "cursor": "pointer"},
           "encoding": {"x": {**x, "axis": ticks | ({"orient": "top", "title": None} if both_axes
                                                    else {"orient": "bottom"})},
                        "y": y, "color": colour, "tooltip": tooltip,
                        "opacity": {"condition": {**CHOSEN, "value": 1}, "value": 0.85}}}
    values = {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11, "color": "#333"},
              "encoding": {"x": {**x, "axis": ticks | {"orient": "bottom"} if both_axes else None}, "y": y,
                           "text": {"field": "value_text"}}}
    rules = rule_layers(lines, "x", at=ABOVE_TOP_AXIS if both_axes else -4, top=top)
    return {"layer": [bar, values, *rules], "height": {"step": 20}, "resolve": {"axis": {"x": "independent"}}}
