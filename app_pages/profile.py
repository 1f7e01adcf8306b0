"""Hồ sơ xã (placeholder): the commune named by ?commune=CODE. The full profile page is built on
the `leader-data` branch; this one only lets the click-through from the charts work and be tested."""

import streamlit as st

import ui

st.title("Hồ sơ xã")
directory = ui.query("commune_directory")
names = dict(zip(directory["commune_code"], directory["commune_name"], strict=True))
code = ui.param_choice("commune", list(names), None)
if code is None:
    st.info("Chọn một xã trên biểu đồ của trang «So sánh xã» hoặc «Bản đồ» để xem hồ sơ.", icon=":material/info:")
    st.stop()
row = directory[directory["commune_code"] == code].iloc[0]
st.subheader(names[code])
st.caption(f"Mã {code} · {row['unit_type']} · huyện cũ {row['former_district'] or '–'} · tỉnh cũ {row['former_province']}")
