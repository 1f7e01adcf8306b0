"""Bình dân học vụ số at a glance, for one snapshot date (?date=): the province's totals and their change since the
previous snapshot, one measure's ranking as a chart (a bar opens the commune's profile), the units that moved most
up and down, and the full table of ranks x/n."""

import pandas as pd
import streamlit as st

import ui

SCOPES = {"top": "10 đầu", "bottom": "10 cuối", "all": "Tất cả"}
BARS, MOVERS = 10, 5
MAX_BARS = 150  # «Tất cả» beyond this many units (national scale): the first and the last half of it
MOVED = ("learners", "learners_per_1000")  # the measures whose rank change the table shows
RANK_HELP = ("x/n: hạng x trong n đơn vị có số liệu của chỉ số đó cùng ngày (1 + số đơn vị đứng trên); "
             "dấu * là hạng tỉnh công bố trong báo cáo của đơn vị, khi kho chưa có đủ bảng xếp hạng ngày đó.")


def delta(metric: ui.Metric, change) -> str | None:
    """'+74.360' / '-3,1' for st.metric (an ASCII minus, so that Streamlit draws the arrow down)."""
    return None if pd.isna(change) else ui.change_text(metric, change).replace("−", "-")


def province_cards(province: pd.DataFrame) -> None:
    """One card per measure: the province's figure of the snapshot and its change since the previous one."""
    rows = province.set_index("metric")
    for column, metric in zip(st.columns(len(measures)), measures, strict=True):
        if metric.name not in rows.index:
            continue
        row = rows.loc[metric.name]
        units = ui.number(row["units_reporting"])
        how = (f"Tổng của {units} đơn vị có số liệu." if row["province_method"] == "sum" else
               f"Tổng học viên / tổng dân số của {units} đơn vị × 1.000 (không phải trung bình các tỷ lệ).")
        column.metric(metric.label, metric.format(row["value"]), delta=delta(metric, row["change"]), border=True, help=how)


def ranking_spec(bars: pd.DataFrame, metric: ui.Metric, reference, both_axes: bool) -> dict:
    """Bars best first, each labelled with its value (ui.charts.ranked_bars); a bar opens the unit's profile."""
    tooltip = [{"field": "commune_name", "title": "Đơn vị"}, {"field": "value_text", "title": metric.label},
               {"field": "rank_text", "title": "Hạng"}, {"field": "movement", "title": "Thay đổi hạng"},
               {"field": "former_district", "title": "Huyện cũ"}]
    lines = ui.comparison.reference_lines(metric, reference, None)  # the province's line (a count: the mean)
    spec = ui.charts.ranked_bars(bars, metric.axis_title, lines, colour={"value": ui.charts.BLUE}, tooltip=tooltip,
                                 both_axes=both_axes)
    return spec | {"config": {"locale": ui.VEGA_LOCALE}}


def draw_ranking(metric: ui.Metric, scope: str, reference) -> None:
    ranked = int(frame[f"{metric.name}_rank"].notna().sum())
    if not ranked:
        st.info(f"Chưa đơn vị nào được xếp hạng theo «{metric.label}» ngày này.", icon=":material/info:")
        return
    note = f"{ui.number(ranked)} đơn vị được xếp hạng"
    first, last = {"top": (BARS, 0), "bottom": (0, BARS), "all": (None, 0)}[scope]
    if scope == "all" and ranked > MAX_BARS:
        first = last = MAX_BARS // 2
        note += f"; biểu đồ hiện {first} đơn vị đầu và {last} đơn vị cuối, bảng bên dưới có đủ"
    shown = ui.ranking_bars(frame, metric.name, first, last)
    event = st.vega_lite_chart(shown, ranking_spec(shown, metric, reference, scope == "all"), width="stretch",
                               on_select="rerun", selection_mode="commune", key="bdhvs_chart")
    st.caption(f"{note}. Bấm vào một thanh để mở hồ sơ xã.")
    ui.open_clicked_profile(event, "commune")


def mover_lines(movers: pd.DataFrame, up: bool) -> str:
    """':green[:material/arrow_upward: 11] Phường Trà Câu · hạng 9/96 (trước: 20)', one line per unit."""
    color, arrow = ("green", "arrow_upward") if up else ("red", "arrow_downward")
    return "  \n".join(
        f":{color}[:material/{arrow}: **{abs(int(r.rank_change))}**] {ui.md_text(r.commune_name)} · "
        f"hạng {ui.rank(r.rank, r.units_ranked)} (trước: {int(r.previous_rank)})" for r in movers.itertuples())


def draw_movers(metric: ui.Metric, since: str) -> None:
    if not since:
        st.caption("Ngày số liệu đầu tiên: chưa có kỳ trước để so sánh thứ hạng.")
        return
    up, down = ui.rank_movers(frame, metric.name, MOVERS)
    for title, movers, rose in (("Tăng hạng nhiều nhất", up, True), ("Giảm hạng nhiều nhất", down, False)):
        st.markdown(f"**{title}**")
        st.markdown(mover_lines(movers, rose) if len(movers) else "Không có đơn vị nào.")
    st.caption(f"Số bậc thay đổi theo «{metric.short_label}» {since}; chỉ tính đơn vị được xếp hạng cả hai ngày.")


def column_config(since: str) -> dict:
    """Short headers with the long ones as help, widths that fit the table at 1.366 px."""
    config = {"Đơn vị": st.column_config.TextColumn("Đơn vị", width=180, pinned=True)}
    for metric in measures:
        short = metric.short_label.lower()
        header = "Theo dân số" if metric.unit == "per1000" else metric.short_label
        config[metric.short_label] = st.column_config.TextColumn(header, help=metric.label, width=64 + 2 * len(header))
        config[f"Hạng {short}"] = st.column_config.TextColumn("Hạng", help=f"Hạng {short}. {RANK_HELP}", width=50)
        if metric.name in MOVED:
            config[f"Thay đổi hạng {short}"] = st.column_config.TextColumn(
                "Thay đổi", help=f"Thay đổi hạng {short} {since or 'so với kỳ trước'}.", width=88)
    return config


# ---------------------------------------------------------------- choices (all from / to the URL)

ui.page_header("Bình dân học vụ số — xếp hạng các xã")

snapshots = ui.bdhvs_snapshots()
if not snapshots:
    st.info("Chưa có số liệu Bình dân học vụ số.", icon=":material/info:")
    st.stop()
measures = ui.metrics_of_dataset("bdhvs")
names = [m.name for m in measures]
snapshot = st.selectbox("Ngày số liệu", snapshots, index=snapshots.index(ui.param_choice("date", snapshots, snapshots[0])),
                        format_func=ui.day, key="bdhvs_date", width=220)

frame = ui.bdhvs_rankings(snapshot)
province = ui.bdhvs_province(snapshot)
previous = frame["previous_period_end"].dropna()
since = f"so với ngày {ui.day(previous.iloc[0])}" if len(previous) else ""

# ---------------------------------------------------------------- 1. the province
st.subheader(f"Toàn tỉnh ngày {ui.day(snapshot)}")
st.caption(f"{ui.number(len(frame))} đơn vị có số liệu" + (f" · thay đổi {since}" if since else ""))
province_cards(province)

# ---------------------------------------------------------------- 2. the ranking, 3. who moved
st.subheader("Xếp hạng và thay đổi thứ hạng")
with st.container(horizontal=True, gap="medium"):
    name = st.segmented_control("Chỉ số", names, default=ui.param_choice("metric", names, names[0]), required=True,
                                format_func=lambda n: ui.get_metric(n).short_label, key="bdhvs_metric")
    scope = st.segmented_control("Hiện", list(SCOPES), default=ui.param_choice("show", list(SCOPES), "top"),
                                 required=True, format_func=SCOPES.get, key="bdhvs_show")
ui.set_params(date=snapshot, metric=None if name == names[0] else name, show=None if scope == "top" else scope)
metric = ui.get_metric(name)
reference = province.set_index("metric")["reference"].get(name)

chart_column, movers_column = st.columns([3, 2], gap="large")
with chart_column:
    draw_ranking(metric, scope, reference)
with movers_column:
    draw_movers(metric, since)

# ---------------------------------------------------------------- 4. the full table
st.subheader("Bảng xếp hạng đầy đủ")
st.caption(f"{RANK_HELP} «Theo dân số» = học viên trên 1.000 dân (dân số trong báo cáo, nếu không có thì dân số ước tính). "
           "Di chuột lên tiêu đề cột để xem tên đầy đủ.")
ui.table(ui.wide_table(frame, names, moved=MOVED), {}, height=600,
         column_config=column_config(since))
export = ui.bdhvs_export(frame)
ui.export_button(export, f"bdhvs_xep_hang_{snapshot:%Y%m%d}", key="bdhvs_export",
                 formats={col: ("dec1" if "1.000" in col else "int") for col in export.columns[1:]},
                 notes=[f"Bình dân học vụ số — xếp hạng ngày {ui.day(snapshot)} ({len(frame)} đơn vị có số liệu)",
                        "Thay đổi hạng: số dương = lên bậc, số âm = xuống bậc" + (f", {since}" if since else "")],
                 datasets=("bdhvs", "communes"), filters=[])
