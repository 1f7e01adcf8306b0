"""Tổng quan: the province's headline figures at the latest period of each dataset, their change since the
previous period, and where they stand against the action plan's target for the year judged."""

import pandas as pd
import streamlit as st

import ui

ui.page_header("Tổng quan chuyển đổi số tỉnh Quảng Ngãi",
               "Giá trị toàn tỉnh ở kỳ mới nhất của từng bộ số liệu; tỷ lệ toàn tỉnh = tổng tử số / tổng mẫu số "
               "của các xã báo cáo. Mũi tên: thay đổi so với kỳ trước.")

kpis = ui.overview_kpis()
if kpis.empty:
    st.info("Chưa có số liệu. Hãy tải dữ liệu lên ở trang «Tải dữ liệu lên».", icon=":material/info:")
    st.stop()
plan = ui.plan_year()
series = ui.province_series()
sparklines = series.groupby("metric")["value"].agg(list).to_dict()


def delta_text(metric: ui.Metric, change) -> str | None:
    """'+3,2 điểm %' / '-1.247' for st.metric (an ASCII minus so that Streamlit draws the arrow down)."""
    if pd.isna(change) or round(change, 1) == 0:
        return None
    text = ui.number(abs(change), 0 if metric.unit == "count" else 1)
    return f"{'-' if change < 0 else '+'}{text}{' điểm %' if metric.unit == 'pct' else ''}"


def target_badge(row) -> None:
    """The target of the plan year for this measure, as written, and whether the province meets it."""
    if pd.isna(row["indicator_code"]):
        return
    target = ui.target_label(row["comparator"], row["target_value"], row["target_upper"], row["target_unit"],
                             row["target_text"])
    status = ui.status_label(row["status"])
    note = f"Chỉ tiêu {ui.md_text(row['indicator_code'])}: {ui.md_text(row['indicator_name'])}." + (
        f" {int(row['communes_met'])}/{int(row['communes_with_data'])} xã đạt." if not pd.isna(row["communes_met"]) else "")
    if row["is_proxy"]:
        note += " Số đo gần đúng (xem trang «Chỉ tiêu»)."
    color = {"Đạt": "green", "Chưa đạt": "red"}.get(status, "gray")
    icon = {"Đạt": ":material/check_circle:", "Chưa đạt": ":material/cancel:"}.get(status, ":material/help:")
    st.badge(f"Chỉ tiêu {int(row['target_year'])}: {target} · {status}", icon=icon, color=color, help=note)


def missing_link(dataset: str) -> None:
    """How many units have not sent the dataset's latest period, linked to who they are (Tình hình gửi số liệu)."""
    if dataset not in latest_sent.index:
        return
    row = latest_sent.loc[dataset]
    missing = int(row["units_missing"])
    said = f"{missing} đơn vị chưa gửi" if missing else f"Đủ {int(row['units_total'])} đơn vị đã gửi"
    st.page_link("app_pages/reporting.py", query_params={"dataset": dataset},
                 label=f"{said} kỳ {ui.period_label(dataset, row['period_start'], row['period_end'])}",
                 icon=":material/fact_check:" if missing else ":material/task_alt:")


latest_sent = ui.reporting_periods().groupby("dataset").head(1).set_index("dataset")  # newest first: each one's latest
target_year, data_year = plan["target_year"], plan["data_year"]
tracked = kpis.dropna(subset=["indicator_code"])
if target_year is not None and len(tracked):
    counts = ui.indicator_counts(target_year)
    st.markdown(f"**Chỉ tiêu năm {target_year}** (năm của số liệu mới nhất: {data_year}): toàn tỉnh đạt "
                f"**{counts['met']}/{counts['judged']}** chỉ tiêu đánh giá được"
                + (f"; {counts['unjudged']} chỉ tiêu chỉ có số đo gần đúng, không đánh giá" if counts["unjudged"] else "")
                + ".")
    with st.container(horizontal=True):
        st.page_link("app_pages/targets.py", label="Xem mọi chỉ tiêu của kế hoạch", icon=":material/flag:")
        st.page_link("app_pages/brief.py", label="Bản tin in cho lãnh đạo", icon=":material/print:")

for dataset, label in ui.DATASET_LABELS.items():
    rows = kpis[(kpis["dataset"] == dataset) & kpis["value"].notna()].set_index("metric")
    if rows.empty:
        continue
    first = rows.iloc[0]
    st.subheader(f"{label} · {ui.period_label(dataset, first['period_start'], first['period_end'])}")
    previous = first["previous_period_end"]
    st.caption(f"{int(first['units_reporting'])} đơn vị báo cáo"
               + (f" · so với kỳ {ui.day(previous)}" if not pd.isna(previous) else ""))
    missing_link(dataset)
    shown = [m for m in ui.metrics_of_dataset(dataset) if m.name in rows.index]
    for i, metric in enumerate(shown):
        if i % 3 == 0:
            columns = st.columns(3)
        row = rows.loc[metric.name]
        with columns[i % 3].container(border=True, height="stretch"):
            st.metric(
                metric.label, metric.format(row["value"]), delta=delta_text(metric, row["change"]),
                delta_color="normal" if metric.higher_is_better else "inverse",
                chart_data=sparklines.get(metric.name), chart_type="line",
            )
            target_badge(row)
