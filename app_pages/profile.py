"""Hồ sơ xã: one commune — every measure with its rank x/n and trend, the plan's targets it meets and misses,
its peers of the same former district, the units it was merged from, population and area."""

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
    column = st.column_config.TextColumn
    st.dataframe(ui.measures_table(measures), hide_index=True, placeholder="–", width="stretch",
                 height=35 * (len(measures) + 1) + 3, column_config={  # fits 1.366 px: short headers, help
                     "Nhóm": column(width=80), "Chỉ số": column(width=245), "Kỳ": column(width=140),
                     "Giá trị": column(width=72), "Hạng": column(width=60, help="Hạng x/n trong n đơn vị báo cáo cùng kỳ"),
                     "Thay đổi so với kỳ trước": column("Thay đổi", width=95, help="Thay đổi so với kỳ trước"),
                     "Thứ hạng": column(width=92, help="Lên / xuống bao nhiêu bậc so với kỳ trước"),
                     "Toàn tỉnh": column(width=75, help="Tỷ lệ toàn tỉnh; với số đếm: trung bình mỗi đơn vị")})
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
        column = st.column_config.TextColumn
        # fits 1.366 px: the long names wrap (a row over 4rem wraps its text)
        st.dataframe(table, hide_index=True, placeholder="–",
                     width="stretch", row_height=66, height=66 * len(table) + 38, column_config={
                         "Kế hoạch": column(width=70), "Chỉ tiêu": column(width=250), "Đo bằng": column(width=170),
                         **{c: column(width=68) for c in ("Mục tiêu", "Thực tế")},
                         "Kết quả": ui.status_column(width=110), "Còn thiếu": column(width=82)})

# ---------------------------------------------------------------- trends
def draw_trends(data: pd.DataFrame) -> None:
    """The rates on axes from 0 to 100 %, then the counts and per-population measures on axes from 0."""
    year = pd.Timestamp(data["period_end"].max()).year
    names = ui.trends.series_names(profile["commune_name"])
    locale = {"config": {"locale": ui.VEGA_LOCALE}}
    rates = data[data["is_rate"]]
    if not rates.empty:
        st.markdown("**Các tỷ lệ** — trục dọc từ 0 đến 100 %")
        st.vega_lite_chart(ui.trends.trend_spec(rates, ui.trends.RATE_SCALE, names) | locale, width="content")
        st.caption(f"Đường xanh lá đứt: chỉ tiêu năm {year} của kế hoạch tỉnh (đến hết năm); «tham khảo»: chỉ số chỉ "
                   "đo gần đúng chỉ tiêu. Đường xám: toàn tỉnh.")
    others = data[~data["is_rate"]]
    if not others.empty:
        st.markdown("**Số lượng và bình quân theo dân số** — trục dọc từ 0")
        st.vega_lite_chart(ui.trends.trend_spec(others, ui.trends.COUNT_SCALE, names) | locale, width="content")
        st.caption("Đường xám: toàn tỉnh (với số đếm: trung bình mỗi đơn vị).")


trend = ui.commune_trend_chart(code, profile["commune_name"])
if not trend.empty:
    st.subheader("Diễn biến qua các kỳ")
    draw_trends(trend)

# ---------------------------------------------------------------- before the merger
former = ui.former_unit_values(commune_code=code)
if not former.empty:
    st.subheader("Trước sáp nhập")
    st.caption("Số liệu các báo cáo ghi cho đơn vị cũ đã hợp thành (một phần) đơn vị này: của đơn vị cũ, không phải "
               "của riêng đơn vị này, nên không tính vào các chỉ số và thứ hạng ở trên.")
    st.dataframe(ui.former_table(former), hide_index=True, width="stretch")

# ---------------------------------------------------------------- peers
def peer_columns() -> dict:
    """Widths that fit 1.366 px: each measure's short name over its value, 'Hạng' over its rank (the rest in help)."""
    column = st.column_config.Column
    out = {"Đơn vị": column(width=125), "Loại": column(width=52),
           "Dân số (ước tính)": column("Dân số", width=72, help="Dân số (ước tính)")}
    for metric in map(ui.get_metric, ui.PEER_MEASURES):
        out[metric.short_label] = column(width=92, help=metric.label)
        out[f"Hạng {metric.short_label.lower()}"] = column("Hạng", width=52, help=f"Hạng «{metric.short_label}» trong "
                                                                                  "toàn tỉnh (x/n)")
    return out


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
                 key=f"profile_peers_{code}", column_config=peer_columns())
elif pd.isna(profile["former_district"]) or not profile["former_district"]:
    st.caption("Danh mục không ghi huyện cũ của đơn vị này, nên không có nhóm so sánh cùng huyện.")
