"""Hồ sơ xã: one commune — every measure with its rank x/n and trend, the plan's targets it meets and misses,
its peers of the same former district, the units it was merged from, population and area."""

import altair as alt
import pandas as pd
import streamlit as st

import ui

ui.page_header("Hồ sơ xã")

communes = ui.current_communes()
codes = communes["commune_code"].tolist()
names = dict(zip(codes, communes["commune_name"], strict=True))
asked = st.query_params.get("commune")
chosen = ui.param_choice("commune", codes, None)
if asked and chosen is None:
    st.warning(f"Mã «{ui.md_text(asked)}» không phải một xã, phường, đặc khu hiện hành. Hãy chọn trong danh sách.",
               icon=":material/warning:")
# a peer chosen in the table below sets the widget's state: then the URL's value is not its default
default = None if "profile_commune" in st.session_state or chosen is None else codes.index(chosen)
code = st.selectbox("Đơn vị", codes, index=default, key="profile_commune",
                    format_func=lambda c: f"{names[c]} ({c})", placeholder="Chọn xã, phường, đặc khu…")
ui.set_params(commune=code)
if code is None:
    st.info("Chọn một xã, phường hoặc đặc khu để xem hồ sơ. Đường dẫn dạng `profile?commune=21421` "
            "mở thẳng hồ sơ của đơn vị có mã đó.", icon=":material/location_city:")
    st.stop()

# ---------------------------------------------------------------- who it is
profile = ui.commune_profile(code)
st.subheader(ui.md_text(profile["commune_name"]), divider="blue")
st.caption(" · ".join(part for part in (
    ui.md_text(profile["unit_type"].capitalize()) if profile["unit_type"] else None,
    f"huyện cũ: {ui.md_text(profile['former_district'])}" if profile["former_district"] else None,
    f"tỉnh cũ: {ui.md_text(profile['former_province'])}" if profile["former_province"] else None,
    f"mã {code}",
) if part))
population, area = profile["population"], profile["area_km2"]
c1, c2, c3 = st.columns(3)
c1.metric("Dân số (ước tính)", ui.number(population), border=True)
c2.metric("Diện tích", f"{ui.number(area, 2)} km²", border=True)
c3.metric("Mật độ dân số", f"{ui.number(population / area)} người/km²" if population and area else "–",
          border=True)
merged = list(profile["merged_from"])
if merged:
    st.markdown((f"**Hình thành từ {len(merged)} đơn vị cũ** (sáp nhập 01/07/2025): " if len(merged) > 1
                 else "**Đơn vị cũ** (trước 01/07/2025): ") + ", ".join(ui.md_text(m) for m in merged) + ".")
else:
    st.caption("Danh mục không ghi đơn vị cũ sáp nhập vào đơn vị này.")

# ---------------------------------------------------------------- every measure, rank and change
st.subheader("Các chỉ số ở kỳ mới nhất")
measures = ui.commune_measures(code)
if measures.empty:
    st.info("Đơn vị này chưa có số liệu.", icon=":material/info:")
else:
    st.caption("Hạng x/n: thứ hạng trong n đơn vị báo cáo cùng kỳ (1 = cao nhất). «Thứ hạng»: lên / xuống bao nhiêu "
               "bậc so với kỳ trước. «Toàn tỉnh»: tỷ lệ toàn tỉnh; với số đếm (trạm BTS, học viên, chuyên đề, "
               "chứng nhận) là trung bình mỗi đơn vị.")
    st.dataframe(ui.measures_table(measures), hide_index=True, placeholder="–", width="stretch",
                 height=35 * (len(measures) + 1) + 3)
    ui.export_button(ui.measures_export(measures), f"ho_so_{code}", key="profile_export",
                     formats=ui.MEASURES_EXPORT_FORMATS,
                     notes=[f"Hồ sơ {profile['commune_name']} (mã {code})",
                            f"Số liệu đến {ui.day(measures['period_end'].max())}"],
                     datasets=(*ui.DATASET_LABELS, "communes"), filters=[f"Đơn vị: {profile['commune_name']} (mã {code})"])

# ---------------------------------------------------------------- targets met and missed
plan = ui.plan_year()
if plan["target_year"] is not None:
    targets = ui.commune_targets(code, plan["target_year"])
    if not targets.empty:
        counts = ui.indicator_counts(plan["target_year"], code)
        st.subheader(f"Chỉ tiêu năm {plan['target_year']}: "
                     + (f"đạt {counts['met']}/{counts['judged']}" if counts["judged"] else "chưa có số liệu"))
        st.caption("Các chỉ tiêu của kế hoạch có số đo trong kho, so với số liệu mới nhất. "
                   "Khoảng «75–80 %» tính là đạt khi đạt cận dưới.")
        table = ui.commune_targets_table(targets)
        colors = {"Đạt": "color: #1b7f3b", "Chưa đạt": "color: #c62828; font-weight: 600"}
        st.dataframe(table.style.map(lambda v: colors.get(v, ""), subset=["Kết quả"]), hide_index=True, placeholder="–",
                     width="stretch", column_config={
                         "Chỉ tiêu": st.column_config.TextColumn(width="large"),
                         "Đo bằng": st.column_config.TextColumn(width="medium"),
                         **{c: st.column_config.TextColumn(width=85) for c in ("Mục tiêu", "Thực tế", "Kết quả", "Còn thiếu")}})

# ---------------------------------------------------------------- trends
trend = ui.commune_trends(code)
if not trend.empty:
    st.subheader("Diễn biến qua các kỳ")
    labels = {name: m.label for name, m in ui.METRICS.items()}
    series_names = {"commune": profile["commune_name"], "province": "Toàn tỉnh"}
    data = trend.assign(
        label=trend["metric"].map(labels),
        series_label=trend["series"].map(series_names),
        value_text=[ui.get_metric(m).format(v) for m, v in zip(trend["metric"], trend["value"], strict=True)],
        period_text=trend["period_end"].map(ui.day),
    )
    order = [labels[m] for m in dict.fromkeys(trend["metric"])]
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("period_end:T", title=None,
                # a tick on the 1st reads as its month (07/2025), any other as its day: weekly BDHVS snapshots by date
                axis=alt.Axis(tickCount=4, labelAngle=0, labelExpr="date(datum.value) == 1 ? "
                              "timeFormat(datum.value, '%m/%Y') : timeFormat(datum.value, '%d/%m')")),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("series_label:N", title=None, sort=list(series_names.values()),
                        scale=alt.Scale(range=["#1f77b4", "#9e9e9e"]), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("label:N", title="Chỉ số"), alt.Tooltip("series_label:N", title="Đơn vị"),
                 alt.Tooltip("period_text:N", title="Đến ngày"), alt.Tooltip("value_text:N", title="Giá trị")],
    ).properties(width=260, height=120).facet(
        facet=alt.Facet("label:N", title=None, sort=order, header=alt.Header(labelFontSize=12, labelLimit=260)),
        columns=3,
    ).resolve_scale(x="independent", y="independent").configure(locale=ui.VEGA_LOCALE)
    st.altair_chart(chart, width="content")
    st.caption("Đường xám: toàn tỉnh (với số đếm: trung bình mỗi đơn vị).")

# ---------------------------------------------------------------- before the merger
former = ui.former_unit_values(commune_code=code)
if not former.empty:
    st.subheader("Trước sáp nhập")
    st.caption("Số liệu các báo cáo ghi cho đơn vị cũ đã hợp thành (một phần) đơn vị này: của đơn vị cũ, không phải "
               "của riêng đơn vị này, nên không tính vào các chỉ số và thứ hạng ở trên.")
    st.dataframe(ui.former_table(former), hide_index=True, width="stretch")

# ---------------------------------------------------------------- peers
peers = ui.commune_peers(code)
if len(peers) > 1:
    st.subheader(f"Các đơn vị cùng {ui.md_text(profile['former_district'])} cũ")
    st.caption("Số liệu kỳ mới nhất; hạng trong toàn tỉnh. Chọn một dòng để mở hồ sơ đơn vị đó.")
    table = ui.wide_table(peers, ui.PEER_MEASURES)
    table.insert(1, "Loại", peers["unit_type"])
    table.insert(2, "Dân số (ước tính)", peers["population"])
    styler_formats = {"Dân số (ước tính)": ui.number}
    is_self = peers["is_self"].tolist()
    styler = ui.styled(table, styler_formats).apply(
        lambda row: ["font-weight: 700; background-color: #e3f2fd" if is_self[row.name] else "" for _ in row], axis=1)

    def open_peer(key: str = f"profile_peers_{code}") -> None:
        rows = st.session_state[key].selection.rows
        if rows:
            st.session_state["profile_commune"] = peers["commune_code"].iloc[rows[0]]

    st.dataframe(styler, hide_index=True, placeholder="–", width="stretch", on_select=open_peer, selection_mode="single-row",
                 key=f"profile_peers_{code}")
elif pd.isna(profile["former_district"]) or not profile["former_district"]:
    st.caption("Danh mục không ghi huyện cũ của đơn vị này, nên không có nhóm so sánh cùng huyện.")
