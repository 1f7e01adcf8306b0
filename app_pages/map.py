"""Bản đồ: the communes coloured by any measure at any period; the units under the province plan's target outlined,
the largest units and the đặc khu named; hover for name, value and rank, click for the commune's profile. Drawn from
the project's own GeoJSON: no tiles, no network."""

import streamlit as st

import ui

LABELLED = 9  # how many of the largest units by area have their names written on the map (and every đặc khu)

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
values = ui.map_values(metric_name, period)
labels = ui.map_labels(LABELLED)
target = ui.metric_target(metric_name, period.year)
judged = target is not None and not target["is_proxy"]
target_name = f"chỉ tiêu {target['year']}: {ui.target_text(target)}" if target else None
missed = int(values["met"].isin([False]).sum())
with_data = int(values["value"].notna().sum())

special = [label["name"] for label in labels if label["special"]]
st.caption(f"{metric.label}, kỳ {ui.period_text(metric, period)} · {with_data}/{len(features)} đơn vị có số liệu · "
           f"màu {'đậm' if metric.higher_is_better else 'nhạt'} hơn là tốt hơn · tên ghi trên bản đồ: "
           "các đơn vị rộng nhất" + "".join(f" và đặc khu {ui.md_text(name)}" for name in special)
           + " · rê chuột để xem số liệu và hạng, bấm vào một đơn vị để mở hồ sơ xã.")
if judged and values["met"].notna().any():
    st.markdown(f":material/flag: **{missed}/{int(values['met'].notna().sum())} đơn vị chưa đạt {target_name}** "
                f"(kế hoạch của tỉnh, chỉ tiêu {ui.md_text(target['indicator_code'])})"
                + (" — viền đỏ trên bản đồ, cột «Chỉ tiêu» của bảng." if missed else "."))
elif target:
    st.caption(f"Chỉ tiêu {ui.md_text(target['indicator_code'])} ({target_name}) chỉ được đo gần đúng bằng chỉ số "
               "này: để tham khảo, không đánh giá đạt hay chưa đạt.")
else:
    st.caption("Kế hoạch của tỉnh không đặt chỉ tiêu cho chỉ số này.")


map_column, table_column = st.columns([3, 2])
with map_column:
    spec = ui.choropleth.spec(features, labels, metric, f"Chưa đạt {target_name}" if judged and missed else None)
    spec["config"]["locale"] = ui.VEGA_LOCALE
    event = st.vega_lite_chart(spec, width="stretch", on_select="rerun", selection_mode="commune", key="map_chart")
    ui.open_clicked_profile(event, "commune")

status = values["met"].map({True: "Đạt", False: "Chưa đạt"})
table = values.assign(status=status).sort_values("rank", kind="stable", na_position="last")[
    ["rank", "commune_name", "former_district", "value"] + (["status"] if judged else [])].rename(columns={
        "rank": "Hạng", "commune_name": "Đơn vị", "former_district": "Huyện cũ", "value": metric.label,
        "status": "Chỉ tiêu"})
# widths that fit a third of a 1.366 px screen: short headers, the full ones in help
columns = {"Hạng": st.column_config.Column(width=44, help="Hạng trong các đơn vị có số liệu (1 = tốt nhất)"),
           "Đơn vị": st.column_config.Column(width=145),
           metric.label: st.column_config.Column(metric.short_label, width=90, help=metric.label)}
if judged:
    columns["Chỉ tiêu"] = st.column_config.Column(width=68, help=f"Đạt hay chưa đạt {target_name} (kế hoạch của tỉnh)")
with table_column:
    ui.table(table.drop(columns="Huyện cũ"), {"Hạng": ui.number, metric.label: metric.format}, height=640,
             column_config=columns)
    excel = "pct" if metric.unit == "pct" else ("int" if metric.unit == "count" else "dec1")
    ui.export_button(table, f"ban_do_{metric_name}_{period:%Y%m%d}", key="map_export",
                     formats={"Hạng": "int", metric.label: excel},
                     notes=[f"{metric.label} — kỳ {ui.period_text(metric, period)}",
                            f"{with_data}/{len(features)} đơn vị có số liệu; ô trống: không có số liệu"]
                     + ([f"Chỉ tiêu: {target_name} (kế hoạch của tỉnh)"] if judged else []),
                     datasets=(metric.dataset, "communes") + (("targets",) if judged else ()), filters=[])
