"""Exports: Vietnamese headers, real numbers and dates, and no cell that a spreadsheet would run."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from warehouse import exports


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
