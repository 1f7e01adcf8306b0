"""Entry point: `streamlit run app.py`. Router, shared sidebar, first-run seeding."""

from __future__ import annotations

import os

import streamlit as st

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import access  # noqa: E402
import ui  # noqa: E402

st.set_page_config(page_title="Chuyển đổi số Quảng Ngãi", page_icon=":material/hub:", layout="wide")


def sidebar() -> None:
    with st.sidebar:
        st.caption("Theo dõi chuyển đổi số 96 xã, phường, đặc khu tỉnh Quảng Ngãi")
        ui.sample_badge(short=True)


ui.bootstrap()
pages = [
    st.Page("app_pages/overview.py", title="Tổng quan", icon=":material/dashboard:", default=True),
    st.Page("app_pages/compare.py", title="So sánh xã", icon=":material/bar_chart:"),
    st.Page("app_pages/profile.py", title="Hồ sơ xã", icon=":material/location_city:", url_path="profile"),
    st.Page("app_pages/map.py", title="Bản đồ", icon=":material/map:", url_path="map"),
    st.Page("app_pages/targets.py", title="Chỉ tiêu", icon=":material/flag:", url_path="targets"),
    st.Page("app_pages/brief.py", title="Bản tin", icon=":material/print:", url_path="brief"),
    st.Page("app_pages/bdhvs.py", title="Bình dân học vụ số", icon=":material/school:"),
    st.Page("app_pages/reporting.py", title="Tình hình gửi số liệu", icon=":material/fact_check:", url_path="reporting"),
    # hidden from viewers; the page itself refuses them (a link to /upload gets a login form)
    st.Page("app_pages/upload.py", title="Tải dữ liệu lên", icon=":material/upload_file:",
            visibility="visible" if access.is_analyst() else "hidden"),
    st.Page("app_pages/history.py", title="Lịch sử tải", icon=":material/history:"),
]
ANALYST_PAGES = ("upload", "history")  # where the single-user machine's technical note shows (access.account_box)
page = st.navigation(pages)
try:
    sidebar()
except FileNotFoundError as exc:
    ui.warehouse_missing(exc)
access.account_box(analyst_page=page.url_path in ANALYST_PAGES)
page.run()
