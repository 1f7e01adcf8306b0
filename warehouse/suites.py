"""Write the first draft of each dataset's expectation suite from the registry.

The JSON files in expectations/ are the reviewed source of truth; this module
only drafts them (`python -m warehouse suites`). Each expectation's meta holds
its severity (error rejects, warning reports) and a Vietnamese message.
"""

from __future__ import annotations

import json
from pathlib import Path

from warehouse.datasets import DATASETS, Dataset

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"
UNIT_TYPES = ["xã", "phường", "đặc khu"]
FORMER_PROVINCES = ["Quảng Ngãi", "Kon Tum"]
STRICTLY_POSITIVE = {"population", "area_km2", "households", "reported_population"}


def _exp(kind: str, severity: str, message: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {"severity": severity, "message": message}}


def _structure(ds: Dataset) -> list[dict]:
    required = (("commune_code",) if ds.has_commune else ()) + ds.required
    out = [_exp("expect_column_to_exist", "error", "thiếu cột bắt buộc", column=c) for c in dict.fromkeys(required)]
    out += [_exp("expect_column_values_to_not_be_null", "error", "ô bắt buộc bị trống", column=c)
            for c in dict.fromkeys(ds.key + ds.required)]
    if len(ds.key) == 1:
        out.append(_exp("expect_column_values_to_be_unique", "error",
                        "khóa bị trùng trong tệp: mỗi đơn vị chỉ được có một dòng", column=ds.key[0]))
    else:
        out.append(_exp("expect_compound_columns_to_be_unique", "error",
                        "khóa bị trùng trong tệp: cùng đơn vị và kỳ xuất hiện hơn một lần", column_list=list(ds.key)))
    return out


def _ranges(ds: Dataset) -> list[dict]:
    out = []
    for c in ds.columns:
        if c.kind == "pct":
            out.append(_exp("expect_column_values_to_be_between", "error", "tỷ lệ phải nằm trong khoảng 0–100",
                            column=c.name, min_value=0, max_value=100))
        elif c.name in STRICTLY_POSITIVE:
            out.append(_exp("expect_column_values_to_be_between", "error", "phải là số lớn hơn 0",
                            column=c.name, min_value=0, strict_min=True))
        elif c.kind in ("int", "num"):
            out.append(_exp("expect_column_values_to_be_between", "error", "số liệu không được âm",
                            column=c.name, min_value=0))
        elif c.kind == "year":
            out.append(_exp("expect_column_values_to_be_between", "error", "năm phải trong khoảng 2000–2100",
                            column=c.name, min_value=2000, max_value=2100))
    return out


def _domain(ds: Dataset) -> list[dict]:
    if ds.name == "communes":
        return [
            _exp("expect_column_values_to_match_regex", "error", "mã xã phải gồm đúng 5 chữ số",
                 column="commune_code", regex=r"^\d{5}$"),
            _exp("expect_column_values_to_be_in_set", "error", "loại đơn vị phải là: xã, phường hoặc đặc khu",
                 column="unit_type", value_set=UNIT_TYPES),
            _exp("expect_column_values_to_be_in_set", "warning", "tỉnh cũ thường là Quảng Ngãi hoặc Kon Tum",
                 column="former_province", value_set=FORMER_PROVINCES),
        ]
    if ds.name == "dvctt":
        return [_exp("expect_column_pair_values_a_to_be_greater_than_b", "error", "'Đến ngày' phải sau 'Từ ngày'",
                     column_A="period_end", column_B="period_start", or_equal=True,
                     ignore_row_if="either_value_is_missing")]
    return []


def _consistency(ds: Dataset) -> list[dict]:
    labels = {c.name: c.label for c in ds.columns}
    out = [
        _exp("expect_column_pair_values_a_to_be_greater_than_b", "error",
             f"'{labels[part]}' không thể lớn hơn '{labels[whole]}'",
             column_A=whole, column_B=part, or_equal=True, ignore_row_if="either_value_is_missing")
        for part, whole in ds.parts
    ]
    for name, parts, whole in ds.sums:
        text = " + ".join(labels[p] for p in parts)
        out.append(_exp("expect_column_values_to_be_between", "warning",
                        f"{text} phải bằng {labels[whole]} (chênh lệch = giá trị)",
                        column=f"check__{name}", min_value=0, max_value=0))
    return out


def draft_suite(ds: Dataset) -> dict:
    derived = {f"check__{name}": {"sum_of": list(parts), "minus": whole} for name, parts, whole in ds.sums}
    return {
        "name": ds.name,
        "expectations": _structure(ds) + _ranges(ds) + _domain(ds) + _consistency(ds),
        "meta": {"dataset": ds.name, "title": ds.title, "derived_columns": derived},
    }


def write_drafts(folder: Path = EXPECTATIONS_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for ds in DATASETS.values():
        path = folder / f"{ds.name}.json"
        path.write_text(json.dumps(draft_suite(ds), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
