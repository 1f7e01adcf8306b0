"""Chỉ tiêu: the action plan's targets with the province's and the communes' attainment per year, goal lines
on the charts, and the indicators no measure of the warehouse tracks listed as such."""

import altair as alt
import pandas as pd
import streamlit as st

import ui

ui.page_header(
    "Chỉ tiêu kế hoạch chuyển đổi số",
    "Chỉ tiêu theo phụ lục của kế hoạch hành động (bộ dữ liệu «Chỉ tiêu»), so với số liệu mới nhất đến hết năm "
    "của chỉ tiêu. «≥ x» và «x» đạt khi thực tế ≥ x; khoảng «75–80 %» đạt khi thực tế đạt cận dưới 75 %; "
    "«≤ x» đạt khi thực tế ≤ x.",
)
TABLE_ROWS = 300
GOAL_RED = "#c62828"
STATUS_COLORS = {"Đạt": "color: #1b7f3b; font-weight: 600", "Chưa đạt": "color: #c62828; font-weight: 600",
                 ui.UNTRACKED: "color: #757575"}

plans = ui.plans()
if not plans:
    st.info("Chưa có bộ dữ liệu chỉ tiêu. Hãy tải phụ lục chỉ tiêu của kế hoạch lên ở trang «Tải dữ liệu lên».",
            icon=":material/info:")
    st.stop()
units = list(plans)
whose = st.selectbox("Kế hoạch", units, index=units.index(ui.param_choice("plan", units, units[0])), key="targets_plan",
                     format_func=lambda u: "Kế hoạch của tỉnh" if u == ui.PROVINCE else f"Kế hoạch riêng của {plans[u]}")
judged_whom = ("toàn tỉnh và từng xã, phường, đặc khu" if whose == ui.PROVINCE
               else f"riêng {plans[whose]} (kế hoạch của đơn vị, không áp cho đơn vị khác)")
st.caption(f"Chỉ tiêu của kế hoạch này được đánh giá cho {judged_whom}.")
years = ui.target_years(whose)
plan = ui.plan_year()
default_year = plan["target_year"] if plan["target_year"] in years else years[0]
year = st.selectbox("Năm chỉ tiêu", years, index=years.index(ui.param_choice("year", years, default_year)),
                    key="targets_year", format_func=lambda y: f"Đến năm {y}")

# ---------------------------------------------------------------- the year's indicators
summary = ui.target_summary(year, whose)
unit = "toàn tỉnh" if whose == ui.PROVINCE else plans[whose]
table = ui.summary_table(summary, unit)
tracked = summary[summary["is_tracked"]]
counts = ui.indicator_counts(year, None if whose == ui.PROVINCE else whose, whose)
st.subheader(f"Các chỉ tiêu đến năm {year}")
st.caption(f"{summary['indicator_code'].nunique()} chỉ tiêu; {tracked['indicator_code'].nunique()} chỉ tiêu có số đo "
           f"trong kho ({len(tracked)} số đo), {'toàn tỉnh' if whose == ui.PROVINCE else plans[whose]} đạt "
           f"{counts['met']}/{counts['judged']} chỉ tiêu đánh giá được"
           + (f", {counts['not_due']} chưa đến hạn" if counts["not_due"] else "")
           + (f", {counts['unjudged']} chỉ có số đo gần đúng (không đánh giá)" if counts["unjudged"] else "")
           + ". Các chỉ tiêu khác chưa có số liệu trong kho: được liệt kê, không ước đoán.")
result_help = f"Kết quả {unit} so với mục tiêu; «{ui.UNTRACKED}»: chỉ tiêu chưa có số đo nào trong kho"
st.dataframe(table.style.map(lambda v: STATUS_COLORS.get(v, ""), subset=[f"Kết quả {unit}"]),
             hide_index=True, placeholder="–", width="stretch", height=35 * (len(table) + 1) + 3,
             column_config={  # widths that fit a 1.366 px laptop (≈ 900 px of table); full texts on hover
                 "STT": st.column_config.TextColumn(width=40),
                 "Chỉ tiêu": st.column_config.TextColumn(width=280, help="Chỉ tiêu như phụ lục kế hoạch ghi"),
                 "Mục tiêu": st.column_config.TextColumn(width=70),
                 "Đo bằng": st.column_config.TextColumn(width=170, help="Số đo của kho dùng để đánh giá chỉ tiêu"),
                 table.columns[4]: st.column_config.TextColumn(width=70),
                 table.columns[5]: st.column_config.TextColumn("Kết quả", width=150, help=result_help),
                 "Số xã đạt": st.column_config.TextColumn("Xã đạt", width=60,
                                                         help="Số xã, phường, đặc khu đạt / số có số liệu")})
ui.export_button(table, f"chi_tieu_{year}", key="targets_export",
                 notes=[f"Chỉ tiêu kế hoạch chuyển đổi số đến năm {year}",
                        f"Số liệu đến {ui.day(plan['latest_period_end'])}"],
                 datasets=("targets", *ui.DATASET_LABELS, "communes"), filters=[])

# ---------------------------------------------------------------- one indicator in detail
choices = tracked[["indicator_code", "metric"]].drop_duplicates()
if choices.empty:
    st.info(f"Không chỉ tiêu nào của năm {year} có số đo trong kho.", icon=":material/info:")
    st.stop()
options = [f"{code}|{metric}" for code, metric in choices.itertuples(index=False)]
names = dict(zip(summary["indicator_code"], summary["indicator_name"], strict=False))
asked = f"{st.query_params.get('indicator')}|{st.query_params.get('measure')}"
by_code = {o.split("|")[0]: o for o in reversed(options)}  # ?indicator=3.3 alone: its first measure
default = asked if asked in options else by_code.get(st.query_params.get("indicator"), options[0])
choice = st.selectbox(
    "Chỉ tiêu", options, index=options.index(default), key="targets_indicator",
    format_func=lambda o: f"{o.split('|')[0]}. {names[o.split('|')[0]]} — đo bằng: {ui.get_metric(o.split('|')[1]).label}",
)
indicator_code, metric_name = choice.split("|")
ui.set_params(plan=whose, year=year, indicator=indicator_code, measure=metric_name)
metric = ui.get_metric(metric_name)
row = tracked[(tracked["indicator_code"] == indicator_code) & (tracked["metric"] == metric_name)].iloc[0]
target = ui.target_text(row)

st.subheader(f"{ui.md_text(indicator_code)}. {ui.md_text(row['indicator_name'])}")
st.markdown(f"**Mục tiêu đến năm {year}: {target}** · đo bằng: {metric.label}"
            + (" (**gần đúng**)" if row["is_proxy"] else "") + f". {row['measure_note'] or ''}")
if not pd.isna(row["responsible_unit"]):
    st.caption(f"Cơ quan chủ trì: {ui.md_text(row['responsible_unit'])}")

history = ui.target_history(indicator_code, metric_name, whose)
per_year = pd.DataFrame({
    "Năm": history["year"].astype(str),
    "Mục tiêu": [ui.target_text(r) for _, r in history.iterrows()],
    table.columns[4]: history["unit_actual"].map(metric.format),
    table.columns[5]: history["unit_status"].map(ui.status_label),
    "Số xã đạt": [f"{int(m)}/{int(n)}" if not pd.isna(n) and n else "–"
                  for m, n in zip(history["communes_met"], history["communes_with_data"], strict=True)],
})
left, right = st.columns([2, 3])
with left:
    st.markdown(f"**{table.columns[4]} và số xã đạt theo từng năm**")
    st.dataframe(per_year, hide_index=True, placeholder="–", width="stretch", column_config={
        "Năm": st.column_config.TextColumn(width=45), "Mục tiêu": st.column_config.TextColumn(width=65),
        table.columns[4]: st.column_config.TextColumn(width=65),
        table.columns[5]: st.column_config.TextColumn("Kết quả", width=100, help=result_help),
        "Số xã đạt": st.column_config.TextColumn("Xã đạt", width=55, help="Số xã, phường, đặc khu đạt / số có số liệu")})
    st.caption("Mỗi năm so với số liệu mới nhất đến hết năm đó.")


def goal_layers(value: float, upper: float | None, label: str, axis: str) -> list:
    """The goal line (altair rule) at the target, a band for a range '75–80', and its label."""
    goal = pd.DataFrame({"value": [value], "upper": [upper if upper is not None else value], "label": [label]})
    base = alt.Chart(goal)
    layers = []
    if upper is not None:
        layers.append(base.mark_rect(opacity=0.15, color="#2e7d32").encode(
            **{axis: "value:Q", f"{axis}2": "upper:Q"}))
    layers.append(base.mark_rule(color=GOAL_RED, strokeDash=[6, 3], size=2).encode(
        **{axis: "value:Q"}, tooltip=alt.Tooltip("label:N", title="Mục tiêu")))
    layers.append(goal_text(base, axis))
    return layers


def goal_text(base: alt.Chart, axis: str) -> alt.Chart:
    """The goal's label on its line: above a horizontal line at its left end, left of a vertical one at its top
    (goals sit high on their scale, so the label stays inside the frame)."""
    style = {"color": GOAL_RED, "fontWeight": "bold"}
    if axis == "y":
        return base.mark_text(align="left", baseline="bottom", dy=-4, **style).encode(
            y="value:Q", x=alt.value(4), text="label:N")
    return base.mark_text(align="right", baseline="top", dx=-5, **style).encode(
        x="value:Q", y=alt.value(2), text="label:N")


upper = None if pd.isna(row["target_upper"]) else float(row["target_upper"])
goal_label = f"Mục tiêu {year}: {target}"
with right:
    series = ui.province_series()
    st.markdown(f"**Toàn tỉnh qua các kỳ và mục tiêu năm {year}**")
    trend = series[series["metric"] == metric_name]
    trend = trend.assign(
        period_text=[ui.period_label(metric.dataset, start, end)
                     for start, end in zip(trend["period_start"], trend["period_end"], strict=True)],
        value_text=trend["value"].map(metric.format),
    )
    line = alt.Chart(trend).mark_line(point=True, color="#1f77b4").encode(
        x=alt.X("period_text:O", title="Kỳ số liệu", sort=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
        y=alt.Y("value:Q", title="Toàn tỉnh (%)" if metric.unit == "pct" else "Toàn tỉnh"),
        tooltip=[alt.Tooltip("period_text:N", title="Kỳ"), alt.Tooltip("value_text:N", title="Toàn tỉnh")],
    )
    chart = alt.layer(line, *goal_layers(float(row["target_value"]), upper, goal_label, "y")).properties(height=260)
    st.altair_chart(chart.configure(locale=ui.VEGA_LOCALE), width="stretch")

# ---------------------------------------------------------------- every commune against the target
communes = ui.target_communes(indicator_code, metric_name, year, whose)
judged = communes.dropna(subset=["actual"])
n_met = int(judged["met"].eq(True).fillna(False).sum())
st.subheader(f"Các xã so với mục tiêu: {n_met}/{len(judged)} đạt")
if not judged.empty:
    data = judged.assign(
        status=judged["status"].map(ui.status_label),
        value_text=judged["actual"].map(metric.format),
    )
    tooltip = [alt.Tooltip("commune_name:N", title="Đơn vị"), alt.Tooltip("value_text:N", title=metric.label),
               alt.Tooltip("status:N", title="Kết quả"), alt.Tooltip("former_district:N", title="Huyện cũ")]
    color = alt.Color("status:N", title=None, scale=alt.Scale(domain=["Đạt", "Chưa đạt", "Chưa đến hạn", "Tham khảo (số đo gần đúng)"],
                                                     range=["#66bb6a", "#e57373", "#90a4ae", "#b0bec5"]),
                      legend=alt.Legend(orient="top"))
    if len(data) <= 150:
        bars = alt.Chart(data).mark_bar().encode(
            x=alt.X("actual:Q", title=metric.axis_title, axis=alt.Axis(orient="top")),
            # the furthest from the goal first, under the axis (like the table): no reader scrolls to find who lags
            y=alt.Y("commune_name:N", sort="x" if metric.higher_is_better else "-x", title=None,
                    axis=alt.Axis(labelLimit=200, labelOverlap=False)),
            color=color, tooltip=tooltip,
        ).properties(height=alt.Step(16))
    else:  # at national scale a histogram, not thousands of named bars
        bars = alt.Chart(data).mark_bar().encode(
            x=alt.X("actual:Q", bin=alt.Bin(maxbins=40), title=metric.axis_title),
            y=alt.Y("count():Q", title="Số đơn vị"), color=color,
        ).properties(height=300)
    chart = alt.layer(bars, *goal_layers(float(row["target_value"]), upper, goal_label, "x"))
    st.altair_chart(chart.configure(locale=ui.VEGA_LOCALE), width="stretch")

    table = pd.DataFrame({
        "Đơn vị": judged["commune_name"], "Huyện cũ": judged["former_district"], "Thực tế": judged["actual"],
        "Kết quả": data["status"], "Còn thiếu": judged["shortfall"].where(~judged["met"].eq(True).fillna(False).astype(bool)),
    })
    shown_rows = table.head(TABLE_ROWS)  # a styled table of thousands of rows takes ~0,5 s to draw
    st.caption("Chưa đạt xếp trước, thiếu nhiều nhất trước. Chọn một dòng để mở hồ sơ xã."
               + (f" Bảng hiện {TABLE_ROWS} đơn vị đầu trong {ui.number(len(table))}; tải bảng Excel để có đủ."
                  if len(table) > TABLE_ROWS else ""))
    event = st.dataframe(
        ui.styled(shown_rows, {"Thực tế": metric.format, "Còn thiếu": lambda v: ui.shortfall_text(metric, v)})
        .map(lambda v: STATUS_COLORS.get(v, ""), subset=["Kết quả"]),
        hide_index=True, placeholder="–", width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"targets_communes_{indicator_code}_{metric_name}_{year}",
    )
    ui.export_button(table, f"chi_tieu_{indicator_code}_{metric_name}_{year}", key="targets_communes_export",
                     formats={"Thực tế": "dec1", "Còn thiếu": "dec1"},
                     notes=[f"Chỉ tiêu {indicator_code}. {row['indicator_name']} — mục tiêu đến năm {year}: {target}",
                            f"Đo bằng: {metric.label}; số liệu đến {ui.day(judged['actual_period_end'].max())}"],
                     datasets=("targets", metric.dataset, "communes"), filters=[])
    if event.selection.rows:
        st.switch_page("app_pages/profile.py",
                       query_params={"commune": judged["commune_code"].iloc[event.selection.rows[0]]})
missing = communes[communes["actual"].isna()]
if len(missing):
    names = (", ".join(missing["commune_name"].head(20).map(ui.md_text))
             + (f" và {len(missing) - 20} đơn vị khác" if len(missing) > 20 else ""))
    st.caption(f"Chưa có số liệu ({len(missing)} đơn vị): {names}.")

with st.expander("Toàn bộ chỉ tiêu của kế hoạch, theo năm"):
    st.dataframe(ui.plan_matrix(whose), hide_index=True, placeholder="–", width="stretch")
