"""Each check rejects (or warns about) what it should, naming row and column; suites are complete."""

import json
from pathlib import Path

import pandas as pd
import pytest

from warehouse import datasets, ingest, quality

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Tên xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
          "Tiếp nhận trực tiếp và bưu chính", "Đã giải quyết", "Giải quyết trước hạn, đúng hạn", "Giải quyết quá hạn"]
GOOD = ["Xã Mỏ Cày", "01/07/2025", "30/10/2025", 3781, 3276, 505, 3681, 3679, 2]


def findings_for(make_xlsx, communes, rows, header=HEADER, dataset="dvctt"):
    table = ingest.read_table(make_xlsx([header, *rows]), dataset, communes)
    return table.findings + quality.validate(table.dataset, table.frame, table.sheet, table.headers)


def test_reported_figures_pass(make_xlsx, communes):
    assert findings_for(make_xlsx, communes, [GOOD]) == []


@pytest.mark.parametrize("column, value, expected_text", [
    (4, 4000, "không thể lớn hơn"),          # online > total: cannot be true
    (5, -5, "không được âm"),                 # negative count
    (8, 3700, "không thể lớn hơn"),          # late > resolved
    (2, "01/06/2025", "phải sau"),            # period_end before period_start
])
def test_errors_name_row_column_value(make_xlsx, communes, column, value, expected_text):
    bad = ["Xã Sơn Hạ", *GOOD[1:]]
    bad[column] = value
    findings = [f for f in findings_for(make_xlsx, communes, [GOOD, bad]) if f.severity == "error"]
    assert findings, "the broken row must be an error"
    assert {f.row for f in findings} == {3}
    assert any(expected_text in f.message for f in findings)
    assert any(f.column in HEADER for f in findings)


def test_duplicate_key_in_one_file_is_an_error(make_xlsx, communes):
    findings = findings_for(make_xlsx, communes, [GOOD, GOOD])
    dup = [f for f in findings if f.rule == "expect_compound_columns_to_be_unique"]
    assert {f.row for f in dup} == {2, 3} and all(f.severity == "error" for f in dup)


def test_minh_long_sum_break_is_a_warning(make_xlsx, communes):
    # report 002: 1.644 online + 47 at the office ≠ 1.686 received
    header = HEADER[:6]
    findings = findings_for(make_xlsx, communes, [["Xã Minh Long", "01/01/2025", "30/06/2025", "1.686", "1.644", 47]], header)
    [warning] = findings
    assert warning.severity == "warning"
    assert warning.row == 2
    assert warning.value == "1.644 + 47 = 1.691 ≠ 1.686"
    assert warning.column == "Tổng số hồ sơ tiếp nhận"


def test_missing_required_column_is_an_error(make_xlsx, communes):
    header = ["Tên xã", "Ngày số liệu", "Số chuyên đề hoàn thành"]  # a BDHVS table must give its learners
    findings = findings_for(make_xlsx, communes, [["Xã Mỏ Cày", "18/11/2025", 10]], header, dataset="bdhvs")
    missing = [f for f in findings if f.rule == "expect_column_to_exist"]
    assert [f.column for f in missing] == ["Số học viên tham gia"]


@pytest.mark.parametrize("header, row, column", [
    (["Mã xã", "Kỳ báo cáo", "Tỷ lệ phủ sóng 5G (%)"], ["21548", "30/11/2025", 120], "Tỷ lệ phủ sóng 5G (%)"),
    (["Mã xã", "Kỳ báo cáo", "Tổng số hộ", "Số hộ sử dụng cáp quang"], ["21548", "30/11/2025", 6160, 6200],
     "Số hộ sử dụng cáp quang"),
    (["Mã xã", "Ngày số liệu", "Số học viên tham gia", "Số chứng nhận đạt được"], ["21421", "03/11/2025", 10, 11],
     "Số chứng nhận đạt được"),
    (["Mã xã", "Tên xã", "Loại"], ["99999", "Xã Mới", "huyện"], "Loại"),
])
def test_range_and_domain_errors_in_other_datasets(make_xlsx, communes, header, row, column):
    dataset = ingest.find_header([ingest.Sheet("x", [header])], None)[0].name
    findings = findings_for(make_xlsx, communes, [row], header, dataset)
    assert any(f.severity == "error" and f.column == column and f.row == 2 for f in findings), findings


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_every_dataset_has_a_suite_marking_each_expectation(name):
    suite = json.loads((ROOT / "expectations" / f"{name}.json").read_text(encoding="utf-8"))
    assert suite["expectations"]
    for exp in suite["expectations"]:
        assert exp["meta"]["severity"] in ("error", "warning")
        assert exp["meta"]["message"]


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_suite_covers_keys_ranges_and_part_rules(name):
    ds = datasets.get(name)
    suite = json.loads((ROOT / "expectations" / f"{name}.json").read_text(encoding="utf-8"))
    kinds = {(e["type"], json.dumps(e["kwargs"], sort_keys=True)) for e in suite["expectations"]}
    not_null = {json.loads(k)["column"] for t, k in kinds if t == "expect_column_values_to_not_be_null"}
    assert set(ds.key) <= not_null
    ranged = {json.loads(k)["column"] for t, k in kinds if t == "expect_column_values_to_be_between"}
    assert {c.name for c in ds.columns if c.kind in ("int", "num", "pct")} <= ranged
    pairs = {(json.loads(k)["column_B"], json.loads(k)["column_A"]) for t, k in kinds
             if t == "expect_column_pair_values_a_to_be_greater_than_b"}
    assert set(ds.parts) <= pairs


SAMPLES = {"dvctt": "dvctt.xlsx", "broadband": "broadband.xlsx", "bdhvs": "bdhvs.xlsx", "targets": "targets.xlsx"}


def row_checks(frame, suite: dict) -> list[dict]:
    """The suite's checks of rows that `broken` can fail, on columns the frame has."""
    return [e for e in suite["expectations"] if e["type"] in (quality.NOT_NULL, quality.BETWEEN, quality.PAIR)
            and all(c in frame for c in quality._columns_of(e["kwargs"]))]


def broken(frame, suite: dict, only: int | None = None):
    """`frame` with each of the suite's row checks (or the `only` one) failed on a row of its own (a NULL, a value
    out of its bounds, a part larger than its whole, an end before its start)."""
    frame = frame.copy()
    for row, e in enumerate(row_checks(frame, suite)):
        if only is not None and row != only:
            continue
        at, kwargs = frame.index[row % len(frame)], e["kwargs"]
        if e["type"] == quality.NOT_NULL:
            frame.loc[at, kwargs["column"]] = None
        elif e["type"] == quality.BETWEEN:
            bound = kwargs.get("max_value")
            frame.loc[at, kwargs["column"]] = bound + 1 if bound is not None else kwargs["min_value"] - 1
        elif pd.api.types.is_numeric_dtype(frame[kwargs["column_B"]]):
            frame.loc[at, kwargs["column_A"]] = frame.loc[at, kwargs["column_B"]] - 1
        elif pd.api.types.is_datetime64_dtype(frame[kwargs["column_B"]]):
            frame.loc[at, kwargs["column_A"]] = frame.loc[at, kwargs["column_B"]] - pd.Timedelta(days=1)
    return frame


@pytest.mark.parametrize("dataset", sorted(SAMPLES))
def test_the_quick_pass_with_merged_checks_finds_what_each_check_finds_alone(dataset, communes):
    table = ingest.read_table(ROOT / "data" / "samples" / SAMPLES[dataset], dataset, communes)
    suite = quality.load_suite(dataset)
    for frame in (table.frame, broken(table.frame, suite)):
        found = quality.validate(dataset, frame, table.sheet, table.headers)
        assert found == quality.validate(dataset, frame, table.sheet, table.headers, merge=False)
    assert len({f.rule for f in found if f.row is not None}) >= 2  # the broken frame fails several kinds of check
    if "period_end" in frame:  # the period's end before its start: a pair of dates, merged as well
        assert any(f.rule == quality.PAIR and f.canonical == "period_start" for f in found)


@pytest.mark.parametrize("dataset", sorted(SAMPLES))
def test_the_quick_pass_finds_each_row_check_failed_alone(dataset, communes):
    """All row checks stand merged as one in the quick pass: each, failed on one row alone, must still fail it."""
    table = ingest.read_table(ROOT / "data" / "samples" / SAMPLES[dataset], dataset, communes)
    suite = quality.load_suite(dataset)
    checks = row_checks(table.frame, suite)
    assert len(checks) >= 3
    for i, e in enumerate(checks):
        frame = broken(table.frame, suite, only=i)
        if frame.equals(table.frame):  # a pair whose columns are neither numbers nor dates
            continue
        row = int(frame["source_row"].iloc[i % len(frame)])
        found = quality.validate(dataset, frame, table.sheet, table.headers)
        assert any(f.rule == e["type"] and f.row == row for f in found), (e, found)
