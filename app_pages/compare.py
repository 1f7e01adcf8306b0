"""So sánh xã: one measure across all communes, ranked, with the province value."""

import altair as alt
import pandas as pd
import streamlit as st

import ui
from warehouse import formatting, metrics

ui.page_header("So sánh giữa các xã, phường, đặc khu")

available = ui.query("known_metrics")
if not available:
    st.info("Chưa có số liệu để so sánh.", icon=":material/info:")
    st.stop()

metric_name = st.selectbox(
    "Chỉ số", available, index=available.index(ui.param_choice("metric", available, available[0])),
    format_func=lambda name: f"{metrics.DATASET_LABELS[metrics.get(name).dataset]} · {metrics.get(name).label}",
    key="compare_metric",
)
metric = metrics.get(metric_name)
periods = ui.query("metric_periods", metric_name)
period = st.selectbox(
    "Kỳ số liệu", periods, index=periods.index(ui.param_choice("period", periods, periods[0])),
    format_func=formatting.day, key="compare_period",
)
options = ui.query("filter_options")
FILTERS = {"province": ("Tỉnh cũ", "former_province"), "district": ("Huyện cũ", "former_district"),
           "type": ("Loại đơn vị", "unit_type")}
chosen = {}
with st.expander("Lọc theo tỉnh cũ, huyện cũ, loại đơn vị",
                 expanded=any(st.query_params.get_all(name) for name in FILTERS)):
    for column, (name, (label, field)) in zip(st.columns(3), FILTERS.items(), strict=True):
        chosen[name] = column.multiselect(label, options[field], default=ui.param_list(name, options[field]),
                                          key=f"compare_{name}", placeholder="Tất cả")
provinces, districts, types = chosen["province"], chosen["district"], chosen["type"]
ui.set_params(metric=metric_name, period=period, province=provinces, district=districts, type=types)

frame = ui.query("commune_metric", metric_name, period, provinces or None, districts or None, types or None)
province = ui.query("province_reference", metric_name, period)
reference = "trung bình mỗi đơn vị" if metric.unit == "count" else "toàn tỉnh"
shown = frame.dropna(subset=["value"])
st.caption(f"{len(shown)} đơn vị có số liệu · {reference}: {metric.format(province)} · "
           f"hạng tính trên {int(frame['units_ranked'].max()) if len(frame) else 0} đơn vị báo cáo")

if shown.empty:
    st.info("Không có đơn vị nào phù hợp với bộ lọc.", icon=":material/filter_alt_off:")
    st.stop()

chart_data = shown.assign(
    value_text=shown["value"].map(metric.format),
    rank_text=[formatting.rank(r, n) for r, n in zip(shown["rank"], shown["units_ranked"], strict=False)],
)
bars = alt.Chart(chart_data).mark_bar(color="#1f77b4").encode(
    x=alt.X("value:Q", title=metric.axis_title),
    y=alt.Y("commune_name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200, labelOverlap=False, labelFontSize=11)),
    tooltip=[alt.Tooltip("commune_name:N", title="Đơn vị"), alt.Tooltip("value_text:N", title=metric.label),
             alt.Tooltip("rank_text:N", title="Hạng"), alt.Tooltip("former_district:N", title="Huyện cũ")],
)
layers = [bars]
if province is not None and not pd.isna(province):
    rule = alt.Chart(pd.DataFrame({"value": [province], "label": [f"{reference.capitalize()}: {metric.format(province)}"]}))
    layers.append(rule.mark_rule(color="#d62728", strokeDash=[6, 3], size=2).encode(
        x="value:Q", tooltip=alt.Tooltip("label:N", title="Tham chiếu")))
chart = alt.layer(*layers).properties(height=alt.Step(20)).configure(locale=ui.VEGA_LOCALE)
st.altair_chart(chart, width="stretch")

table = shown[["rank", "commune_name", "unit_type", "former_district", "value"]].rename(columns={
    "rank": "Hạng", "commune_name": "Đơn vị", "unit_type": "Loại", "former_district": "Huyện cũ", "value": metric.label,
})
st.dataframe(ui.styled(table, {"Hạng": formatting.number, metric.label: metric.format}),
             hide_index=True, width="stretch")
filters = "; ".join(f"{FILTERS[name][0]}: {', '.join(values)}" for name, values in chosen.items() if values)
ui.export_button(table, f"so_sanh_{metric_name}_{period:%Y%m%d}", key="compare_export",
                 formats={"Hạng": "int", metric.label: "pct" if metric.unit == "pct" else "dec1"},
                 notes=[f"{metric.label} — kỳ {formatting.day(period)}", f"Bộ lọc: {filters or 'tất cả đơn vị'}"])
