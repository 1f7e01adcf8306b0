"""The map's Vega-Lite spec (the Bản đồ page): the communes' shapes coloured by one measure, grey where there is no
value, the units under the province plan's target outlined, the largest units and the đặc khu named.

Written as a Vega-Lite dict, not altair: altair builds and validates these eleven layers in ≈ 150 ms per script
run, the page's budget, and would walk every coordinate of the shapes given as inline values; kept out of the page,
whose source Streamlit compiles on every run under AppTest. No Streamlit here: the page adds the locale and draws.
"""

from __future__ import annotations

from warehouse.geo import NO_DATA
from warehouse.metrics import Metric

NO_DATA_GREY = "#d0d0d0"
LAG_RED = "#b71c1c"  # the outline of a unit under the target
LEGEND_FORMAT = {"pct": ",.0f", "count": ",.0f", "per100": ",.1~f", "per1000": ",.1~f"}


def field(name: str, title: str | None, kind: str = "nominal", **more) -> dict:
    return {"field": name, "type": kind, "title": title, **more}


def shapes(*transform: dict, **layer) -> dict:
    """A layer of the communes' shapes (the named dataset 'communes'), its code lifted out for the selection."""
    return {"data": {"name": "communes"},
            "transform": [{"calculate": "datum.properties.commune_code", "as": "commune_code"}, *transform], **layer}


def label_layers() -> list[dict]:
    """The names of the labelled units at a point inside each (white halo under dark text), a ring round a unit
    too small to see (an island); near the east or west edge the name ends or starts at its point."""
    where = {"longitude": field("lon", None, "quantitative"), "latitude": field("lat", None, "quantitative")}
    layers = [{"data": {"name": "labels"}, "transform": [{"filter": "datum.small"}], "encoding": where,
               "mark": {"type": "point", "shape": "circle", "size": 380, "filled": False, "color": "#333333",
                        "strokeWidth": 1.2}}]
    for anchor, dx in (("center", 0), ("left", 0), ("right", -13)):
        style = {"type": "text", "align": anchor, "dx": dx, "fontSize": 11, "fontWeight": 600}
        for mark in ({**style, "color": "white", "stroke": "white", "strokeWidth": 3, "strokeJoin": "round"},
                     {**style, "color": "#1b1b1b"}):
            layers.append({"data": {"name": "labels"}, "transform": [{"filter": f"datum.anchor == '{anchor}'"}],
                           "mark": mark, "encoding": {**where, "text": field("name", None)}})
    return layers


def lagging_layer(metric: Metric, lag: str) -> dict:
    """A thick dark red outline on the units under the target (properties.met false), `lag` its line in the legend."""
    return shapes({"filter": "datum.properties.met === false"}, {"calculate": f"'{lag}'", "as": "lag"},
                  mark={"type": "geoshape", "filled": False, "strokeWidth": 2.2, "strokeJoin": "round"},
                  encoding={"stroke": field("lag", None, scale={"domain": [lag], "range": [LAG_RED]}, legend={
                      "title": None, "orient": "top", "symbolType": "square", "symbolStrokeWidth": 2.5,
                      "labelLimit": 300}),
                      "tooltip": [field("properties.commune_name", "Đơn vị"),
                                  field("properties.value_text", metric.label), field("lag", "Chỉ tiêu")]})


def spec(features: list[dict], labels: list[dict], metric: Metric, lag: str | None) -> dict:
    """Coloured shapes for communes with a value, grey ones (with their own legend) for the rest, the units under
    the target outlined (`lag`: the outline's legend, 'Chưa đạt chỉ tiêu 2025: ≥ 70 %'; None: no outline), the
    labelled units named (geo.labels); the features (geo.with_values) and labels as the named datasets 'communes'
    and 'labels'. A click on a shape selects its commune_code (the selection 'commune')."""
    tooltip = [field("properties.commune_name", "Đơn vị"), field("properties.value_text", metric.label),
               field("properties.rank_text", "Hạng"), field("properties.former_district", "Huyện cũ")]
    missing = shapes({"filter": "datum.properties.value == null"}, {"calculate": f"'{NO_DATA}'", "as": "status"},
                     mark={"type": "geoshape", "stroke": "white", "strokeWidth": 0.6},
                     encoding={"color": field("status", None, scale={"domain": [NO_DATA], "range": [NO_DATA_GREY]},
                                              legend={"title": None, "orient": "bottom"}),
                               "tooltip": tooltip})
    colour = field("properties.value", metric.axis_title, "quantitative",
                   scale={"scheme": "blues" if metric.higher_is_better else "oranges"},
                   legend={"format": LEGEND_FORMAT[metric.unit], "orient": "bottom", "gradientLength": 320,
                           "titleLimit": 400})
    picked = {"param": "commune", "empty": False}
    valued = shapes({"filter": "datum.properties.value != null"}, name="shapes",
                    mark={"type": "geoshape", "stroke": "white", "strokeWidth": 0.6, "cursor": "pointer"},
                    encoding={"color": colour, "tooltip": tooltip,
                              "strokeWidth": {"condition": {**picked, "value": 2.5}, "value": 0.6},
                              "stroke": {"condition": {**picked, "value": "#222222"}, "value": "white"}})
    return {
        "layer": [missing, valued] + ([lagging_layer(metric, lag)] if lag else []) + label_layers(),
        "params": [{"name": "commune", "select": {"type": "point", "fields": ["commune_code"], "on": "click"},
                    "views": ["shapes"]}],
        "projection": {"type": "mercator"}, "height": 640,
        "resolve": {"scale": {"color": "independent", "stroke": "independent"}},
        "config": {"view": {"stroke": None}},
        "datasets": {"communes": features, "labels": labels},
    }
