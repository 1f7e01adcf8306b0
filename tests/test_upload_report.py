"""The upload page's "Đọc báo cáo" step, driven by AppTest on the real reports of tests/fixtures/reports/: the
figures beside their sentences, a value corrected and a figure unticked, loads as ordinary loads (the report
archived as the original), the history's sentence of each value, retract. Mỏ Cày's report 004 says, by hand:
"Tổng số lượng hồ sơ tiếp nhận: 3.781 hồ sơ; trong đó: tiếp nhận trực tuyến: 3.276 hồ sơ (chiếm 86.6%) …" (đoạn 69
of the .docx, page 5 of the PDF) and "Số học viên tham gia: 4.365 học viên, xếp hạng 11/96 xã" (18/11/2025)."""

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fixtures.reports import builders
from streamlit.testing.v1 import AppTest

from warehouse.extract import loading
from warehouse.extract.model import Figure
from warehouse.formatting import md_text

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).parent / "fixtures" / "reports"
MO_CAY = "004_c896218ea5f897fb"
ONLINE = "Tiếp nhận trực tuyến"
MO_CAY_ONLINE = ("select received_online from stg_dvctt where commune_code = '21421' "
                 "and period_start = date '2025-07-01' and period_end = date '2025-10-30'")


@pytest.fixture
def page(seeded_copy, monkeypatch):
    """The upload page on a private copy of the sample warehouse, its "Đọc báo cáo" step chosen."""
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at = at.switch_page("app_pages/upload.py").run()
    return at.segmented_control(key="upload_kind").set_value("report").run()


def upload(at, path: Path):
    at.file_uploader(key="upload_report_file").set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at) -> pd.DataFrame:
    """The editor's table as the page gave it, its rows numbered as the editor numbers them."""
    return at.data_editor(key="upload_report_figures").value.reset_index(drop=True)


def edit(at, changes: dict[str, dict]):
    """Type into the editor: {column label of a figure: {editor column: new value}} (the first such figure)."""
    table = figures(at)
    rows = {int(table.index[table["Chỉ tiêu"] == label][0]): cells for label, cells in changes.items()}
    at.session_state["upload_report_figures"] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_step_shows_the_unit_the_periods_and_each_figure_beside_its_sentence(page):
    at = upload(page, REPORTS / f"{MO_CAY}.docx")
    assert "**Xã Mỏ Cày** (mã 21421)" in at.info[0].value and md_text("'UBND xã Mỏ Cày báo cáo …'") in at.info[0].value
    assert any("Kỳ nêu trong báo cáo:" in c.value and "01/07–30/10/2025" in c.value for c in at.caption)
    assert "Số liệu đọc được: 37 (BDHVS 14, DVCTT 23)" in [s.value for s in at.subheader]
    table = figures(at)
    assert len(table) == 37 and table["Dùng"].all()
    online = table[table["Chỉ tiêu"] == ONLINE].iloc[0]
    assert (online["Giá trị"], online["Kỳ"], online["Số như viết"], online["Vị trí"], online["Độ tin cậy"]) == \
        ("3.276", "01/07/2025-30/10/2025", "3.276 hồ sơ", "đoạn 69", "cao")
    assert "tiếp nhận trực tuyến: 3.276 hồ sơ (chiếm 86.6%)" in online["Câu trong báo cáo"]
    learners = table[(table["Chỉ tiêu"] == "Số học viên tham gia") & (table["Kỳ"] == "18/11/2025")].iloc[0]
    assert learners["Giá trị"] == "4.365" and "4.365 học viên" in learners["Câu trong báo cáo"]
    assert table[table["Chỉ tiêu"] == "Tỷ lệ giải quyết trước hạn, đúng hạn (%)"]["Giá trị"].tolist() == ["99,95"]
    not_used = next(d.value for d in at.dataframe if "Lý do không dùng" in d.value.columns)
    assert len(not_used) == 55 and not_used["Lý do không dùng"].str.len().gt(0).all()
    assert any("Sẽ nạp thành 2 lần nạp" in c.value and "BDHVS 2 dòng, DVCTT 1 dòng" in c.value for c in at.caption)
    assert at.success and "đạt mọi kiểm tra" in at.success[0].value
    assert not at.button(key="upload_report_load").disabled


def test_a_corrected_value_loads_corrected_an_unticked_figure_does_not_load(page, seeded_copy):
    report = REPORTS / f"{MO_CAY}.pdf"
    at = edit(upload(page, report), {ONLINE: {"Giá trị": "3.267"}, "Rút hồ sơ": {"Dùng": False}})
    at.button(key="upload_report_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    done = [s.value for s in at.success]
    assert len(done) == 2 and "vào bộ «Bình dân học vụ số»" in done[0] and "vào bộ «Hồ sơ thủ tục hành chính" in done[1]
    loads = rows(seeded_copy, "select load_id, dataset, sheet, status, rows_loaded, stored_path from meta.loads "
                              "where file_name = ? order by load_id", [report.name])
    assert [r[1:5] for r in loads] == [("bdhvs", "bdhvs", "loaded", 2), ("dvctt", "dvctt", "loaded", 1)]
    stored = loads[0][5]  # the report itself is each load's original, archived once
    assert loads[1][5] == stored and Path(stored).parent.name == "archive"
    assert Path(stored).read_bytes() == report.read_bytes()
    assert [p.name for p in Path(stored).parent.iterdir() if p.name.endswith(report.name)] == [Path(stored).name]
    dvctt_id = loads[1][0]
    assert rows(seeded_copy, "select received_total, received_online, withdrawn, on_time_rate_pct_reported "
                             "from raw.dvctt where load_id = ?", [dvctt_id]) == [(3781, 3267, None, 99.95)]
    assert rows(seeded_copy, MO_CAY_ONLINE) == [(3267,)]  # the newest load wins
    sources = rows(seeded_copy, "select column_name, location, written, is_corrected, sentence from meta.value_sources "
                                "where load_id = ? order by column_name", [dvctt_id])
    by_column = {r[0]: r[1:] for r in sources}
    assert len(sources) == 22 and "withdrawn" not in by_column  # 23 read, one unticked
    assert by_column["received_online"][:3] == ("trang 5, dòng 28", "3.276 hồ sơ", True)
    assert "tiếp nhận trực tuyến: 3.276 hồ sơ" in by_column["received_online"][3]
    assert not by_column["received_total"][2]
    bdhvs = rows(seeded_copy, "select r.snapshot_date, r.learners, s.written from raw.bdhvs r join meta.value_sources s "
                              "on s.load_id = r.load_id and s.source_row = r.source_row and s.column_name = 'learners' "
                              "where r.load_id = ? order by 1", [loads[0][0]])
    assert bdhvs == [(date(2025, 11, 3), 3118, "3.118 học viên"), (date(2025, 11, 18), 4365, "4.365 học viên")]

    at.run()  # the same report, now loaded: said at once, before it is read again
    assert [w.value for w in at.warning if "Tệp này đã được nạp" in w.value][0].startswith(
        f"**Tệp này đã được nạp**: lần nạp #{loads[0][0]} lúc ")
    assert not [b for b in at.button if b.key == "upload_report_load"]


def test_history_shows_the_sentence_of_each_value_and_retract_undoes_the_load(page, seeded_copy, open_page):
    before = rows(seeded_copy, MO_CAY_ONLINE)
    at = edit(upload(page, REPORTS / f"{MO_CAY}.docx"), {ONLINE: {"Giá trị": "3.267"}})
    at.button(key="upload_report_load").click().run()
    load_id = rows(seeded_copy, "select max(load_id) from meta.loads where dataset = 'dvctt'")[0][0]
    assert rows(seeded_copy, MO_CAY_ONLINE) == [(3267,)]

    history = open_page("app_pages/history.py", db=seeded_copy, load=str(load_id))
    assert "Số liệu đọc từ báo cáo" in [s.value for s in history.subheader]
    shown = next(d.value for d in history.dataframe if "Câu trong báo cáo" in d.value.columns)
    online = shown[shown["Chỉ tiêu"] == ONLINE].iloc[0]
    assert (online["Giá trị đã nạp"], online["Số như viết trong báo cáo"], online["Vị trí"], online["Sửa tay"]) == \
        ("3.267", "3.276 hồ sơ", "đoạn 69", "có")
    assert online["Kỳ"] == "01/07/2025-30/10/2025" and online["Mã xã"] == "21421"
    assert "tiếp nhận trực tuyến: 3.276 hồ sơ (chiếm 86.6%)" in online["Câu trong báo cáo"]

    history.button(key="history_retract").click().run()
    history.button(key="history_retract_confirm").click().run()
    assert not history.exception and f"Đã thu hồi lần nạp #{load_id}" in history.success[0].value
    assert rows(seeded_copy, MO_CAY_ONLINE) == before  # the sample's 3.276 counts again
    assert rows(seeded_copy, "select count(*) from raw.dvctt where load_id = ?", [load_id]) == [(1,)]  # nothing deleted


def test_a_value_the_checks_refuse_is_shown_where_the_report_says_it_and_nothing_loads(page, seeded_copy):
    at = edit(upload(page, REPORTS / f"{MO_CAY}.docx"), {ONLINE: {"Giá trị": "ba nghìn"}})
    checks = next(d.value for d in at.dataframe if "Vị trí trong báo cáo" in d.value.columns)
    error = checks[checks["Mức độ"] == "Lỗi"].iloc[0]
    assert (error["Cột"], error["Giá trị"], error["Vị trí trong báo cáo"]) == (ONLINE, "ba nghìn", "đoạn 69")
    assert any("chưa thể nạp" in e.value for e in at.error)
    assert at.button(key="upload_report_load").disabled
    assert rows(seeded_copy, "select count(*) from meta.loads where file_name like '004_%'") == [(0,)]


def test_a_scanned_pdf_is_refused_with_what_to_do_and_recorded_once(page, seeded_copy, tmp_path):
    scan = builders.write_scanned_pdf(tmp_path / "scan.pdf", "BÁO CÁO\nTổng số hồ sơ tiếp nhận: 3.781 hồ sơ")
    at = upload(page, scan)
    assert "không có lớp chữ" in at.error[0].value and not at.data_editor
    at.run()  # a rerun does not record it again
    recorded = rows(seeded_copy, "select status, stored_path from meta.loads where file_name = 'scan.pdf'")
    assert [r[0] for r in recorded] == ["rejected"] and Path(recorded[0][1]).read_bytes() == scan.read_bytes()


def test_a_report_that_does_not_say_whose_it_is_gets_its_unit_chosen(page, tmp_path):
    report = tmp_path / "khong_ten.txt"
    report.write_text("BÁO CÁO tháng 11/2025\n- Số thuê bao di động: 18.019/19.080 dân số, đạt 94,4%.\n", encoding="utf-8")
    at = upload(page, report)
    assert at.warning and "không số liệu nào được ghi cho một xã" in at.warning[0].value and not at.data_editor
    at.selectbox(key="upload_report_unit").set_value("Đặc khu Lý Sơn").run()
    assert not at.exception and "**Đặc khu Lý Sơn** (mã 21548)" in at.info[0].value
    table = figures(at)
    assert dict(zip(table["Chỉ tiêu"], table["Giá trị"], strict=True)) == {
        "Thuê bao di động": "18.019", "Dân số": "19.080", "Thuê bao di động/100 dân": "94,4"}


# ---------------------------------------------------------------- the review, without the page


def _figure(value, qualifier=None) -> Figure:
    return Figure(text="", sentence="", paragraph=1, page=None, value=value, qualifier=qualifier)


@pytest.mark.parametrize("value, qualifier, typed", [
    (3781.0, None, "3.781"), (86.6, None, "86,6"), (99.95, None, "99,95"), (75.0, "trên", "trên 75"), ("7/96", None, "7/96"),
])
def test_a_value_reads_as_an_analyst_types_it(value, qualifier, typed):
    assert loading.value_text(_figure(value, qualifier)) == typed


def test_a_loads_values_and_their_sources_are_written_together_or_not_at_all(db_file, communes_with_former, tmp_path):
    """One transaction: a source the table refuses (a sentence missing: NOT NULL) rolls back the rows too."""
    from warehouse import extract, load

    report = REPORTS / f"{MO_CAY}.txt"
    reviewed = loading.apply_review(extract.extract_report(report, communes=communes_with_former), None)
    folder = tmp_path / "upload"
    folder.mkdir()
    tables = [t for t in loading.check_reviewed(reviewed, communes_with_former, folder) if t.dataset == "dvctt"]
    assert tables[0].ok and list(folder.iterdir()) == []  # the workbook read for the checks is gone
    tables[0].sources.loc[0, "sentence"] = None
    [result] = loading.load_reviewed(report, tables, file_name=report.name, loaded_by="test", db_file=db_file)
    assert result.status == load.REJECTED and "lỗi không mong đợi khi ghi vào kho" in result.errors[-1].message
    assert rows(db_file, "select count(*) from raw.dvctt") == [(0,)]
    assert rows(db_file, "select count(*) from meta.value_sources") == [(0,)]
    assert rows(db_file, "select status from meta.loads where file_name = ?", [report.name]) == [("rejected",)]
