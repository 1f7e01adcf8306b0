"""Tổng quan: the province's headline figures at the latest period of each dataset."""

import pandas as pd
import streamlit as st

import ui
from warehouse import formatting, metrics

st.title("Tổng quan chuyển đổi số tỉnh Quảng Ngãi")
ui.sample_badge()
st.caption("Giá trị toàn tỉnh ở kỳ mới nhất của từng bộ số liệu; tỷ lệ toàn tỉnh = tổng tử số / tổng mẫu số "
           "của các xã báo cáo. Mũi tên so với kỳ trước.")

kpis = ui.query("province_kpis")
if kpis.empty:
    st.info("Chưa có số liệu. Hãy tải dữ liệu lên ở trang «Tải dữ liệu lên».", icon=":material/info:")


def delta_text(metric: metrics.Metric, value, previous) -> str | None:
    if pd.isna(value) or pd.isna(previous):
        return None
    change = value - previous
    if round(change, 1) == 0:
        return None
    text = formatting.number(abs(change), 0 if metric.unit == "count" else 1)
    unit = " điểm %" if metric.unit == "pct" else ""
    return f"{'-' if change < 0 else '+'}{text}{unit}"


for dataset, label in metrics.DATASET_LABELS.items():
    rows = kpis[kpis["dataset"] == dataset].set_index("metric")
    if rows.empty:
        continue
    first = rows.iloc[0]
    st.subheader(f"{label} · {ui.period_label(dataset, first['period_start'], first['period_end'])}")
    st.caption(f"{int(first['units_reporting'])} đơn vị báo cáo")
    shown = [m for m in metrics.of_dataset(dataset) if m.name in rows.index and pd.notna(rows.at[m.name, "value"])]
    columns = st.columns(3)
    for i, metric in enumerate(shown):
        row = rows.loc[metric.name]
        columns[i % 3].metric(
            metric.label, metric.format(row["value"]),
            delta=delta_text(metric, row["value"], row["previous_value"]),
            delta_color="normal" if metric.higher_is_better else "inverse", border=True,
        )
