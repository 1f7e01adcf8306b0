from datetime import date

import pandas as pd
import pytest

from warehouse import formatting, values


@pytest.mark.parametrize("text, expected", [
    ("3.781", 3781), ("3781", 3781), ("1.234.567", 1234567), ("86,6", 86.6), ("86,6%", 86.6), ("86,6 %", 86.6),
    ("99,95", 99.95), ("0,5", 0.5), ("86.6", 86.6), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("3 781", 3781),
])
def test_number_from_vietnamese_text(text, expected):
    assert values.number_from_text(text) == pytest.approx(expected)


def test_parse_number_mixed_cells_and_bad_positions():
    cells = pd.Series([3781.0, "3.781", "", "-", None, "abc", 12], dtype="object")
    parsed, bad = values.parse_number(cells, integer=True)
    assert parsed.tolist()[:2] == [3781, 3781]
    assert parsed.isna().tolist() == [False, False, True, True, True, True, False]
    assert bad == [(5, "abc")]


def test_parse_integer_rejects_fraction():
    parsed, bad = values.parse_number(pd.Series(["86,6", 12.5, 3], dtype="object"), integer=True)
    assert [pos for pos, _ in bad] == [0, 1]
    assert parsed.iloc[2] == 3


@pytest.mark.parametrize("cell, expected", [
    (date(2025, 11, 18), date(2025, 11, 18)), ("18/11/2025", date(2025, 11, 18)), ("3/7/2025", date(2025, 7, 3)),
    ("2025-11-18", date(2025, 11, 18)), (45979, date(2025, 11, 18)), ("11/2025", date(2025, 11, 30)),
    ("Tháng 2/2024", date(2024, 2, 29)), ("31/02/2025", None), ("hôm qua", None),
])
def test_date_from_cell(cell, expected):
    assert values.date_from_cell(cell) == expected


def test_clean_text_nfc_and_spaces():
    nfd = "Xa\u0303  Mo\u0309 Ca\u0300y "
    assert values.clean_text(nfd) == "Xã Mỏ Cày"


@pytest.mark.parametrize("fn, value, expected", [
    (formatting.number, 3781, "3.781"), (formatting.number, 2175008, "2.175.008"),
    (formatting.percent, 3276 / 3781 * 100, "86,6 %"), (formatting.percent, 3679 / 3681 * 100, "99,9 %"),
    (lambda v: formatting.percent(v, 2), 3679 / 3681 * 100, "99,95 %"), (formatting.number, None, "–"),
    (formatting.day, date(2025, 11, 3), "03/11/2025"), (formatting.signed, -2, "−2"), (lambda v: formatting.rank(v, 96), 7, "7/96"),
])
def test_vietnamese_formats(fn, value, expected):
    assert fn(value) == expected


@pytest.mark.parametrize("text, dataset, expected", [
    ("01/07/2025-30/10/2025", "dvctt", {"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 30)}),
    ("Từ ngày 01/7/2025 đến ngày 30/10/2025", "dvctt", {"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 30)}),
    ("(TỪ NGÀY 01/7/2025 ĐẾN NGÀY 30/10/2025)", "dvctt", {"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 30)}),
    ("Tháng 11/2025", "dvctt", {"period_start": date(2025, 11, 1), "period_end": date(2025, 11, 30)}),
    ("Quý III/2025", "dvctt", {"period_start": date(2025, 7, 1), "period_end": date(2025, 9, 30)}),
    ("6 tháng đầu năm 2025", "dvctt", {"period_start": date(2025, 1, 1), "period_end": date(2025, 6, 30)}),
    ("Tháng 11/2025", "broadband", {"period": date(2025, 11, 30)}),
    ("11/2025", "broadband", {"period": date(2025, 11, 30)}),
    ("Kỳ báo cáo: tháng 2 năm 2024", "broadband", {"period": date(2024, 2, 29)}),
    ("Tính đến ngày 18/11/2025", "bdhvs", {"snapshot_date": date(2025, 11, 18)}),
    ("18/11/2025", "bdhvs", {"snapshot_date": date(2025, 11, 18)}),
    ("Số liệu đến ngày 18 tháng 11 năm 2025", "bdhvs", {"snapshot_date": date(2025, 11, 18)}),
    ("Tháng 11/2025 (tính đến ngày 18/11/2025)", "bdhvs", {"snapshot_date": date(2025, 11, 18)}),
])
def test_parse_period(text, dataset, expected):
    assert values.parse_period(text, dataset) == expected


@pytest.mark.parametrize("text, dataset, message", [
    ("Tính đến ngày 18/11/2025", "dvctt", "chỉ là một ngày"),
    ("hôm qua", "bdhvs", "Không đọc được kỳ báo cáo 'hôm qua'; cần ngày số liệu"),
    ("31/02/2025", "bdhvs", "Không đọc được"),
    ("30/10/2025-01/07/2025", "dvctt", "Không đọc được"),
    ("11/2025", "targets", "không có kỳ báo cáo"),
])
def test_parse_period_refuses_in_vietnamese(text, dataset, message):
    with pytest.raises(ValueError, match=message):
        values.parse_period(text, dataset)


def test_period_label_reads_back():
    assert values.period_label({"period_start": date(2025, 7, 1), "period_end": date(2025, 10, 30)}) == "01/07/2025-30/10/2025"
    assert values.period_label({"period": date(2025, 11, 30)}) == "11/2025"
    assert values.period_label({"snapshot_date": date(2025, 11, 18)}) == "18/11/2025"
