"""Tải dữ liệu lên: choose a file → see how it was read and what the checks found → load it."""

import pandas as pd
import streamlit as st

import ui
from warehouse import datasets, load

AUTO = "auto"

ui.page_header("Tải dữ liệu lên")
ui.require_analyst("upload_auth")  # viewers get a login form (or why not) and nothing below
st.caption("Mỗi tệp được kiểm tra (great-expectations) trước khi vào kho. Có lỗi thì không ghi dòng nào; "
           "cảnh báo được ghi lại và tệp vẫn được nạp. Tệp gốc được lưu lại.")

choice = st.selectbox(
    "Bộ dữ liệu", [AUTO, *datasets.DATASETS], key="upload_dataset",
    format_func=lambda n: "Tự nhận diện theo tiêu đề cột" if n == AUTO else f"{datasets.get(n).title} ({n})",
)
uploaded = st.file_uploader("Chọn tệp Excel (.xlsx) hoặc CSV", type=["xlsx", "csv"], key="upload_file")
if uploaded is None:
    st.stop()

dataset = None if choice == AUTO else choice
path = ui.save_upload(uploaded)
with st.spinner("Đang đọc và kiểm tra tệp…"):
    table, findings = ui.check_upload(path, dataset)

if table is not None:
    ds = datasets.get(table.dataset)
    st.subheader(f"Bảng đọc được: {ds.title}")
    st.caption(f"Trang tính «{table.sheet}», dòng tiêu đề {table.header_row}, {table.rows} dòng số liệu.")
    mapping = pd.DataFrame(
        [(header, ds.column(col).label if not col.startswith("year:") else "Năm " + col[5:], col)
         for col, header in table.headers.items()],
        columns=["Cột trong tệp", "Hiểu là", "Tên chuẩn"],
    )
    c1, c2 = st.columns([3, 2])
    c1.dataframe(mapping, hide_index=True, width="stretch")
    if table.ignored_headers:
        c2.caption("Cột không dùng: " + ", ".join(table.ignored_headers))
    st.dataframe(table.frame.head(20), hide_index=True, width="stretch")

errors = [f for f in findings if f.severity == "error"]
warnings = [f for f in findings if f.severity == "warning"]
if findings:
    st.subheader(f"Kết quả kiểm tra: {len(errors)} lỗi, {len(warnings)} cảnh báo")
    st.dataframe(ui.findings_frame(findings), hide_index=True, width="stretch")
if errors:
    st.error("Tệp có lỗi nên chưa thể nạp. Hãy sửa các ô được nêu ở trên rồi tải lại.", icon=":material/error:")
    st.stop()
if not findings:
    st.success("Tệp đạt mọi kiểm tra.", icon=":material/check_circle:")

if st.button("Nạp vào kho", type="primary", icon=":material/database_upload:", key="upload_load"):
    loaded_by = ui.require_analyst("upload_load_auth")  # checked again when clicked
    with st.spinner("Đang nạp…"):
        result = load.load_path(path, table.dataset, file_name=uploaded.name, loaded_by=loaded_by)
    (st.success if result.ok else st.error)(result.summary())
    st.cache_data.clear()
