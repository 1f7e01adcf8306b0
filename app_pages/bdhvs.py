"""Bình dân học vụ số: the rankings of one snapshot, x/n, and movement since the previous one."""

import streamlit as st

import ui

ui.page_header("Bình dân học vụ số — xếp hạng các xã")
st.caption("Hạng do kho dữ liệu tính (1 + số đơn vị đứng trên), trong số các đơn vị có số liệu của chỉ số đó cùng ngày; "
           "hạng có dấu * là hạng tỉnh công bố trong báo cáo của đơn vị, khi kho chưa có đủ bảng xếp hạng ngày đó. "
           "«Theo dân số» = học viên trên 1.000 dân (dân số trong báo cáo, nếu không có thì dân số ước tính).")

snapshots = ui.bdhvs_snapshots()
if not snapshots:
    st.info("Chưa có số liệu Bình dân học vụ số.", icon=":material/info:")
    st.stop()
snapshot = st.selectbox("Ngày số liệu", snapshots, index=snapshots.index(ui.param_choice("date", snapshots, snapshots[0])),
                        format_func=ui.day, key="bdhvs_date")
ui.set_params(date=snapshot)

frame = ui.bdhvs_rankings(snapshot)
previous = frame["previous_period_end"].dropna()
since = f"so với ngày {ui.day(previous.iloc[0])}" if len(previous) else ""
st.caption(f"{len(frame)} đơn vị có số liệu" + (f" · thay đổi hạng {since}" if since else ""))

ui.table(ui.wide_table(frame, [m.name for m in ui.metrics_of_dataset("bdhvs")], moved=("learners", "learners_per_1000")),
         {}, height=600)
export = ui.bdhvs_export(frame)
ui.export_button(export, f"bdhvs_xep_hang_{snapshot:%Y%m%d}", key="bdhvs_export",
                 formats={col: ("dec1" if "1.000" in col else "int") for col in export.columns[1:]},
                 notes=[f"Bình dân học vụ số — xếp hạng ngày {ui.day(snapshot)} ({len(frame)} đơn vị có số liệu)",
                        "Thay đổi hạng: số dương = lên bậc, số âm = xuống bậc" + (f", {since}" if since else "")])
