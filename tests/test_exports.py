"""Exports: Vietnamese headers, real numbers and dates, and no cell that a spreadsheet would run."""

import io
from datetime import date, datetime, timedelta

import openpyxl
import pandas as pd
import pytest

from warehouse import exports, formatting, queries


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+84 912", "'+84 912"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("Xã Mỏ Cày", "Xã Mỏ Cày"),
    (-5, -5),
    (86.6, 86.6),
])
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_xlsx_keeps_numbers_and_dates_and_neutralises_text():
    frame = pd.DataFrame({
        "Đơn vị": ["Xã Mỏ Cày", "=cmd|' /C calc'!A0"],
        "Tỷ lệ (%)": [86.64, float("nan")],
        "Hồ sơ": [3781, 12],
        "Ngày": [pd.Timestamp("2025-10-30"), pd.NaT],
    })
    data = exports.to_xlsx(frame, formats={"Tỷ lệ (%)": "pct", "Hồ sơ": "int", "Ngày": "date"},
                           notes=["So sánh xã", "Kỳ: 30/10/2025"])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "So sánh xã"
    header = [c.value for c in ws[4]]
    assert header == ["Đơn vị", "Tỷ lệ (%)", "Hồ sơ", "Ngày"]
    assert ws["A6"].value == "'=cmd|' /C calc'!A0" and ws["A6"].data_type == "s"
    assert ws["B5"].value == pytest.approx(86.64) and ws["B5"].number_format == '0.0" %"'
    assert ws["C5"].value == 3781 and ws["C5"].number_format == "#,##0"
    assert ws["D5"].value.date() == date(2025, 10, 30) and ws["D5"].number_format == "dd/mm/yyyy"
    assert ws["B6"].value is None


def test_neutralise_frame_for_csv():
    frame = pd.DataFrame({"=a": ["=1", "b"], "n": [1, 2]})
    out = exports.neutralise_frame(frame)
    assert list(out.columns) == ["'=a", "n"] and out["'=a"].tolist() == ["'=1", "b"] and out["n"].tolist() == [1, 2]


def test_xlsx_without_notes_starts_with_the_bold_header_frozen_under_it():
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(pd.DataFrame({"Hồ sơ": [3781]}), formats={"Hồ sơ": "int"}))).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["Hồ sơ"], [3781]]
    assert ws["A1"].font.b and ws.freeze_panes == "A2" and ws["A2"].number_format == "#,##0"


# ---------------------------------------------------------------- what an export says it is (issue 12)
# the seeded sample (meta.loads, checked by hand): #1 communes.csv (reference, not sample), #2 broadband.xlsx,
# #3 dvctt.xlsx, #4 bdhvs.xlsx, #5 targets.xlsx (Lý Sơn's plan), #6 targets_tinh.xlsx, #7 dvctt_minh_long.xlsx
AT = datetime(2026, 11, 22, 9, 5, tzinfo=exports.VIETNAM)


def _rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@pytest.fixture
def loaded_on(seeded_con) -> str:
    """The day the session's sample warehouse was seeded, as the source lines write it."""
    days = {formatting.day(d) for (d,) in seeded_con.execute("select loaded_at from meta.loads").fetchall()}
    assert len(days) == 1
    return days.pop()


def test_export_says_sample_data_its_loads_filters_and_time(seeded_con, loaded_on):
    source = exports.Source(queries.export_sources(seeded_con, ("dvctt", "communes")), ("Huyện cũ: H. Mộ Đức",))
    frame = pd.DataFrame({"Đơn vị": ["Xã Mỏ Cày"], "Tỷ lệ (%)": [86.64]})
    data = exports.to_xlsx(frame, notes=["Tỷ lệ hồ sơ tiếp nhận trực tuyến"], source=source, at=AT)
    assert [row[0] for row in _rows(data)] == [
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "Dữ liệu mẫu — số liệu minh họa, không phải số liệu chính thức",
        "Bộ lọc: Huyện cũ: H. Mộ Đức",
        f"Nguồn: Hồ sơ thủ tục hành chính và dịch vụ công trực tuyến: lần nạp #3 (dvctt.xlsx, nạp {loaded_on}); "
        f"#7 (dvctt_minh_long.xlsx, nạp {loaded_on})",
        f"Nguồn: Danh mục đơn vị hành chính: lần nạp #1 (communes.csv, nạp {loaded_on})",
        "Xuất lúc: 09:05 ngày 22/11/2026 (giờ Việt Nam)",
        None,
        "Đơn vị",
        "Xã Mỏ Cày",
    ]
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].font.b and ws.freeze_panes == "A9" and ws.auto_filter.ref == "A8:B9"
    table = pd.read_excel(io.BytesIO(data), header=7, engine="calamine")  # a program reads the table under the block
    assert table.to_dict("records") == [{"Đơn vị": "Xã Mỏ Cày", "Tỷ lệ (%)": 86.64}]
    assert source.short() == "DVCTT #3, #7 · Danh mục xã #1"


def test_export_of_real_data_without_filters_and_of_a_rejected_load(seeded_con, loaded_on):
    communes = exports.Source(queries.export_sources(seeded_con, ("communes",)))
    assert communes.lines(AT) == ["Bộ lọc: tất cả đơn vị",
                                  f"Nguồn: Danh mục đơn vị hành chính: lần nạp #1 (communes.csv, nạp {loaded_on})",
                                  "Xuất lúc: 09:05 ngày 22/11/2026 (giờ Việt Nam)"]
    rejected = pd.DataFrame([{"dataset": "dvctt", "load_id": 9, "file_name": "sai.xlsx", "loaded_at": datetime(2026, 1, 2),
                              "is_sample": False, "status": "rejected", "retracted_at": None}])
    assert exports.Source(rejected, ("Lần nạp #9",)).load_lines() == [
        "Hồ sơ thủ tục hành chính và dịch vụ công trực tuyến: lần nạp #9 (sai.xlsx, nạp 02/01/2026, bị từ chối)"]


def test_exports_are_timed_in_vietnam():
    assert exports.now().utcoffset() == timedelta(hours=7)


def test_a_page_export_names_its_loads(open_page):
    at = open_page("app_pages/compare.py", metric="bts_stations", district="H. Mộ Đức")
    [button] = [b for b in at.get("download_button") if b.proto.id.endswith("compare_export")]
    assert button.proto.help == "Tệp ghi kèm nguồn (Hạ tầng số #2 · Danh mục xã #1), bộ lọc và giờ xuất; có dữ liệu mẫu."
