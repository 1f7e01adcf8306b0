"""Bản tin: the printable one-page brief for leadership (warehouse.brief), shown and offered as a download."""

import streamlit as st

import ui

ui.page_header("Bản tin cho lãnh đạo",
               "Một trang A4: toàn tỉnh so với chỉ tiêu và các xã chưa đạt nhiều chỉ tiêu nhất. Tải tệp HTML về, "
               "mở bằng trình duyệt rồi in (Ctrl+P, khổ A4); tệp không cần mạng.")

years = ui.target_years()
if not years:
    st.info("Chưa có bộ dữ liệu chỉ tiêu nên chưa lập được bản tin.", icon=":material/info:")
    st.stop()
plan = ui.plan_year()
default_year = plan["target_year"] if plan["target_year"] in years else years[0]
options = ui.filter_options()
FILTERS = {"province": ("Tỉnh cũ", "former_province"), "district": ("Huyện cũ", "former_district"),
           "type": ("Loại đơn vị", "unit_type")}
LIMITS = [5, 10]

c1, c2 = st.columns([1, 1])
year = c1.selectbox("Năm chỉ tiêu", years, index=years.index(ui.param_choice("year", years, default_year)),
                    key="brief_year", format_func=lambda y: f"Đến năm {y}")
limit = c2.selectbox("Số xã trong danh sách", LIMITS, index=LIMITS.index(ui.param_choice("n", LIMITS, 10)),
                     key="brief_n", help="Một trang A4 chứa được tối đa 10 xã.")
chosen = {}
with st.expander("Lọc danh sách xã theo tỉnh cũ, huyện cũ, loại đơn vị",
                 expanded=any(st.query_params.get_all(name) for name in FILTERS)):
    for column, (name, (label, field)) in zip(st.columns(3), FILTERS.items(), strict=True):
        chosen[name] = column.multiselect(label, options[field], default=ui.param_list(name, options[field]),
                                          key=f"brief_{name}", placeholder="Tất cả")
ui.set_params(year=year, n=limit, province=chosen["province"], district=chosen["district"], type=chosen["type"])

document = ui.brief_html(year, chosen["province"] or None, chosen["district"] or None,
                         chosen["type"] or None, limit, ui.today())
st.download_button("Tải bản tin (HTML, in khổ A4)", document.encode("utf-8"), file_name=f"ban_tin_{year}.html",
                   mime="text/html", key="brief_download", icon=":material/download:", type="primary",
                   on_click="ignore")
st.iframe(document)
