"""Lịch sử tải: every load, what its checks found, its original file, and retracting it (analysts)."""

import pandas as pd
import streamlit as st

import access
import ui

ALL = "all"
COLUMNS = {
    "load_id": "Lần nạp", "dataset": "Bộ dữ liệu", "file_name": "Tệp", "state": "Trạng thái",
    "rows_loaded": "Số dòng", "rows_in_use": "Dòng đang dùng", "n_errors": "Lỗi", "n_warnings": "Cảnh báo",
    "loaded_by": "Người nạp", "loaded_at": "Thời điểm", "retracted_at": "Thu hồi lúc", "sample": "Dữ liệu",
}
# what the table shows (the export has every column): short headers, the rest in their help; widths that fit the
# main column of a 1.366 px laptop (≈ 900 px beside the sidebar)
SHOWN = {
    "Lần nạp": st.column_config.NumberColumn("#", width=48, help="Số lần nạp"),
    "Bộ dữ liệu": st.column_config.TextColumn("Bộ dữ liệu", width=96),
    "Tệp": st.column_config.TextColumn("Tệp", width=150),
    "Trạng thái": st.column_config.TextColumn("Trạng thái", width=134,
                                              help="Đã bị thay thế: một lần nạp sau gửi số liệu cho cùng đơn vị và kỳ. "
                                                   "Trùng tệp đã nạp: không nạp lại"),
    "Số dòng": st.column_config.TextColumn("Dòng", width=56, help="Số dòng số liệu đã ghi vào kho"),
    "Dòng đang dùng": st.column_config.TextColumn("Đang dùng", width=72,
                                                  help="Số dòng vẫn là số liệu mới nhất của đơn vị và kỳ của nó"),
    "Lỗi": st.column_config.NumberColumn("Lỗi", width=40),
    "Cảnh báo": st.column_config.NumberColumn("C.báo", width=52, help="Số cảnh báo"),
    "Người nạp": st.column_config.TextColumn("Người nạp", width=130),
    "Thời điểm": st.column_config.TextColumn("Lúc nạp", width=118),
}


def state_of(row) -> str:
    """đã nạp / đã bị thay thế (a later load for the same keys wins) / đã thu hồi / bị từ chối / trùng."""
    if row.status == "duplicate":
        return "trùng tệp đã nạp"
    if row.status != "loaded":
        return "bị từ chối"
    if not pd.isna(row.retracted_at):
        return "đã thu hồi"
    if row.rows_loaded and row.rows_in_use == 0:
        return "đã bị thay thế"
    if row.rows_in_use < row.rows_loaded:
        return "bị thay thế một phần"
    return "đã nạp"


ui.page_header("Lịch sử tải dữ liệu")
st.caption("Mọi lần nạp, được nhận hay bị từ chối, và kết quả kiểm tra của nó. Lần nạp sau thay thế số liệu của "
           "lần nạp trước cho cùng xã và kỳ; thu hồi một lần nạp thì các dòng của nó thôi được tính — không xóa gì.")
history = ui.load_history(limit=1000)
if history.empty:
    st.info("Chưa có lần nạp nào.", icon=":material/info:")
    st.stop()

names = list(ui.DATASETS)
dataset = st.selectbox("Bộ dữ liệu", [ALL, *names], index=[ALL, *names].index(ui.param_choice("dataset", names, ALL)),
                       format_func=lambda n: "Tất cả" if n == ALL else ui.get_dataset(n).title, key="history_dataset")
shown = history if dataset == ALL else history[history["dataset"] == dataset]
shown = shown.merge(ui.rows_in_use(), on="load_id", how="left")
shown = shown.assign(
    rows_in_use=shown["rows_in_use"].where(shown["status"] != "loaded", shown["rows_in_use"].fillna(0)).astype("Int64"),
    sample=shown["is_sample"].map({True: "mẫu", False: ""}),
)
shown["state"] = [state_of(r) for r in shown.itertuples()]
table = shown[list(COLUMNS)].rename(columns=COLUMNS).assign(**{
    "Bộ dữ liệu": shown["dataset"].map(ui.dataset_label).tolist(),
    "Người nạp": shown["loaded_by"].map(ui.loader_label).tolist(),
})
st.dataframe(ui.styled(table[list(SHOWN)], {"Thời điểm": ui.moment, "Số dòng": ui.number, "Dòng đang dùng": ui.number}),
             hide_index=True, width="stretch", placeholder="–", column_config=SHOWN)
ui.export_button(table, "lich_su_nap", key="history_export",
                 formats={"Số dòng": "int", "Dòng đang dùng": "int", "Thời điểm": "datetime", "Thu hồi lúc": "datetime"},
                 notes=["Lịch sử tải dữ liệu" + ("" if dataset == ALL else f" — {ui.get_dataset(dataset).title}")],
                 datasets=tuple(names) if dataset == ALL else (dataset,),
                 filters=[f"Bộ dữ liệu: {'tất cả' if dataset == ALL else ui.get_dataset(dataset).title}"])
if shown.empty:
    st.stop()

# ---------------------------------------------------------------- one load

ids = shown["load_id"].tolist()
label = shown.set_index("load_id")
load_id = st.selectbox("Xem chi tiết lần nạp", ids, index=ids.index(ui.param_choice("load", ids, ids[0])),
                       key="history_load",
                       format_func=lambda i: f"#{i} — {label.at[i, 'file_name']}")
ui.set_params(dataset=None if dataset == ALL else dataset, load=load_id)
row = label.loc[load_id]
detail = ui.load_detail(load_id)

st.subheader(f"Lần nạp #{load_id}: {ui.md_text(row['file_name'])}")
if st.session_state.get("history_flash"):
    ok, message = st.session_state.pop("history_flash")
    (st.success if ok else st.error)(message, icon=":material/undo:" if ok else ":material/error:")
retracted = not pd.isna(row["retracted_at"])
workbook = ui.is_workbook(row["file_name"])  # a CSV or a report has no sheets to name
facts = [ui.get_dataset(row["dataset"]).title if row["dataset"] in ui.DATASETS else "bộ dữ liệu chưa rõ",
         f"trang tính «{ui.md_text(detail['sheet'])}»" if workbook and detail.get("sheet") else None, row["state"],
         f"{ui.number(row['rows_loaded'])} dòng",
         f"nạp bởi {ui.md_text(ui.loader_label(row['loaded_by']))} lúc {ui.moment(row['loaded_at'])}",
         f"thu hồi bởi {ui.md_text(row['retracted_by'])} lúc {ui.moment(row['retracted_at'])}" if retracted else None,
         f"sha256 {row['sha256'][:12]}…"]
st.caption(" · ".join(f for f in facts if f))

findings = ui.findings_frame_from(ui.load_findings(load_id), sheets=workbook)
if findings.empty:
    st.caption("Không có lỗi hay cảnh báo.")
else:
    ui.findings_table(findings)
    ui.export_button(findings, f"ket_qua_kiem_tra_lan_nap_{load_id}", key="history_findings_export",
                     notes=[f"Kết quả kiểm tra lần nạp #{load_id}: {row['file_name']}"],
                     datasets=(), load_id=load_id, filters=[f"Lần nạp #{load_id}"])

sources = ui.value_sources(load_id)
if not sources.empty:  # a load from a report (the upload page's "Đọc báo cáo"): each value beside its sentence
    st.subheader("Số liệu đọc từ báo cáo")
    st.caption("Mỗi giá trị của lần nạp này kèm câu trong báo cáo nó được đọc từ và vị trí câu đó (đoạn, trang); "
               "«Sửa tay»: chuyên viên đã sửa số đọc được trước khi nạp.")
    shown_sources = ui.sources_table(sources, row["dataset"])
    st.dataframe(shown_sources, hide_index=True, width="stretch", placeholder="–", row_height=72, height=440,
                 column_config={"Chỉ tiêu": st.column_config.TextColumn(width=170),
                                "Câu trong báo cáo": st.column_config.TextColumn(width=400)})  # rows over 4rem wrap
    ui.export_button(shown_sources, f"nguon_so_lieu_lan_nap_{load_id}", key="history_sources_export",
                     notes=[f"Số liệu đọc từ báo cáo, lần nạp #{load_id}: {row['file_name']}"],
                     datasets=(), load_id=load_id, filters=[f"Lần nạp #{load_id}"])

if not access.is_analyst():
    st.caption(":material/lock: Tải tệp gốc và thu hồi lần nạp dành cho chuyên viên (đăng nhập ở thanh bên trái).")
    st.stop()

original = ui.original_file(load_id)
if original is None:
    st.caption("Không tìm thấy tệp gốc bên cạnh kho dữ liệu (thư mục archive/ hoặc quarantine/).")
else:
    st.download_button("Tải tệp gốc", lambda: original.read_bytes(), file_name=row["file_name"],
                       mime="application/octet-stream", key="history_original", icon=":material/draft:",
                       on_click="ignore")

if row["state"] in ("bị từ chối", "đã thu hồi"):
    st.stop()
if st.button("Thu hồi lần nạp này…", key="history_retract", icon=":material/undo:"):
    st.session_state["history_confirm"] = load_id
if st.session_state.get("history_confirm") == load_id:
    st.warning(f"Thu hồi lần nạp #{load_id} ({ui.md_text(row['file_name'])})? {ui.number(row['rows_in_use'])} dòng đang "
               "dùng của nó sẽ thôi được tính; với cùng xã và kỳ, số liệu của lần nạp trước (nếu có) được dùng lại. "
               "Không dữ liệu nào bị xóa.", icon=":material/warning:")
    confirm, cancel = st.columns([1, 5])
    if confirm.button("Xác nhận thu hồi", type="primary", key="history_retract_confirm"):
        try:
            st.session_state["history_flash"] = (True, ui.retract_load(load_id, "history_retract_auth"))
        except ValueError as exc:  # retracted meanwhile (another analyst, the CLI)
            st.session_state["history_flash"] = (False, str(exc))
        st.session_state.pop("history_confirm", None)
        st.rerun()
    if cancel.button("Hủy", key="history_retract_cancel"):
        st.session_state.pop("history_confirm", None)
        st.rerun()
