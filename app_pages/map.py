"""Bản đồ: the communes coloured by any measure at any period; hover for name, value and rank,
click for the commune's profile. Drawn from the project's own GeoJSON: no tiles, no network."""

import altair as alt
import streamlit as st

import ui

PROFILE_PAGE = "app_pages/profile.py"
NO_DATA_GREY = "#d0d0d0"
LEGEND_FORMAT = {"pct": ",.0f", "count": ",.0f", "per100": ",.1~f", "per1000": ",.1~f"}

ui.page_header("Bản đồ các xã, phường, đặc khu")

available = ui.known_metrics()
if not available:
    st.info("Chưa có số liệu để vẽ bản đồ.", icon=":material/info:")
    st.stop()

c1, c2 = st.columns([5, 2])
metric, period = ui.metric_and_period(available, "map", c1, c2)
metric_name = metric.name
ui.set_params(metric=metric_name, period=period)

features = ui.map_features(metric_name, period)
with_data = [f for f in features if f["properties"]["value"] is not None]
st.caption(f"{metric.label}, kỳ {ui.period_text(metric, period)} · {len(with_data)}/{len(features)} đơn vị có số liệu · "
           f"màu {'đậm' if metric.higher_is_better else 'nhạt'} hơn là tốt hơn · rê chuột để xem số liệu và hạng, "
           "bấm vào một đơn vị để mở hồ sơ xã.")


def choropleth() -> dict:
    """Coloured shapes for communes with a value, grey ones (with their own legend) for the rest.

    A Vega-Lite spec reading the named dataset 'communes' (the features are put in after
    altair built the spec: altair would walk every coordinate of inline values, ≈ 0,2 s).
    """
    data = alt.NamedData("communes")
    pick = alt.selection_point(name="commune", fields=["commune_code"], on="click", empty=False)
    tooltip = [alt.Tooltip("properties.commune_name:N", title="Đơn vị"),
               alt.Tooltip("properties.value_text:N", title=metric.label),
               alt.Tooltip("properties.rank_text:N", title="Hạng"),
               alt.Tooltip("properties.former_district:N", title="Huyện cũ")]
    base = alt.Chart(data).transform_calculate(commune_code="datum.properties.commune_code")
    missing = base.transform_filter("datum.properties.value == null").transform_calculate(
        status=f"'{ui.NO_DATA}'").mark_geoshape(stroke="white", strokeWidth=0.6).encode(
        color=alt.Color("status:N", scale=alt.Scale(domain=[ui.NO_DATA], range=[NO_DATA_GREY]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=tooltip)
    colour = alt.Color("properties.value:Q", title=metric.axis_title,
                       scale=alt.Scale(scheme="blues" if metric.higher_is_better else "oranges"),
                       legend=alt.Legend(format=LEGEND_FORMAT[metric.unit], orient="bottom", gradientLength=320,
                                         titleLimit=400))
    valued = base.transform_filter("datum.properties.value != null").mark_geoshape(
        stroke="white", strokeWidth=0.6, cursor="pointer").encode(
        color=colour, strokeWidth=alt.condition(pick, alt.value(2.5), alt.value(0.6)),
        stroke=alt.condition(pick, alt.value("#222222"), alt.value("white")), tooltip=tooltip,
    ).add_params(pick)
    chart = (alt.layer(missing, valued).resolve_scale(color="independent").project(type="mercator")
             .properties(height=640).configure(locale=ui.VEGA_LOCALE).configure_view(stroke=None))
    return chart.to_dict()


map_column, table_column = st.columns([5, 4])
with map_column:
    spec = {**choropleth(), "datasets": {"communes": features}}
    event = st.vega_lite_chart(spec, width="stretch", on_select="rerun", selection_mode="commune", key="map_chart")
    points = event.selection.get("commune") or []
    if points and points[0].get("commune_code"):
        st.switch_page(PROFILE_PAGE, query_params={"commune": points[0]["commune_code"]})

table = ui.map_values(metric_name, period)
table = table.sort_values("rank", kind="stable", na_position="last")[
    ["rank", "commune_name", "former_district", "value"]].rename(columns={
        "rank": "Hạng", "commune_name": "Đơn vị", "former_district": "Huyện cũ", "value": metric.label})
with table_column:
    ui.table(table.drop(columns="Huyện cũ"), {"Hạng": ui.number, metric.label: metric.format}, height=640,
             column_config={"Hạng": st.column_config.Column(width=55), "Đơn vị": st.column_config.Column(width=170),
                            metric.label: st.column_config.Column(width=110, help=metric.label)})
    excel = "pct" if metric.unit == "pct" else ("int" if metric.unit == "count" else "dec1")
    ui.export_button(table, f"ban_do_{metric_name}_{period:%Y%m%d}", key="map_export",
                     formats={"Hạng": "int", metric.label: excel},
                     notes=[f"{metric.label} — kỳ {ui.period_text(metric, period)}",
                            f"{len(with_data)}/{len(features)} đơn vị có số liệu; ô trống: không có số liệu"],
                     datasets=(metric.dataset, "communes"), filters=[])
