"""Values no table can hold and values no unit can have: errors naming sheet, row, column and value."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from warehouse import load

HEADER = ["Mã xã", "Ngày số liệu", "Số học viên tham gia"]


def errors_of(path, communes) -> list[tuple]:
    _, findings, _ = load.check_file(path, "bdhvs", communes)
    return [(f.sheet, f.row, f.column, f.value, f.message) for f in findings if f.severity == "error"]


@pytest.mark.parametrize("typed", ["inf", "-inf", "Infinity", "NaN", "1e400", "100000000000000000000", str(2**63)])
def test_numbers_no_table_can_hold_are_unreadable_cells(make_csv, communes, typed):
    path = make_csv(f"Mã xã,Ngày số liệu,Số học viên tham gia\n21421,18/11/2025,{typed}\n", "so.csv")
    assert errors_of(path, communes) == [
        ("so", 2, "Số học viên tham gia", typed, "không đọc được; cần số nguyên không âm, ví dụ 3.781")]


@pytest.mark.parametrize("cell", [1e20, 2**63])
def test_the_same_in_a_workbook_cell(make_xlsx, communes, cell):
    errors = errors_of(make_xlsx([HEADER, ["21421", "18/11/2025", cell]]), communes)
    assert [(e[1], e[2], e[4]) for e in errors] == [(2, "Số học viên tham gia", "không đọc được; cần số nguyên không âm, ví dụ 3.781")]


def test_an_infinite_area_in_a_communes_file_is_refused(make_csv, communes):
    path = make_csv("Mã xã,Tên xã,Loại,Diện tích (km²)\n21421,Xã Mỏ Cày,xã,inf\n")
    _, findings, _ = load.check_file(path, "communes", communes)
    assert [(f.row, f.column, f.value) for f in findings if f.severity == "error"] == [(2, "Diện tích (km²)", "inf")]


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/0001", "31/12/1999"])
def test_dates_outside_2000_to_next_month_are_errors(make_csv, communes, typed):
    path = make_csv(f"Mã xã,Ngày số liệu,Số học viên tham gia\n21421,{typed},100\n", "ngay.csv")
    latest = date.today() + timedelta(days=31)
    assert errors_of(path, communes) == [
        ("ngay", 2, "Ngày số liệu", typed, f"ngày không thể đúng; cần ngày trong khoảng 01/01/2000 – {latest:%d/%m/%Y}")]


def test_next_month_is_still_accepted(make_csv, communes):
    soon = date.today() + timedelta(days=30)
    assert errors_of(make_csv(f"Mã xã,Ngày số liệu,Số học viên tham gia\n21421,{soon:%d/%m/%Y},100\n"), communes) == []


def test_a_far_future_period_in_the_title_is_one_error(make_xlsx, communes):
    path = make_xlsx([["Tính đến ngày 18/11/2099"], [], ["Mã xã", "Số học viên tham gia"], ["21421", 10], ["21292", 20]])
    errors = errors_of(path, communes)
    assert len(errors) == 1 and errors[0][2:4] == ("Ngày số liệu", "18/11/2099")


def test_more_learners_than_ten_times_the_population_is_an_error(make_csv, communes_with_former):
    # Mỏ Cày (21421): 38.386 people in the communes dimension, so 383.860 is the most it can have
    path = make_csv("Mã xã,Ngày số liệu,Số học viên tham gia\n21421,18/11/2025,383860\n21421,25/11/2025,383861\n",
                    "hv.csv")
    assert errors_of(path, communes_with_former) == [
        ("hv", 3, "Số học viên tham gia", "383.861",
         "lớn hơn 10 lần dân số của đơn vị (38.386 người): không thể đúng; hãy kiểm tra lại ô này (thừa chữ số?)")]
