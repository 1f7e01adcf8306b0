"""So sánh xã: any measure across the communes — ranked, its distribution, or against a second measure of an
overlapping period — opening with the answer (how many units miss the plan's target, the ten last first), the
province value and the target as lines labelled on the chart; a commune chosen in a chart opens its profile.
Every choice lives in the URL. The answers, chart specs and tables are ui.comparison's (warehouse/comparison.py)."""

import pandas as pd
import streamlit as st

import ui

cmp = ui.comparison
CHART_KINDS = {"rank": "Xếp hạng", "dist": "Phân bố", "scatter": "Tương quan"}
BARS = 10
SCOPES = {"bottom": f"{BARS} cuối", "top": f"{BARS} đầu", "all": "Tất cả"}
FILTERS = {"province": ("Tỉnh cũ", "former_province"), "district": ("Huyện cũ", "former_district"),
           "type": ("Loại đơn vị", "unit_type")}
MAX_BARS = 150  # above this (national scale), "Tất cả" shows the head and the tail


def draw(data: pd.DataFrame, spec: dict, key: str, clickable: bool = True) -> None:
    """A Vega-Lite chart in Vietnamese number format; a unit clicked in it opens its profile."""
    event = st.vega_lite_chart(data, spec | {"config": {"locale": ui.VEGA_LOCALE}}, width="stretch", key=key,
                               **({"on_select": "rerun", "selection_mode": "commune"} if clickable else {}))
    if clickable:
        ui.open_clicked_profile(event, "commune")


# ---------------------------------------------------------------- choices (all from / to the URL)

ui.page_header("So sánh giữa các xã, phường, đặc khu")

available = ui.known_metrics()
if not available:
    st.info("Chưa có số liệu để so sánh.", icon=":material/info:")
    st.stop()

c1, c2, c3 = st.columns([4, 2, 3])
metric, period = ui.metric_and_period(available, "compare", c1, c2)
metric_name = metric.name
period_text = ui.period_text(metric, period)
kind = c3.segmented_control("Biểu đồ", list(CHART_KINDS), default=ui.param_choice("chart", list(CHART_KINDS), "rank"),
                            format_func=CHART_KINDS.get, key="compare_chart", required=True)


def overlapping(name: str):
    """The latest period of measure `name` that shares a day with the chosen period (None when none does)."""
    return ui.latest_overlapping(metric, period, period_start, ui.get_metric(name), ui.metric_periods(name))


metric2_name, period2 = None, None
if kind == "scatter":
    period_start = ui.metric_periods(metric_name)[period]
    others = [m for m in available if m != metric_name]
    # the link's second measure, else the first of another dataset with an overlapping period
    default2 = ui.param_choice("metric2", others, None) or next(
        (m for m in others if ui.get_metric(m).dataset != metric.dataset and overlapping(m)), others[0])
    metric2_name = st.selectbox("Chỉ số thứ hai (trục dọc)", others, index=others.index(default2),
                                format_func=lambda name: ui.get_metric(name).long_label, key="compare_metric2")
    period2 = overlapping(metric2_name)

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
filters = [f"{FILTERS[n][0]}: {', '.join(v)}" for n, v in chosen.items() if v]

# ---------------------------------------------------------------- data

frame = ui.commune_metric(metric_name, period, provinces or None, districts or None, types or None)
province = ui.province_reference(metric_name, period)
target = ui.metric_target(metric_name, period.year)
chart_data = cmp.ranked_frame(frame, metric, bool(target))  # the units with a value, best first
lines = cmp.reference_lines(metric, province, target)

notes = [f"{ui.number(len(chart_data))} đơn vị có số liệu {period_text}"]
notes += [line["text"][0].lower() + line["text"][1:] for line in lines]
notes.append(f"hạng tính trên {ui.number(frame['units_ranked'].max() if len(frame) else 0)} đơn vị báo cáo")
st.caption(" · ".join(notes))

if chart_data.empty:
    st.info("Không có đơn vị nào phù hợp với bộ lọc.", icon=":material/filter_alt_off:")
    st.stop()


# ---------------------------------------------------------------- charts

def draw_ranked() -> pd.DataFrame:
    """The ten last, the ten first or all (`?show=`), as bars; returns the rows shown, for the table."""
    scope = "all"
    if len(chart_data) > BARS:
        scope = st.segmented_control("Hiện", list(SCOPES), default=ui.param_choice("show", list(SCOPES), "bottom"),
                                     format_func=SCOPES.get, key="compare_show", required=True)
        ui.set_params(show=None if scope == "bottom" else scope)
    bars = {"top": chart_data.head(BARS), "bottom": chart_data.tail(BARS), "all": chart_data}[scope]
    if len(bars) > MAX_BARS:
        bars = pd.concat([bars.head(MAX_BARS // 2), bars.tail(MAX_BARS // 2)])
        st.caption(f"Biểu đồ hiện {MAX_BARS // 2} đơn vị đầu và {MAX_BARS // 2} đơn vị cuối trong "
                   f"{ui.number(len(chart_data))} đơn vị; tải bảng Excel để có đủ.")
    columns = ["commune_code", "commune_name", "former_district", "label", "value", "value_text", "rank_text", "status"]
    draw(bars[columns], cmp.ranked_spec(bars, metric, lines, bool(target), scope == "all"), "compare_rank_chart")
    st.caption("Bấm vào một thanh để mở hồ sơ xã.")
    return chart_data if scope == "all" else bars


def draw_distribution() -> pd.DataFrame:
    values = chart_data["value"]
    histogram, strip = cmp.distribution_specs(values, metric, lines)
    draw(chart_data[["value"]], histogram, "compare_dist_chart", clickable=False)
    q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
    st.caption(f"Trung vị {metric.format(median)} · một nửa số đơn vị trong khoảng {metric.format(q1)} – "
               f"{metric.format(q3)} · thấp nhất {metric.format(values.min())}, cao nhất {metric.format(values.max())}. "
               "Mỗi vạch bên dưới là một đơn vị: bấm để mở hồ sơ xã.")
    draw(chart_data[["commune_code", "commune_name", "value", "value_text", "rank_text"]].assign(one=""), strip,
         "compare_strip_chart")
    return chart_data


def draw_scatter(pair: pd.DataFrame, metric2: ui.Metric) -> None:
    lines_x = cmp.reference_lines(metric, province, target, ui.charts.GREY)
    lines_y = cmp.reference_lines(metric2, ui.province_reference(metric2.name, period2),
                                  ui.metric_target(metric2.name, period2.year), ui.charts.GREY)
    data = pair[["commune_code", "commune_name", "unit_type", "former_district", "x_value", "y_value", "extremity"]]
    data = data.assign(x_text=data["x_value"].map(metric.format), y_text=data["y_value"].map(metric2.format))
    draw(data, cmp.scatter_spec(data, metric, metric2, lines_x, lines_y), "compare_scatter_chart")
    st.caption(f"Đường chấm: giá trị toàn tỉnh (xám; với số lượng: trung bình mỗi đơn vị) và chỉ tiêu (xanh lá). "
               f"Có tên: {cmp.LABELLED} đơn vị xa nhóm nhất. Bấm vào một điểm để mở hồ sơ xã.")


# ---------------------------------------------------------------- draw

config = None
if kind == "scatter":
    metric2 = ui.get_metric(metric2_name)
    if period2 is None:
        periods2 = ", ".join(metric2.period_text(end, start) for end, start in ui.metric_periods(metric2_name).items())
        st.info(f"«{metric2.label}» không có kỳ số liệu nào trùng với {period_text} của «{metric.label}» (các kỳ có: "
                f"{periods2}): chọn kỳ hoặc chỉ số khác. Hai chỉ số chỉ được đặt cạnh nhau khi kỳ của chúng có chung "
                "ngày.", icon=":material/info:")
        st.stop()
    period2_text = ui.period_text(metric2, period2)
    pair = ui.commune_metric_pair(metric_name, period, metric2_name, period2,
                                  provinces or None, districts or None, types or None)
    st.subheader(cmp.correlation_text(pair["correlation"].iloc[0] if len(pair) else None, len(pair)), anchor=False)
    st.caption(f"Trục ngang: {metric.label}, {period_text}. Trục dọc: {metric2.label}, {period2_text}: kỳ mới nhất "
               "của chỉ số này có chung ngày với kỳ đã chọn (không ghép hai kỳ rời nhau).")
    if pair.empty:
        st.stop()
    draw_scatter(pair, metric2)
    table, formats = cmp.pair_table(pair, metric, period_text, metric2, period2_text)
    export = table
    config = {table.columns[3]: st.column_config.Column(help=metric.label),  # short headers, the long as help
              table.columns[5]: st.column_config.Column(help=metric2.label)}
    stem = f"tuong_quan_{metric_name}_{metric2_name}_{period:%Y%m%d}"
    datasets = [metric.dataset, metric2.dataset, *(["targets"] if target else []), "communes"]
    title_note = f"{metric.label} ({period_text}) và {metric2.label} ({period2_text})"
else:
    st.subheader(ui.md_text(cmp.answer(chart_data, metric, target)), anchor=False)
    rows = draw_ranked() if kind == "rank" else draw_distribution()
    export, formats = cmp.value_table(chart_data, metric, bool(target))
    table = export.loc[rows.index]
    if len(table) < len(export):
        st.caption(f"Bảng hiện {ui.number(len(table))} đơn vị của biểu đồ; chọn «{SCOPES['all']}» để xem đủ "
                   f"{ui.number(len(export))} đơn vị.")
    stem = f"so_sanh_{metric_name}_{period:%Y%m%d}"
    datasets = [metric.dataset, *(["targets"] if target else []), "communes"]
    title_note = f"{metric.label} — {period_text}" + (f" — {lines[-1]['text']}" if target else "")

ui.table(table, {col: shown_as for col, (_, shown_as) in formats.items()}, column_config=config)
ui.export_button(export, stem, key="compare_export", formats={col: excel for col, (excel, _) in formats.items()},
                 notes=[title_note], datasets=tuple(dict.fromkeys([*datasets, "communes"])), filters=filters)

former = ui.former_unit_values(metric=metric_name)
if not former.empty:
    with st.expander(f"Trước sáp nhập: {len(former)} số liệu của đơn vị cũ", icon=":material/history:"):
        st.caption("Số liệu báo cáo cho đơn vị trước ngày 1/7/2025 (huyện cũ, xã cũ đã chia cho nhiều đơn vị mới): "
                   "giữ như báo cáo ghi, không tính cho đơn vị mới nào và không xếp hạng.")
        st.dataframe(ui.former_table(former), hide_index=True, width="stretch")
