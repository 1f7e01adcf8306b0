"""Chỉ tiêu: the action plan's targets with the province's and the communes' attainment per year, goal lines
on the charts, and the indicators no measure of the warehouse tracks listed as such."""

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
result_help = f"Kết quả {unit} so với mục tiêu"
st.dataframe(table, hide_index=True, placeholder="–", width="stretch", height=35 * (len(table) + 1) + 3,
             column_config={  # widths that fit a 1.366 px laptop (≈ 900 px of table); full texts on hover
                 "STT": st.column_config.TextColumn(width=40),
                 "Chỉ tiêu": st.column_config.TextColumn(width=310, help="Chỉ tiêu như phụ lục kế hoạch ghi"),
                 "Mục tiêu": st.column_config.TextColumn(width=70),
                 "Đo bằng": st.column_config.TextColumn(width=170, help="Số đo của kho dùng để đánh giá chỉ tiêu"),
                 table.columns[4]: st.column_config.TextColumn(width=70),
                 table.columns[5]: ui.status_column("Kết quả", width=120, help=result_help),
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
        table.columns[5]: ui.status_column("Kết quả", width=100, help=result_help),
        "Số xã đạt": st.column_config.TextColumn("Xã đạt", width=55, help="Số xã, phường, đặc khu đạt / số có số liệu")})
    st.caption("Mỗi năm so với số liệu mới nhất đến hết năm đó.")


goal = ui.target_charts.goal_line(float(row["target_value"]), row["target_upper"], f"Mục tiêu {year}: {target}")
locale = {"config": {"locale": ui.VEGA_LOCALE}}
with right:
    st.markdown(f"**Toàn tỉnh qua các kỳ và mục tiêu năm {year}**")
    trend = ui.target_charts.trend_frame(ui.province_series(), metric)
    st.vega_lite_chart(trend, ui.target_charts.trend_spec(trend, metric, goal) | locale, width="stretch")

# ---------------------------------------------------------------- every commune against the target
communes = ui.target_communes(indicator_code, metric_name, year, whose)
judged = communes.dropna(subset=["actual"])
n_met = int(judged["met"].eq(True).fillna(False).sum())
st.subheader(f"Các xã so với mục tiêu: {n_met}/{len(judged)} đạt")
if not judged.empty:
    data = ui.target_charts.communes_frame(judged, metric)
    bars = ui.target_charts.clickable(data)
    chart = st.vega_lite_chart(data, ui.target_charts.communes_spec(data, metric, goal) | locale, width="stretch",
                               key=f"targets_chart_{indicator_code}_{metric_name}_{year}",
                               **({"on_select": "rerun", "selection_mode": "commune"} if bars else {}))
    if bars:
        ui.open_clicked_profile(chart, "commune")

    table = pd.DataFrame({
        "Đơn vị": judged["commune_name"], "Huyện cũ": judged["former_district"], "Thực tế": judged["actual"],
        "Kết quả": data["status"], "Còn thiếu": judged["shortfall"].where(~judged["met"].eq(True).fillna(False).astype(bool)),
    })
    shown_rows = table.head(TABLE_ROWS)  # a styled table of thousands of rows takes ~0,5 s to draw
    st.caption("Chưa đạt xếp trước, thiếu nhiều nhất trước. Chọn một dòng để mở hồ sơ xã."
               + (f" Bảng hiện {TABLE_ROWS} đơn vị đầu trong {ui.number(len(table))}; tải bảng Excel để có đủ."
                  if len(table) > TABLE_ROWS else ""))
    event = st.dataframe(
        ui.styled(shown_rows, {"Thực tế": metric.format, "Còn thiếu": lambda v: ui.shortfall_text(metric, v)}),
        hide_index=True, placeholder="–", width="stretch", on_select="rerun", selection_mode="single-row",
        column_config={"Kết quả": ui.status_column(help="Kết quả của đơn vị so với mục tiêu")},
        key=f"targets_communes_{indicator_code}_{metric_name}_{year}",
    )
    ui.export_button(table, f"chi_tieu_{indicator_code}_{metric_name}_{year}", key="targets_communes_export",
                     formats={"Thực tế": "dec1", "Còn thiếu": "dec1"},
                     notes=[f"Chỉ tiêu {indicator_code}. {row['indicator_name']} — mục tiêu đến năm {year}: {target}",
                            f"Đo bằng: {metric.label}; số liệu đến {ui.day(judged['actual_period_end'].max())}"],
                     datasets=("targets", metric.dataset, "communes"), filters=[])
    ui.open_selected_profile(event, judged["commune_code"])
missing = communes[communes["actual"].isna()]
if len(missing):
    names = (", ".join(missing["commune_name"].head(20).map(ui.md_text))
             + (f" và {len(missing) - 20} đơn vị khác" if len(missing) > 20 else ""))
    st.caption(f"Chưa có số liệu ({len(missing)} đơn vị): {names}.")

with st.expander("Toàn bộ chỉ tiêu của kế hoạch, theo năm"):
    st.dataframe(ui.plan_matrix(whose), hide_index=True, placeholder="–", width="stretch")
