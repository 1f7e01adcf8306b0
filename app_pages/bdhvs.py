"""Bình dân học vụ số: the rankings of one snapshot, x/n, and movement since the previous one."""

import streamlit as st

import ui

ui.page_header("Bình dân học vụ số — xếp hạng các xã")
st.caption("Hạng do kho dữ liệu tính (1 + số đơn vị đứng trên), trong số các đơn vị có số liệu cùng ngày. "
           "«Theo dân số» = học viên trên 1.000 dân (dân số ước tính).")

snapshots = ui.bdhvs_snapshots()
if not snapshots:
    st.info("Chưa có số liệu Bình dân học vụ số.", icon=":material/info:")
    st.stop()
snapshot = st.selectbox("Ngày số liệu", snapshots, index=snapshots.index(ui.param_choice("date", snapshots, snapshots[0])),
                        format_func=ui.day, key="bdhvs_date")
ui.set_params(date=snapshot)

frame = ui.bdhvs_rankings(snapshot)
n = int(frame["units_ranked"].max()) if len(frame) else 0
previous = frame["prev_snapshot_date"].dropna()
st.caption(f"{n} đơn vị được xếp hạng"
           + (f" · thay đổi so với ngày {ui.day(previous.iloc[0])}" if len(previous) else ""))


table = frame[[
    "commune_name", "learners", "rank_learners", "rank_learners_change", "topics_completed", "rank_topics",
    "certificates", "rank_certificates", "learners_per_1000", "rank_per_population", "rank_per_population_change",
]].rename(columns={
    "commune_name": "Đơn vị", "learners": "Học viên", "rank_learners": f"Hạng học viên (/{n})",
    "rank_learners_change": "Thay đổi hạng học viên", "topics_completed": "Chuyên đề hoàn thành",
    "rank_topics": f"Hạng chuyên đề (/{n})", "certificates": "Chứng nhận", "rank_certificates": f"Hạng chứng nhận (/{n})",
    "learners_per_1000": "Học viên / 1.000 dân", "rank_per_population": f"Hạng theo dân số (/{n})",
    "rank_per_population_change": "Thay đổi hạng theo dân số",
})
formats = {col: ui.number for col in table.columns if col.startswith(("Học viên", "Chuyên", "Chứng", "Hạng"))}
formats["Học viên / 1.000 dân"] = lambda v: ui.number(v, 1)
formats["Thay đổi hạng học viên"] = ui.movement
formats["Thay đổi hạng theo dân số"] = ui.movement
ui.table(table, formats, height=600)
ui.export_button(table, f"bdhvs_xep_hang_{snapshot:%Y%m%d}", key="bdhvs_export",
                 formats={col: ("dec1" if col == "Học viên / 1.000 dân" else "int") for col in table.columns[1:]},
                 notes=[f"Bình dân học vụ số — xếp hạng ngày {ui.day(snapshot)} ({n} đơn vị)",
                        "Thay đổi hạng: số dương = lên bậc, số âm = xuống bậc"
                        + (f", so với ngày {ui.day(previous.iloc[0])}" if len(previous) else "")])
