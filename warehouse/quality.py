"""Run a dataset's great-expectations suite on a conformed DataFrame.

The suite (expectations/<dataset>.json) is validated on the pandas DataFrame
before anything is written. great-expectations is imported here, lazily, so
that drawing a page never pays for it. Results become Findings: sheet, Excel
row, Vietnamese column header, value, and what was expected.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse import datasets
from warehouse.findings import ERROR, Finding

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"
MAX_ROWS_PER_EXPECTATION = 200
_gx_lock = threading.Lock()


@cache
def load_suite(dataset: str) -> dict:
    """The suite JSON of a dataset, as reviewed in expectations/."""
    return json.loads((EXPECTATIONS_DIR / f"{dataset}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _batch_definition():
    """An ephemeral GX context with one pandas dataframe asset; no telemetry, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("uploads")
    return source.add_dataframe_asset("table").add_batch_definition_whole_dataframe("whole")


def add_derived_columns(frame: pd.DataFrame, suite: dict) -> pd.DataFrame:
    """Columns the suite's consistency checks read, added to `frame` (numbers as float64: _numpy_numbers): sum of
    parts minus whole, NULL (NaN) if any is NULL."""
    for name, spec in suite["meta"].get("derived_columns", {}).items():
        cols = spec["sum_of"] + [spec["minus"]]
        if all(c in frame.columns for c in cols):
            frame[name] = sum(frame[c].to_numpy("float64") for c in spec["sum_of"]) - frame[spec["minus"]].to_numpy("float64")
    return frame


def _applicable(suite: dict, present: set[str]) -> dict:
    """The suite without the expectations on columns the file does not have (optional columns), nor those
    that say a column it has exists (each costs GX ≈ 7 ms and can only pass).

    A missing required column is still reported, once, by its expect_column_to_exist.
    """
    kept = [e for e in suite["expectations"]
            if (e["type"] == "expect_column_to_exist") != all(c in present for c in _columns_of(e["kwargs"]))]
    kept = [{**e, "meta": {**e.get("meta", {}), "position": i}} for i, e in enumerate(kept)]
    return {**suite, "expectations": kept}


def _numpy_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with nullable Int64/Float64 as float64 with NaN: GX vectorises only numpy dtypes."""
    return frame.astype({name: "float64" for name, dtype in frame.dtypes.items()
                         if isinstance(dtype, (pd.Int64Dtype, pd.Float64Dtype))})


# the offending rows' positions only (the frame's named index): GX looks every value of every offending row up one
# by one (50.000 refused rows took 40 s); the values of the rows reported are read from the frame here
POSITION = "_position"  # the frame's index while GX checks it: a row's position (source_row repeats in targets)
DETAIL_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [POSITION],
                 "partial_unexpected_count": 0, "exclude_unexpected_values": True}


def validate(dataset: str, frame: pd.DataFrame, sheet: str | None = None,
             headers: dict[str, str] | None = None, *, merge: bool = True) -> list[Finding]:
    """Findings of the dataset's suite on `frame` (which has a source_row column).

    Two passes: a quick one with BOOLEAN_ONLY results (GX's bookkeeping for the offending rows more than doubles
    the time of a clean file), then only the expectations that failed, with the rows they failed on. In the quick
    pass, the row checks stand merged as one (`merged`; GX spends ≈ 10 ms on each expectation whatever the rows): a
    clean file is checked by ≈ 2 expectations instead of ≈ 25, and when the merged one fails, those of its checks
    that fail are run in the second pass. `merge=False`: one by one (the tests' reference).
    """
    suite_json = load_suite(dataset)
    checked = add_derived_columns(_numpy_numbers(frame), suite_json)
    applicable = _applicable(suite_json, set(checked.columns))
    quick = merged(applicable["expectations"], checked) if merge else [(e, [e]) for e in applicable["expectations"]]
    quick_suite = [{**e, "meta": {**e["meta"], "position": i}} for i, (e, _) in enumerate(quick)]
    checked.index = pd.RangeIndex(len(checked), name=POSITION)
    with _gx_lock:  # the shared GX context is not thread-safe
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": checked})
        passed = batch.validate(_suite(applicable, quick_suite), result_format="BOOLEAN_ONLY")
        failed = list({e["meta"]["position"]: e for r in passed.results if not r.success
                       for e in quick[r.expectation_config.meta["position"]][1]}.values())
        results = batch.validate(_suite(applicable, failed), result_format=DETAIL_FORMAT).results if failed else []
    labels = _labels(dataset, headers or {})
    findings = []
    for r in sorted(results, key=lambda r: r.expectation_config.meta["position"]):
        if not r.success:
            findings += _findings(r, sheet, labels, set(checked.columns), checked)
    return [_explain_sum(f, checked, suite_json) for f in findings]


# ---------------------------------------------------------------- the quick pass's merged expectations
NOT_NULL, BETWEEN, PAIR = ("expect_column_values_to_not_be_null", "expect_column_values_to_be_between",
                           "expect_column_pair_values_a_to_be_greater_than_b")
BOUNDS = ("min_value", "max_value", "strict_min", "strict_max")
MERGED = "_merged_"  # the prefix of the columns the quick pass adds to the frame


def _mergeable(e: dict, dtypes: pd.Series) -> bool:
    """Whether an expectation is a row check the quick pass merges (`_passes` judges it as GX does); `dtypes`: the
    frame's."""
    kwargs, kind = e["kwargs"], e["type"]
    kinds = [dtypes.get(c) for c in _columns_of(kwargs)]
    numeric = all(k is not None and pd.api.types.is_numeric_dtype(k) and not pd.api.types.is_bool_dtype(k)
                  for k in kinds)
    if kind == NOT_NULL:
        return set(kwargs) == {"column"} and kinds[0] is not None
    if kind == BETWEEN:
        return set(kwargs) <= {"column", *BOUNDS} and numeric and (
            kwargs.get("min_value") is not None or kwargs.get("max_value") is not None)
    comparable = numeric or all(k is not None and pd.api.types.is_datetime64_dtype(k) for k in kinds)
    return kind == PAIR and set(kwargs) <= {"column_A", "column_B", "or_equal", "ignore_row_if"} and comparable \
        and kwargs.get("ignore_row_if") == "either_value_is_missing"


def merged(expectations: list[dict], frame: pd.DataFrame) -> list[tuple[dict, list[dict]]]:
    """The quick pass: (expectation, the suite's expectations the second pass checks when it fails). The row checks
    that merge (not null, between bounds, a ≥ b; `_mergeable`) become one, not null on a column added to `frame`
    that is NULL on a row exactly when one of them fails there (`_passes`), standing for those of them that fail
    somewhere; the others are checked as they are. The suite's expectations keep their meta (`position`: the second
    pass reports in that order)."""
    dtypes = frame.dtypes
    mergeable = [_mergeable(e, dtypes) for e in expectations]
    members = [e for e, m in zip(expectations, mergeable, strict=True) if m]
    quick = [(e, [e]) for e, m in zip(expectations, mergeable, strict=True) if not m]
    if len(members) == 1:
        quick.append((members[0], members))
    elif members:
        name = f"{MERGED}{len(frame.columns)}"
        passes = [_passes(e, frame) for e in members]
        frame[name] = np.where(np.logical_and.reduce(passes), 1.0, np.nan)  # 1 where every check passes, else NULL
        failing = [e for e, ok in zip(members, passes, strict=True) if not ok.all()]  # checked again, with rows
        quick.append(({"type": NOT_NULL, "kwargs": {"column": name}, "meta": {}}, failing))
    return quick


def _passes(e: dict, frame: pd.DataFrame) -> np.ndarray:
    """Where a mergeable expectation passes, row by row, as GX judges it: a value between its bounds or NULL (GX
    skips NULLs); a ≥ b, or either missing (ignore_row_if); not NULL. On numpy arrays (≈ 40 times pandas' speed)."""
    kwargs, kind = e["kwargs"], e["type"]
    if kind == NOT_NULL:
        return frame[kwargs["column"]].notna().to_numpy()
    if kind == PAIR:
        a, b = frame[kwargs["column_A"]].to_numpy(), frame[kwargs["column_B"]].to_numpy()
        missing = pd.isna(a) | pd.isna(b)
        with np.errstate(invalid="ignore"):
            return missing | ((a >= b) if kwargs.get("or_equal") else (a > b))
    values, low, high = frame[kwargs["column"]].to_numpy("float64"), kwargs.get("min_value"), kwargs.get("max_value")
    ok = np.ones(len(values), dtype=bool)
    with np.errstate(invalid="ignore"):
        if low is not None:
            ok &= (values > low) if kwargs.get("strict_min") else (values >= low)
        if high is not None:
            ok &= (values < high) if kwargs.get("strict_max") else (values <= high)
    return np.isnan(values) | ok


def _suite(suite: dict, expectations: list[dict]):
    """A GX suite of some of `suite`'s expectations (each keeps its position in meta)."""
    from great_expectations.core import ExpectationSuite

    return ExpectationSuite(**json.loads(json.dumps({**suite, "expectations": expectations})))


def _explain_sum(finding: Finding, frame: pd.DataFrame, suite: dict) -> Finding:
    """For a sum rule, show the arithmetic: '1.644 + 47 = 1.691 ≠ 1.686'."""
    spec = suite["meta"].get("derived_columns", {}).get(finding.canonical or "")
    if spec is None or finding.row is None:
        return finding
    row = frame.loc[frame["source_row"] == finding.row].iloc[0]
    parts = [_fmt(row[c]) for c in spec["sum_of"]]
    total = _fmt(sum(row[c] for c in spec["sum_of"]))
    value = f"{' + '.join(parts)} = {total} ≠ {_fmt(row[spec['minus']])}"
    return replace(finding, value=value)


def _labels(dataset: str, headers: dict[str, str]) -> dict[str, str]:
    ds = datasets.get(dataset)
    labels = {c.name: headers.get(c.name, c.label) for c in ds.columns}
    for name, _parts, whole in ds.sums:
        labels[f"check__{name}"] = labels[whole]
    return labels


def _findings(r, sheet: str | None, labels: dict[str, str], present: set[str], frame: pd.DataFrame) -> list[Finding]:
    """Turn one failed expectation into findings, one per offending row (capped), its values read from `frame`."""
    config = r.expectation_config
    kwargs, meta = config.kwargs, config.meta or {}
    severity, message = meta.get("severity", ERROR), meta.get("message", config.type)
    columns = _columns_of(kwargs)
    if any(c not in present for c in columns):
        if config.type == "expect_column_to_exist":
            return [Finding(severity, message, sheet, None, labels.get(columns[0], columns[0]),
                            rule=config.type, canonical=columns[0])]
        return []  # a missing column is reported once, by expect_column_to_exist
    rows = _unexpected_positions(r)
    column = columns[-1] if columns else None
    shown = frame.iloc[rows[:MAX_ROWS_PER_EXPECTATION]]
    out = [
        Finding(severity, message, sheet, int(row), labels.get(column, column), _value(item, columns), config.type, column)
        for row, item in zip(shown["source_row"], shown[columns].to_dict("records"), strict=True)
    ]
    if len(rows) > MAX_ROWS_PER_EXPECTATION:
        out.append(Finding(severity, f"{message} — và {len(rows) - MAX_ROWS_PER_EXPECTATION} dòng khác",
                           sheet, None, labels.get(column, column), rule=config.type))
    return out


def _unexpected_positions(r) -> list[int]:
    """The position of every row an expectation failed on, in the frame's order."""
    found = (r.result or {}).get("unexpected_index_list") or []
    return list(found[0][POSITION]) if found else []


def _columns_of(kwargs: dict) -> list[str]:
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return [kwargs["column"]] if "column" in kwargs else []


def _value(item: dict, columns: list[str]) -> str | None:
    """The offending value(s) as the analyst typed them: '3.781', or 'a / b' for pairs."""
    shown = [_fmt(item.get(c)) for c in columns if c in item]
    shown = [s for s in shown if s is not None]
    return " / ".join(shown) if shown else None


def _fmt(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def check_loaded(con) -> dict[str, list[Finding]]:
    """Re-run every dataset's suite on what staging holds now, one load at a time."""
    report = {}
    for name in datasets.DATASETS:
        frame = con.execute(f"select * from stg_{name}").df()
        findings = []
        for load_id, rows in frame.groupby("load_id"):
            findings += validate(name, rows.drop(columns=["load_id"]), sheet=f"lần nạp #{load_id}")
        report[name] = findings
    return report
