"""Lịch sử tải: every load, accepted or rejected, and what its checks found."""

import streamlit as st

import ui
from warehouse import formatting

STATUS = {"loaded": "đã nạp", "rejected": "bị từ chối"}

ui.page_header("Lịch sử tải dữ liệu")
history = ui.query("load_history", limit=500)
if history.empty:
    st.info("Chưa có lần nạp nào.", icon=":material/info:")
    st.stop()

table = history.assign(
    status=[("đã thu hồi" if r is not None and r == r else STATUS.get(s, s))
            for s, r in zip(history["status"], history["retracted_at"], strict=False)],
    sample=history["is_sample"].map({True: "mẫu", False: ""}),
)[["load_id", "dataset", "file_name", "status", "rows_loaded", "n_errors", "n_warnings", "loaded_by", "loaded_at", "sample"]]
table = table.rename(columns={
    "load_id": "Lần nạp", "dataset": "Bộ dữ liệu", "file_name": "Tệp", "status": "Trạng thái", "rows_loaded": "Số dòng",
    "n_errors": "Lỗi", "n_warnings": "Cảnh báo", "loaded_by": "Người nạp", "loaded_at": "Thời điểm", "sample": "Dữ liệu",
})
st.dataframe(ui.styled(table, {"Thời điểm": formatting.moment, "Số dòng": formatting.number}),
             hide_index=True, width="stretch")

with_findings = history[(history["n_errors"] > 0) | (history["n_warnings"] > 0)]["load_id"].tolist()
if with_findings:
    chosen = st.selectbox("Xem kết quả kiểm tra của lần nạp", with_findings, key="history_load",
                          format_func=lambda i: f"#{i} — {history.set_index('load_id').at[i, 'file_name']}")
    st.dataframe(ui.findings_frame_from(ui.query("load_findings", chosen)), hide_index=True, width="stretch")
