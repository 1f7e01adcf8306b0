"""Government-style workbooks: letterhead, two-row merged headers, column numbers, totals,
signature blocks, period in the title, several sheets. Written by openpyxl (tests/fixtures)."""

from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from fixtures import workbooks as wbk

from warehouse import ingest, layout, load, xlsx


def reasons_by_row(table) -> dict[int, str]:
    """Excel row → why it was left out, from the runs of rows the reader sends."""
    return {row: reason for first, last, reason in table.skipped_rows for row in range(first, last + 1)}


@pytest.fixture
def index(communes_with_former):
    return communes_with_former


def test_gov_dvctt_header_rows_mapping_and_values(tmp_path, index):
    table = ingest.read_table(wbk.gov_dvctt(tmp_path / "bieu01.xlsx"), None, index)
    assert (table.dataset, table.sheet, table.header_row, table.header_rows) == ("dvctt", "Biểu 01", 8, 2)
    assert table.headers == {
        "commune_name": "Tên đơn vị", "received_total": "Tổng số hồ sơ tiếp nhận",
        "received_online": "Tiếp nhận trực tuyến", "received_direct": "Trực tiếp và bưu chính",
        "resolved_total": "Đã giải quyết / Tổng số", "resolved_on_time": "Đã giải quyết / Trước hạn, đúng hạn",
        "resolved_late": "Đã giải quyết / Quá hạn", "pending_total": "Đang giải quyết", "withdrawn": "Rút hồ sơ",
    }
    frame = table.frame
    assert frame["source_row"].tolist() == [12, 13, 15]
    assert frame["commune_code"].tolist() == ["21421", "21292", "21548"]  # capitals, double space, NFD without prefix
    mo_cay = frame.iloc[0]
    assert [mo_cay[c] for c in ("received_total", "received_online", "received_direct", "resolved_total",
                                "resolved_on_time", "resolved_late", "pending_total", "withdrawn")] == \
        [3781, 3276, 505, 3681, 3679, 2, 66, 34]
    assert frame["period_start"].unique().tolist() == [pd.Timestamp("2025-07-01")]
    assert frame["period_end"].unique().tolist() == [pd.Timestamp("2025-10-30")]


def test_gov_dvctt_rows_left_out_and_why(tmp_path, index):
    table = ingest.read_table(wbk.gov_dvctt(tmp_path / "bieu01.xlsx"), None, index)
    reasons = reasons_by_row(table)
    assert {r: reasons[r] for r in (1, 3, 5, 6)} == dict.fromkeys((1, 3, 5, 6), layout.REASONS["title"])
    assert reasons[4] == reasons[7] == reasons[14] == layout.REASONS["blank"]
    assert reasons[8] == reasons[9] == layout.REASONS["header"]
    assert reasons[10] == layout.REASONS["colnum"]
    assert reasons[11] == layout.REASONS["total"]
    assert reasons[17] == reasons[19] == reasons[20] == reasons[23] == layout.REASONS["footer"]
    assert set(reasons) | {12, 13, 15} == set(range(1, 24))  # every row is data or left out with a reason
    assert layout.describe_skipped(table.skipped_rows)[:3] == [
        ("1–3", layout.REASONS["title"]), ("4", layout.REASONS["blank"]), ("5–6", layout.REASONS["title"])]


def test_gov_dvctt_period_from_title_and_total_that_does_not_add_up(tmp_path, index):
    table = ingest.read_table(wbk.gov_dvctt(tmp_path / "bieu01.xlsx"), None, index)
    assert table.period == {"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 30)}
    assert (table.period_source, table.period_text) == ("title", "(Từ ngày 01/7/2025 đến ngày 30/10/2025)")
    by_rule = {f.rule: f for f in table.findings}
    assert set(by_rule) == {"period_from_title", "total_mismatch"}
    total = by_rule["total_mismatch"]
    assert (total.severity, total.row, total.column, total.value) == ("warning", 11, "Tiếp nhận trực tuyến", "4.377")
    assert "4.377" in total.message and "4.376" in total.message  # 3.276 + 100 + 1.000
    assert by_rule["period_from_title"].row == 6


def test_signing_date_in_letterhead_is_not_the_period(tmp_path, index):
    """'Quảng Ngãi, ngày 20 tháng 11 năm 2025' is when the report was signed: no period → an error."""
    table = ingest.read_table(wbk.gov_dvctt(tmp_path / "bieu01.xlsx", title_period=None), None, index)
    assert table.period is None and table.period_source is None
    [missing] = [f for f in table.findings if f.rule == "period_missing"]
    assert missing.severity == "error" and "--period" in missing.message and "Kỳ báo cáo" in missing.message


def test_period_given_fills_the_column_and_wins_over_the_title(tmp_path, index):
    path = wbk.gov_dvctt(tmp_path / "bieu01.xlsx")
    given = {"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 31)}
    table = ingest.read_table(path, None, index, period=given)
    assert (table.period, table.period_source) == (given, "given")
    assert table.frame["period_end"].unique().tolist() == [pd.Timestamp("2025-10-31")]
    assert "period_from_title" not in {f.rule for f in table.findings}
    typed = ingest.read_table(path, None, index, period="01/07/2025 - 30/09/2025")
    assert typed.period == {"period_start": date(2025, 7, 1), "period_end": date(2025, 9, 30)}


def test_period_given_is_ignored_when_the_table_has_the_column(make_xlsx, index):
    path = make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], ["21421", "03/11/2025", 3118]])
    table = ingest.read_table(path, None, index, period={"snapshot_date": date(2025, 11, 18)})
    assert table.period is None and table.period_source is None
    assert table.frame["snapshot_date"].tolist() == [pd.Timestamp("2025-11-03")]


def test_gov_bdhvs_groups_totals_and_snapshot_from_title(tmp_path, index):
    table = ingest.read_table(wbk.gov_bdhvs(tmp_path / "bdhvs.xlsx"), None, index)
    assert table.dataset == "bdhvs" and table.period == {"snapshot_date": date(2025, 11, 18)}
    assert table.frame[["source_row", "commune_code", "learners", "topics_completed", "certificates"]].values.tolist() == [
        [7, "21421", 4365, 16275, 2993], [8, "21292", 100, 400, 50], [10, "23368", 100, 300, 50]]
    reasons = reasons_by_row(table)
    assert reasons[5] == layout.REASONS["total"] and reasons[12] == layout.REASONS["footer"]
    assert reasons[6] == reasons[9] == layout.REASONS["group"]
    assert [f.rule for f in table.findings] == ["period_from_title"]  # every total adds up


def test_group_subtotal_that_does_not_add_up_is_a_warning(tmp_path, index):
    table = ingest.read_table(wbk.gov_bdhvs(tmp_path / "bdhvs.xlsx", group_learners=4466), None, index)
    [warning] = [f for f in table.findings if f.rule == "total_mismatch"]
    assert (warning.row, warning.column, warning.value) == (6, "Số học viên tham gia", "4466")
    assert "4.466" in warning.message and "4.465" in warning.message and "dòng 7–8" in warning.message


def test_gov_broadband_text_numbers_percent_and_month_from_title(tmp_path, index):
    table = ingest.read_table(wbk.gov_broadband(tmp_path / "bb.xlsx"), None, index)
    assert table.dataset == "broadband" and table.period == {"period": date(2025, 11, 30)}
    ly_son = table.frame.iloc[0]
    assert ly_son["commune_code"] == "21548"
    assert (ly_son["households"], ly_son["fibre_households"], ly_son["mobile_subs"], ly_son["bts_stations"]) == \
        (6160, 4520, 18019, 28)
    assert table.frame["coverage_5g_pct"].tolist() == [12.5, 86.6]
    assert table.frame["period"].unique().tolist() == [pd.Timestamp("2025-11-30")]


def test_several_sheets_pick_the_best_or_the_one_asked(tmp_path, index):
    path = wbk.several_sheets(tmp_path / "hai_bang.xlsx")
    first = ingest.read_table(path, None, index)
    assert (first.dataset, first.sheet) == ("dvctt", "DVCTT")
    assert first.sheet_names == ["Hướng dẫn", "DVCTT", "BDHVS"] and first.matching_sheets == ["DVCTT", "BDHVS"]
    [note] = [f for f in first.findings if f.rule == "several_sheets"]
    assert "'BDHVS'" in note.message and "--sheet" in note.message
    second = ingest.read_table(path, None, index, sheet="BDHVS")
    assert (second.dataset, second.sheet) == ("bdhvs", "BDHVS")
    assert second.frame[["commune_code", "learners"]].values.tolist() == [["21421", 4365]]
    assert not [f for f in second.findings if f.rule == "several_sheets"]
    with pytest.raises(ingest.IngestError, match="Hướng dẫn"):
        ingest.read_table(path, None, index, sheet="Hướng dẫn")
    with pytest.raises(ingest.IngestError, match="không có trang tính 'Tháng 12'"):
        ingest.read_table(path, None, index, sheet="Tháng 12")


@pytest.mark.parametrize("levels, canonical", [
    (("Đã giải quyết", "Tổng số"), "resolved_total"), (("Đã giải quyết", "Quá hạn"), "resolved_late"),
    (("Đã giải quyết", "Trước hạn, đúng hạn"), "resolved_on_time"), (("Đang giải quyết", "Quá hạn"), "pending_overdue"),
    (("Tiếp nhận", "Tổng số"), "received_total"), (("Tiếp nhận", "Trực tuyến"), "received_online"),
    (("Hồ sơ tiếp nhận", "Tổng số"), "received_total"), (("DVCTT toàn trình", "Hồ sơ tiếp nhận"), "full_received"),
    (("Dịch vụ công trực tuyến một phần", "Tiếp nhận trực tuyến"), "partial_online"),
    (("Thủ tục hành chính toàn trình", "Số TTHC"), None),
])
def test_parent_and_child_headers_combined(levels, canonical):
    from warehouse import datasets

    assert layout.match_levels(datasets.get("dvctt"), levels) == canonical


def test_child_header_alone_never_passes_for_a_column_another_header_names():
    """Under 'Dịch vụ công (toàn trình)', 'Hồ sơ tiếp nhận' is not the total received."""
    from warehouse import datasets

    levels = [("Mã xã",), ("Tổng số hồ sơ tiếp nhận",), ("Dịch vụ công (toàn trình)", "Hồ sơ tiếp nhận"),
              ("Kỳ báo cáo", "Từ ngày"), ("Kỳ báo cáo", "Đến ngày")]
    mapping = layout._map(datasets.get("dvctt"), levels)
    assert mapping == {0: "commune_code", 1: "received_total", 3: "period_start", 4: "period_end"}


def test_three_row_header_and_csv_style_parents_without_merges(make_xlsx, index):
    """A parent written once over its children, no merged cells (as a CSV export leaves it)."""
    path = make_xlsx([
        ["BÁO CÁO THÁNG 11/2025"],
        ["Mã xã", "Kỳ báo cáo", None, "Hồ sơ TTHC", None, None],
        [None, "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Trong đó", None],
        [None, None, None, None, "Tiếp nhận trực tuyến", "Trực tiếp và bưu chính"],
        ["21421", "01/07/2025", "30/10/2025", 3781, 3276, 505],
    ])
    table = ingest.read_table(path, None, index)
    assert (table.dataset, table.header_row, table.header_rows) == ("dvctt", 2, 3)
    assert table.frame[["commune_code", "received_total", "received_online", "received_direct"]].values.tolist() == [
        ["21421", 3781, 3276, 505]]
    assert table.period is None  # the table has its period columns


def test_stt_numbered_with_sections_and_parents(make_xlsx, index):
    path = make_xlsx([
        ["STT", "Tên xã", "Ngày số liệu", "Số học viên tham gia"],
        ["A", "KHU VỰC ĐỒNG BẰNG", None, None],
        ["1", "Huyện Mộ Đức (cũ)", None, 4465],
        ["1.1", "Xã Mỏ Cày", "18/11/2025", 4365],
        ["1.2", "Xã Sơn Hạ", "18/11/2025", 100],
        ["B", "KHU VỰC MIỀN NÚI", None, None],
        ["2", "Xã Ba Tô", "18/11/2025", 10],
    ])
    table = ingest.read_table(path, None, index)
    assert table.frame["commune_code"].tolist() == ["21421", "21292", "21523"]
    reasons = reasons_by_row(table)
    assert reasons[2] == reasons[3] == reasons[6] == layout.REASONS["group"]
    assert not table.findings  # the heading 1 sums its rows 1.1 and 1.2


def test_a_row_numbered_like_a_heading_that_names_a_commune_is_data(make_xlsx, index):
    path = make_xlsx([
        ["STT", "Tên xã", "Ngày số liệu", "Số học viên tham gia"],
        ["1", "Xã Mỏ Cày", "18/11/2025", 4365],
        ["1.1", "Xã Sơn Hạ", "18/11/2025", 100],
    ])
    table = ingest.read_table(path, None, index)
    assert table.frame["commune_code"].tolist() == ["21421", "21292"]


def test_rows_with_numbers_under_the_signature_are_a_warning(make_xlsx, index):
    path = make_xlsx([
        ["Mã xã", "Ngày số liệu", "Số học viên tham gia"],
        ["21421", "18/11/2025", 4365],
        [None, "Người lập biểu", None],
        ["21292", "18/11/2025", 100],
    ])
    table = ingest.read_table(path, None, index)
    assert table.frame["commune_code"].tolist() == ["21421"]
    [warning] = [f for f in table.findings if f.rule == "below_footer"]
    assert warning.row == 4 and warning.severity == "warning"


def test_date_line_on_the_right_starts_the_footer(make_xlsx, index):
    path = make_xlsx([
        ["Mã xã", "Ngày số liệu", "Số học viên tham gia", "Số chứng nhận đạt được"],
        ["21421", "18/11/2025", 4365, 2993],
        [],
        [None, None, None, "Mỏ Cày, ngày 19 tháng 11 năm 2025"],
        [None, "NGƯỜI LẬP", None, "CHỦ TỊCH"],
    ])
    table = ingest.read_table(path, None, index)
    assert table.rows == 1 and not table.findings
    assert reasons_by_row(table)[4] == layout.REASONS["footer"]


@pytest.mark.parametrize("label, kind", [
    ("Tổng cộng", "total"), ("TỔNG CỘNG", "total"), ("Tổng số", "total"), ("Toàn tỉnh", "total"), ("Tổng", "total"),
    ("Tổng cộng toàn tỉnh", "total"), ("Cộng", "subtotal"), ("Cộng huyện Mộ Đức", "subtotal"), ("Trong đó:", "of_which"),
    ("Người lập biểu", "footer"), ("KT. CHỦ TỊCH", "footer"), ("Ghi chú: số liệu ước", "footer"), ("TM. UBND", "footer"),
    ("Nơi nhận:", "footer"), ("Quảng Ngãi, ngày 20 tháng 11 năm 2025", "footer"),
    ("Xã Mỏ Cày", None), ("Cộng đồng số", None), ("Tổng số hồ sơ", None),
])
def test_label_kinds(label, kind):
    assert layout.label_kind(label) == kind


def test_no_commune_name_looks_like_a_total_or_a_signature(index):
    names = list(index.names.values()) + [u.name for units in index.former.values() for u in units]
    assert [n for n in names if layout.label_kind(n)] == []
    assert [n for n in names if layout.label_kind(n.split(" ", 1)[1])] == []  # without prefix


def test_gov_workbook_loads_into_the_warehouse_with_its_warnings(tmp_path, db_file):
    path = wbk.gov_dvctt(tmp_path / "bieu01.xlsx")
    result = load.load_path(path, db_file=db_file, loaded_by="test")
    assert result.status == load.LOADED and result.dataset == "dvctt" and result.rows == 3
    assert {f.rule for f in result.warnings} == {"period_from_title", "total_mismatch"}
    with duckdb.connect(str(db_file), read_only=True) as con:
        rows = con.execute("""select commune_code, period_start, period_end, received_total, received_online
                              from raw.dvctt where load_id = ? order by source_row""", [result.load_id]).fetchall()
    assert rows == [("21421", date(2025, 7, 1), date(2025, 10, 30), 3781, 3276),
                    ("21292", date(2025, 7, 1), date(2025, 10, 30), 120, 100),
                    ("21548", date(2025, 7, 1), date(2025, 10, 30), 1200, 1000)]


def test_missing_period_rejects_once_and_given_period_loads(tmp_path, db_file):
    path = wbk.gov_dvctt(tmp_path / "bieu01.xlsx", title_period=None)
    rejected = load.load_path(path, db_file=db_file, loaded_by="test")
    assert rejected.status == load.REJECTED
    assert [f.rule for f in rejected.errors] == ["period_missing"]  # not again as two missing columns
    loaded = load.load_path(path, db_file=db_file, loaded_by="test", period="01/07/2025-30/10/2025")
    assert loaded.status == load.LOADED and loaded.table.period_source == "given"


def test_merged_cells_read_from_calamine_match_openpyxl(tmp_path):
    path = wbk.gov_dvctt(tmp_path / "bieu01.xlsx")
    [sheet] = ingest.read_sheets(path)
    ws = openpyxl.load_workbook(path).active
    from_openpyxl = sorted(((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1)) for r in ws.merged_cells.ranges)
    assert sorted(sheet.merges) == from_openpyxl


def test_hidden_sheets_are_not_read(tmp_path, index):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append(["Mã xã", "Ngày số liệu", "Số học viên tham gia"])
    ws.append(["21421", "18/11/2025", 4365])
    hidden = wb.create_sheet("Danh mục ẩn")
    hidden.sheet_state = "hidden"
    hidden.append(["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Rút hồ sơ"])
    path = tmp_path / "an.xlsx"
    wb.save(path)
    table = ingest.read_table(path, None, index)
    assert (table.dataset, table.sheet_names, table.matching_sheets) == ("bdhvs", ["Báo cáo"], ["Báo cáo"])


def test_subtotals_of_which_and_a_grand_total_at_the_bottom(make_xlsx, index):
    path = make_xlsx([
        ["STT", "Tên xã", "Ngày số liệu", "Số học viên tham gia", "Số chứng nhận đạt được"],
        [1, "Xã Mỏ Cày", "18/11/2025", 4365, 2993],
        [2, "Xã Sơn Hạ", "18/11/2025", 100, 50],
        [None, "Cộng", None, 4465, 3043],
        [None, "Trong đó:", None, None, None],
        [3, "Xã Ba Tô", "18/11/2025", 10, 5],
        [None, "Cộng", None, 10, 6],
        [None, "Tổng cộng", None, "4.475", "3.048"],
    ])
    table = ingest.read_table(path, None, index)
    assert table.frame["source_row"].tolist() == [2, 3, 6]
    reasons = reasons_by_row(table)
    assert reasons[4] == reasons[7] == layout.REASONS["subtotal"]
    assert reasons[5] == layout.REASONS["of_which"] and reasons[8] == layout.REASONS["total"]
    [warning] = [f for f in table.findings if f.rule == "total_mismatch"]  # the second subtotal: 6 written, 5 summed
    assert (warning.row, warning.column, warning.value) == (7, "Số chứng nhận đạt được", "6")
    assert warning.message == "dòng cộng ghi 6 nhưng cộng 1 dòng chi tiết (dòng 6) được 5"


def test_a_table_without_data_rows_is_an_error(make_xlsx, index):
    path = make_xlsx([["Mã xã", "Ngày số liệu", "Số học viên tham gia"], [None, "Tổng cộng", 0], [None, "Người lập biểu"]])
    table = ingest.read_table(path, None, index)
    [error] = table.findings
    assert (error.rule, error.severity) == ("no_rows", "error") and "dòng tiêu đề cột 1" in error.message


def long_bdhvs(make_xlsx, learners_at_60: object = 60) -> Path:
    """120 units' learners under a title, then a total whose certificates are one more than their sum."""
    rows = [[f"{21000 + i}", 1000 + i, 500 + i] for i in range(120)]
    rows[60 - 4][1] = learners_at_60
    return make_xlsx([
        ["BÁO CÁO BÌNH DÂN HỌC VỤ SỐ (tính đến ngày 18/11/2025)"], [],
        ["Mã xã", "Số học viên tham gia", "Số chứng nhận đạt được"], *rows,
        ["Tổng cộng", sum(1000 + i for i in range(120)) - 1000 - 56 + 60, sum(500 + i for i in range(120)) + 1],
    ])


@pytest.mark.parametrize("learners_at_60, columns, read_60", [
    (60, True, 60),  # every column of one type: read as columns
    ("1.234", False, 1234),  # a number typed as text in a column of numbers: the sheet is read as cells, as written
])
def test_a_long_table_is_read_as_columns_where_its_columns_allow(make_xlsx, index, learners_at_60, columns, read_60):
    path = long_bdhvs(make_xlsx, learners_at_60)
    below = xlsx.below(path, "Báo cáo", 3)
    assert (below is not None) == columns
    if columns:
        assert below.index[0] == 3 and str(below[1].dtype) == "float64" and below.at[3, 0] == "21000"
    table = ingest.read_table(path, "bdhvs", index)
    frame = table.frame.set_index("source_row")
    assert len(frame) == 120 and frame.at[4, "learners"] == 1000 and frame.at[60, "learners"] == read_60
    assert table.skipped_rows == [(1, 1, layout.REASONS["title"]), (2, 2, layout.REASONS["blank"]),
                                  (3, 3, layout.REASONS["header"]), (124, 124, layout.REASONS["total"])]
    total = [f for f in table.findings if f.rule == "total_mismatch"]
    assert [(f.row, f.column) for f in total] == [(124, "Số chứng nhận đạt được")] if columns else len(total) == 2


def test_a_stray_cell_far_below_is_skipped_as_one_run_of_rows(tmp_path, index):
    """The reading child sends runs of rows, not 900.000 blank rows one by one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã xã", "Ngày số liệu", "Số học viên tham gia"])
    for i in range(70):
        ws.append([f"{21000 + i}", "18/11/2025", 10 + i])
    ws.cell(row=900_000, column=1, value="Ghi chú: số liệu sơ bộ")
    wb.save(tmp_path / "xa.xlsx")
    table, findings, _ = load.check_file(tmp_path / "xa.xlsx", "bdhvs", index)
    assert table.rows == 70 and table.frame["learners"].iloc[-1] == 79
    assert table.skipped_rows == [(1, 1, layout.REASONS["header"]), (72, 899_999, layout.REASONS["blank"]),
                                  (900_000, 900_000, layout.REASONS["footer"])]
