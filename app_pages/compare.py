"""So sánh xã: any measure across the communes — ranked, its distribution, or against a second
measure — with the province value and the plan's target; a commune chosen in a chart opens its
profile. Every choice lives in the URL."""

import altair as alt
import pandas as pd
import streamlit as st

import ui

PROFILE_PAGE = "app_pages/profile.py"
CHART_KINDS = {"rank": "Xếp hạng", "dist": "Phân bố", "scatter": "Tương quan"}
FILTERS = {"province": ("Tỉnh cũ", "former_province"), "district": ("Huyện cũ", "former_district"),
           "type": ("Loại đơn vị", "unit_type")}
Y_AXIS_WIDTH = 36  # the histogram and the strip under it get the same left margin (and the same, there
# invisible, axis title), so their x axes line up
MAX_BARS = 150  # above this (national scale), the ranked chart shows the head and the tail
BLUE, RED, GREEN, ORANGE, GREY = "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#7f7f7f"


def target_text(metric: ui.Metric, target: dict) -> str:
    """'≥ 70 %', '75–80 %', '100 %', '≥ 0,5' — the target as the plan writes it, in display format."""
    return ui.target_label(target["comparator"], target["target_value"], target["target_upper"],
                           "%" if metric.unit == "pct" else None, target["target_text"])


def open_profile(event, selection: str) -> None:
    """A commune clicked in a chart → its profile page (the chart's point selection named `selection`)."""
    points = (event.selection.get(selection) or []) if event else []
    if points and points[0].get("commune_code"):
        st.switch_page(PROFILE_PAGE, query_params={"commune": points[0]["commune_code"]})


def previous_or_same(periods: list, period) -> object | None:
    """The latest of `periods` at or before `period` (None when every one is later)."""
    earlier = [p for p in periods if p <= period]
    return max(earlier) if earlier else None


# ---------------------------------------------------------------- choices (all from / to the URL)

ui.page_header("So sánh giữa các xã, phường, đặc khu")

available = ui.known_metrics()
if not available:
    st.info("Chưa có số liệu để so sánh.", icon=":material/info:")
    st.stop()

c1, c2, c3 = st.columns([5, 2, 3])
metric, period = ui.metric_and_period(available, "compare", c1, c2)
metric_name = metric.name
kind = c3.segmented_control("Biểu đồ", list(CHART_KINDS), default=ui.param_choice("chart", list(CHART_KINDS), "rank"),
                            format_func=CHART_KINDS.get, key="compare_chart", required=True)

metric2_name, period2 = None, None
if kind == "scatter":
    others = [m for m in available if m != metric_name]
    default2 = next((m for m in others if ui.get_metric(m).dataset != metric.dataset), others[0])
    metric2_name = st.selectbox("Chỉ số thứ hai (trục dọc)", others,
                                index=others.index(ui.param_choice("metric2", others, default2)),
                                format_func=lambda name: ui.get_metric(name).long_label, key="compare_metric2")
    period2 = previous_or_same(ui.metric_periods(metric2_name), period)

options = ui.filter_options()
chosen = {}
with st.expander("Lọc theo tỉnh cũ, huyện cũ, loại đơn vị",
                 expanded=any(st.query_params.get_all(name) for name in FILTERS)):
    for column, (name, (label, field)) in zip(st.columns(3), FILTERS.items(), strict=True):
        chosen[name] = column.multiselect(label, options[field], default=ui.param_list(name, options[field]),
                                          key=f"compare_{name}", placeholder="Tất cả",
                                          select_all=False)  # its label is English
provinces, districts, types = chosen["province"], chosen["district"], chosen["type"]
ui.set_params(metric=metric_name, period=period, chart=None if kind == "rank" else kind, metric2=metric2_name,
              province=provinces, district=districts, type=types)
filters_text = "; ".join(f"{FILTERS[n][0]}: {', '.join(v)}" for n, v in chosen.items() if v) or "tất cả đơn vị"

# ---------------------------------------------------------------- data

frame = ui.commune_metric(metric_name, period, provinces or None, districts or None, types or None)
province = ui.province_reference(metric_name, period)
target = ui.metric_target(metric_name, period.year)
reference = "trung bình mỗi đơn vị" if metric.unit == "count" else "toàn tỉnh"
shown = frame.dropna(subset=["value"])
n_ranked = int(frame["units_ranked"].max()) if len(frame) else 0

notes = [f"{ui.number(len(shown))} đơn vị có số liệu", f"{reference}: {metric.format(province)}"]
if target:
    notes.append(f"chỉ tiêu đến năm {target['year']}: {target_text(metric, target)}")
notes.append(f"hạng tính trên {ui.number(n_ranked)} đơn vị báo cáo")
st.caption(" · ".join(notes))

if shown.empty:
    st.info("Không có đơn vị nào phù hợp với bộ lọc.", icon=":material/filter_alt_off:")
    st.stop()

chart_data = shown.assign(
    value_text=shown["value"].map(metric.format),
    rank_text=[ui.rank(r, n) for r, n in zip(shown["rank"], shown["units_ranked"], strict=False)],
)
if target:
    target_label = f"Chỉ tiêu {target['year']}: {target_text(metric, target)}"
    chart_data["status"] = chart_data["met"].map({True: "Đạt chỉ tiêu", False: "Chưa đạt"}).fillna("Chưa đánh giá")


# ---------------------------------------------------------------- charts

def reference_layers() -> list:
    """Vertical lines for the province value and the target (a band for a range), with their legend."""
    rows, colors = [], []
    if province is not None and not pd.isna(province):
        rows.append({"what": f"{reference.capitalize()}: {metric.format(province)}", "value": province,
                     "upper": province})
        colors.append(RED)
    if target:
        upper = target["target_upper"] if target["comparator"] == "range" else target["target_value"]
        rows.append({"what": target_label, "value": target["target_value"], "upper": upper})
        colors.append(GREEN)
    if not rows:
        return []
    refs = alt.Chart(pd.DataFrame(rows))
    color = alt.Color("what:N", title=None, scale=alt.Scale(domain=[r["what"] for r in rows], range=colors),
                      legend=alt.Legend(orient="top", labelLimit=400))
    layers = [refs.mark_rule(strokeDash=[6, 3], size=2).encode(
        x="value:Q", color=color, tooltip=alt.Tooltip("what:N", title="Tham chiếu"))]
    if target and target["comparator"] == "range":
        layers.insert(0, refs.transform_filter(alt.datum.value != alt.datum.upper)
                      .mark_rect(opacity=0.15, color=GREEN).encode(x="value:Q", x2="upper:Q"))
    return layers


def ranked_chart(data: pd.DataFrame) -> alt.LayerChart:
    pick = alt.selection_point(name="commune", fields=["commune_code"], on="click", empty=False)
    color = (alt.Color("status:N", title=None, scale=alt.Scale(domain=["Đạt chỉ tiêu", "Chưa đạt", "Chưa đánh giá"],
                                                               range=[BLUE, ORANGE, "#9e9e9e"]),
                       legend=alt.Legend(orient="top")) if target else alt.value(BLUE))
    bars = alt.Chart(data).mark_bar(cursor="pointer").encode(
        x=alt.X("value:Q", title=metric.axis_title, axis=alt.Axis(orient="top")),
        y=alt.Y("commune_name:N", sort=alt.SortField("order"), title=None,
                axis=alt.Axis(labelLimit=220, labelOverlap=False, labelFontSize=11)),
        color=color,
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.85)),
        tooltip=[alt.Tooltip("commune_name:N", title="Đơn vị"), alt.Tooltip("value_text:N", title=metric.label),
                 alt.Tooltip("rank_text:N", title="Hạng"), alt.Tooltip("former_district:N", title="Huyện cũ")],
    ).add_params(pick)
    return alt.layer(bars, *reference_layers()).resolve_scale(color="independent").properties(height=alt.Step(19))


def draw_ranked() -> None:
    data = chart_data.sort_values(["value", "commune_name"], ascending=[not metric.higher_is_better, True])
    if len(data) > MAX_BARS:
        half = MAX_BARS // 2
        data = pd.concat([data.head(half), data.tail(half)])
        st.caption(f"Biểu đồ hiện {half} đơn vị đầu và {half} đơn vị cuối trong {ui.number(len(chart_data))} đơn vị; "
                   "bảng bên dưới có đủ.")
    data = data.assign(order=range(len(data)))
    st.caption("Bấm vào một thanh để mở hồ sơ xã.")
    event = st.altair_chart(ranked_chart(data).configure(locale=ui.VEGA_LOCALE), width="stretch",
                            on_select="rerun", selection_mode="commune", key="compare_rank_chart")
    open_profile(event, "commune")


def reference_values() -> list[float]:
    values = [province] if province is not None and not pd.isna(province) else []
    if target:
        values += [v for v in (target["target_value"], target["target_upper"]) if v is not None and not pd.isna(v)]
    return values


def draw_distribution() -> None:
    values = chart_data["value"]
    extent = [min(values.min(), *reference_values()), max(values.max(), *reference_values())]
    scale = alt.Scale(domain=extent, nice=True)
    histogram = alt.Chart(chart_data).mark_bar(color=BLUE).encode(
        x=alt.X("value:Q", bin=alt.Bin(maxbins=24, extent=extent), title=metric.axis_title, scale=scale,
                axis=alt.Axis(format=",~f")),
        y=alt.Y("count():Q", title="Số đơn vị", axis=alt.Axis(minExtent=Y_AXIS_WIDTH, maxExtent=Y_AXIS_WIDTH)),
        tooltip=[alt.Tooltip("value:Q", bin=True, title="Khoảng giá trị", format=",.1f"),
                 alt.Tooltip("count():Q", title="Số đơn vị")],
    )
    chart = alt.layer(histogram, *reference_layers()).properties(height=300)
    st.altair_chart(chart.configure(locale=ui.VEGA_LOCALE), width="stretch", key="compare_dist_chart")
    q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
    st.caption(f"Trung vị {metric.format(median)} · một nửa số đơn vị trong khoảng {metric.format(q1)} – "
               f"{metric.format(q3)} · thấp nhất {metric.format(values.min())}, cao nhất {metric.format(values.max())}. "
               "Mỗi vạch bên dưới là một đơn vị: bấm để mở hồ sơ xã.")
    pick = alt.selection_point(name="commune", fields=["commune_code"], on="click", empty=False)
    strip = alt.Chart(chart_data.assign(one="")).mark_tick(thickness=2, size=30, cursor="pointer").encode(
        x=alt.X("value:Q", title=None, scale=scale, axis=alt.Axis(format=",~f")),
        y=alt.Y("one:N", title="Số đơn vị", axis=alt.Axis(labels=False, ticks=False, domain=False, titleOpacity=0,
                                                           minExtent=Y_AXIS_WIDTH, maxExtent=Y_AXIS_WIDTH)),
        color=alt.condition(pick, alt.value(RED), alt.value(BLUE)),
        tooltip=[alt.Tooltip("commune_name:N", title="Đơn vị"), alt.Tooltip("value_text:N", title=metric.label),
                 alt.Tooltip("rank_text:N", title="Hạng")],
    ).add_params(pick).properties(height=60)
    event = st.altair_chart(strip.configure(locale=ui.VEGA_LOCALE), width="stretch", on_select="rerun",
                            selection_mode="commune", key="compare_strip_chart")
    open_profile(event, "commune")


def value_table() -> tuple[pd.DataFrame, dict]:
    """The table behind the ranked and distribution views, and per column (Excel format, display format)."""
    table = chart_data[["rank", "commune_name", "unit_type", "former_district", "value"]].rename(columns={
        "rank": "Hạng", "commune_name": "Đơn vị", "unit_type": "Loại", "former_district": "Huyện cũ",
        "value": metric.label,
    })
    if target:
        table["So với chỉ tiêu"] = chart_data["status"].str.replace("Đạt chỉ tiêu", "Đạt")
    return table, {"Hạng": ("int", ui.number), metric.label: (excel_format(metric), metric.format)}


def excel_format(m: ui.Metric) -> str:
    return "pct" if m.unit == "pct" else ("int" if m.unit == "count" else "dec1")


# ---------------------------------------------------------------- scatter: a second measure

def draw_scatter(pair: pd.DataFrame, metric2: ui.Metric) -> None:
    pick = alt.selection_point(name="commune", fields=["commune_code"], on="click", empty=False)
    data = pair.assign(x_text=pair["x_value"].map(metric.format), y_text=pair["y_value"].map(metric2.format))
    points = alt.Chart(data).mark_circle(size=70, opacity=0.8, cursor="pointer").encode(
        x=alt.X("x_value:Q", title=metric.axis_title, scale=alt.Scale(zero=False)),
        y=alt.Y("y_value:Q", title=metric2.axis_title, scale=alt.Scale(zero=False)),
        color=alt.Color("unit_type:N", title="Loại đơn vị", legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["xã", "phường", "đặc khu"], range=[BLUE, ORANGE, GREEN])),
        size=alt.condition(pick, alt.value(220), alt.value(70)),
        tooltip=[alt.Tooltip("commune_name:N", title="Đơn vị"), alt.Tooltip("x_text:N", title=metric.label),
                 alt.Tooltip("y_text:N", title=metric2.label), alt.Tooltip("former_district:N", title="Huyện cũ")],
    ).add_params(pick)
    layers = [points]
    for axis, value in (("x", province), ("y", ui.province_reference(metric2.name, period2))):
        if value is not None and not pd.isna(value):
            encoding = {axis: alt.X("v:Q") if axis == "x" else alt.Y("v:Q")}
            layers.append(alt.Chart(pd.DataFrame({"v": [value]})).mark_rule(color=GREY, strokeDash=[4, 4])
                          .encode(**encoding))
    st.caption("Đường chấm: giá trị toàn tỉnh (với số lượng: trung bình mỗi đơn vị). Bấm vào một điểm để mở hồ sơ xã.")
    event = st.altair_chart(alt.layer(*layers).properties(height=480).configure(locale=ui.VEGA_LOCALE),
                            width="stretch", on_select="rerun", selection_mode="commune", key="compare_scatter_chart")
    open_profile(event, "commune")


def pair_table(pair: pd.DataFrame, metric2: ui.Metric) -> tuple[pd.DataFrame, dict]:
    x_label, y_label = f"{metric.label} ({metric.period_text(period)})", f"{metric2.label} ({metric2.period_text(period2)})"
    table = pair[["commune_name", "unit_type", "former_district", "x_value", "x_rank", "y_value", "y_rank"]].rename(
        columns={"commune_name": "Đơn vị", "unit_type": "Loại", "former_district": "Huyện cũ", "x_value": x_label,
                 "x_rank": "Hạng (1)", "y_value": y_label, "y_rank": "Hạng (2)"})
    return table, {x_label: (excel_format(metric), metric.format), y_label: (excel_format(metric2), metric2.format),
                   "Hạng (1)": ("int", ui.number), "Hạng (2)": ("int", ui.number)}


# ---------------------------------------------------------------- draw

if kind == "scatter":
    metric2 = ui.get_metric(metric2_name)
    if period2 is None:
        st.info(f"«{metric2.label}» không có số liệu ở kỳ {metric.period_text(period)} hoặc trước đó.",
                icon=":material/info:")
        st.stop()
    pair = ui.commune_metric_pair(metric_name, period, metric2_name, period2,
                                  provinces or None, districts or None, types or None)
    st.caption(f"Trục ngang: {metric.label}, kỳ {metric.period_text(period)}. Trục dọc: {metric2.label}, "
               f"kỳ {metric2.period_text(period2)} (kỳ gần nhất của chỉ số này không sau kỳ đã chọn). "
               f"{ui.number(len(pair))} đơn vị có cả hai số liệu"
               + (f"; hệ số tương quan r = {ui.number(pair['correlation'].iloc[0], 2)}."
                  if len(pair) > 2 else "."))
    if pair.empty:
        st.stop()
    draw_scatter(pair, metric2)
    table, formats = pair_table(pair, metric2)
    stem = f"tuong_quan_{metric_name}_{metric2_name}_{period:%Y%m%d}"
    title_note = f"{metric.label} ({metric.period_text(period)}) và {metric2.label} ({metric2.period_text(period2)})"
else:
    if kind == "rank":
        draw_ranked()
    else:
        draw_distribution()
    table, formats = value_table()
    stem = f"so_sanh_{metric_name}_{period:%Y%m%d}"
    title_note = f"{metric.label} — kỳ {metric.period_text(period)}" + (f" — {target_label}" if target else "")

ui.table(table, {col: shown_as for col, (_, shown_as) in formats.items()})
ui.export_button(table, stem, key="compare_export", formats={col: excel for col, (excel, _) in formats.items()},
                 notes=[title_note, f"Bộ lọc: {filters_text}"])

former = ui.former_unit_values(metric=metric_name)
if not former.empty:
    with st.expander(f"Trước sáp nhập: {len(former)} số liệu của đơn vị cũ", icon=":material/history:"):
        st.caption("Số liệu báo cáo cho đơn vị trước ngày 1/7/2025 (huyện cũ, xã cũ đã chia cho nhiều đơn vị mới): "
                   "giữ như báo cáo ghi, không tính cho đơn vị mới nào và không xếp hạng.")
        st.dataframe(ui.former_table(former), hide_index=True, width="stretch")
