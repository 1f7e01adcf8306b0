"""The app's adapter between Streamlit and warehouse/: cached reads, shared widgets, uploads.

Pages import nothing from warehouse/: they call the typed reads below (ui.overview_kpis(), …)
and the display helpers re-exported here (ui.number, ui.get_metric, …).

Reads go to a read-only snapshot of the warehouse (warehouse.db.Snapshots);
every cached query is keyed on the snapshot's generation, so a load made by
the upload page or by `python -m warehouse load` shows at the next rerun.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from warehouse import db, formatting, metrics, queries, samples
from warehouse.findings import ERROR, Finding
from warehouse.plans import PROVINCE
from warehouse.queries import PEER_MEASURES, Con  # noqa: F401 (PEER_MEASURES: the profile's peer table)

# isort: split
# ---------------------------------------------------------------- what pages use of warehouse/, through ui
# Pages import nothing from warehouse/ (tests/test_structure.py): the pure display helpers they need are
# re-exported here, one block, under ui's names (ui.number, ui.get_metric, ui.summary_table, …).
from warehouse.datasets import DATASETS  # noqa: F401
from warehouse.datasets import get as get_dataset  # noqa: F401
from warehouse.formatting import day, md_text, moment, number, percent, rank  # noqa: F401 (md_text: any text from a file or URL)
from warehouse.geo import NO_DATA  # noqa: F401
from warehouse.leader import (  # noqa: F401
    MEASURES_EXPORT_FORMATS,
    UNTRACKED,
    bdhvs_export,
    commune_targets_table,
    measures_export,
    measures_table,
    shortfall_text,
    summary_table,
    target_text,
    wide_table,
)
from warehouse.metrics import DATASET_LABELS, METRICS, Metric, month_label, movement, period_label, status_label, target_label  # noqa: F401
from warehouse.metrics import get as get_metric  # noqa: F401
from warehouse.metrics import of_dataset as metrics_of_dataset  # noqa: F401
from warehouse.values import PERIOD_COLUMNS, PERIOD_EXAMPLES, parse_period  # noqa: F401
from warehouse.values import period_label as period_as_typed  # noqa: F401

# Vega's number locale for Vietnamese: 3.781 and 86,6 on chart axes
VEGA_LOCALE = {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}}


@st.cache_resource(show_spinner=False)
def _snapshots(path: str) -> db.Snapshots:
    return db.Snapshots(Path(path), prepare=db.prepare_snapshot)


def snapshots() -> db.Snapshots:
    """The read snapshots of the configured warehouse ($WAREHOUSE_DB), one per file per server."""
    return _snapshots(str(db.db_path()))


def generation() -> str:
    return snapshots().connection()[0]


P = ParamSpec("P")
R = TypeVar("R")


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(_read: Callable, name: str, path: str, gen: str, args: tuple, kwargs: tuple) -> Any:
    """One store for every read below, keyed on (read's name, database file, snapshot generation, arguments);
    `_read` itself is not hashed (leading underscore), its name stands for it."""
    _, con = snapshots().connection()
    cursor = con.cursor()
    try:
        return _read(cursor, *args, **dict(kwargs))
    finally:
        cursor.close()


def cached(read: Callable[Concatenate[Con, P], R]) -> Callable[P, R]:
    """A read of the snapshot: called without its first argument, it gets a cursor of the current snapshot,
    and its result is kept until a load makes a new snapshot generation."""
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return _cached(read, read.__qualname__, str(db.db_path()), generation(), args, tuple(sorted(kwargs.items())))

    call.__name__, call.__qualname__, call.__doc__ = read.__name__, read.__qualname__, read.__doc__
    return call


# ---------------------------------------------------------------- reads (one per warehouse.queries function the pages use)


@cached
def has_sample_data(cur: Con) -> bool:
    """Whether any of the data shown comes from the generated sample files."""
    return queries.has_sample_data(cur)


@cached
def data_status(cur: Con) -> pd.DataFrame:
    """Per dataset: latest period, latest accepted load and the warnings it carried."""
    return queries.data_status(cur)


@cached
def known_metrics(cur: Con) -> list[str]:
    """Metrics of the catalogue that have data, in catalogue order."""
    return queries.known_metrics(cur)


@cached
def metric_periods(cur: Con, metric: str) -> list[date]:
    """The periods (period_end) a metric has data for, newest first."""
    return queries.metric_periods(cur, metric)


@cached
def filter_options(cur: Con) -> dict[str, list[str]]:
    """Distinct former provinces, former districts and unit types of the current communes."""
    return queries.filter_options(cur)


@cached
def commune_metric(cur: Con, metric: str, period_end: date, former_province: list[str] | None = None,
                   former_district: list[str] | None = None, unit_type: list[str] | None = None) -> pd.DataFrame:
    """One metric for every commune at one period, filtered; with rank x/n among all reporting communes."""
    return queries.commune_metric(cur, metric, period_end, former_province, former_district, unit_type)


@cached
def commune_metric_pair(cur: Con, metric_x: str, period_x: date, metric_y: str, period_y: date,
                        former_province: list[str] | None = None, former_district: list[str] | None = None,
                        unit_type: list[str] | None = None) -> pd.DataFrame:
    """Two measures side by side for each commune reporting both, each at its own period; filtered."""
    return queries.commune_metric_pair(cur, metric_x, period_x, metric_y, period_y, former_province, former_district,
                                       unit_type)


@cached
def province_reference(cur: Con, metric: str, period_end: date) -> float | None:
    """The province line next to communes: the rate (ratio of sums), or for a count the mean per unit."""
    return queries.province_reference(cur, metric, period_end)


@cached
def metric_target(cur: Con, metric: str, year: int) -> dict | None:
    """The plan's target in force for `year` for this metric, or None."""
    return queries.metric_target(cur, metric, year)


@cached
def map_values(cur: Con, metric: str, period_end: date) -> pd.DataFrame:
    """Every current commune with the metric's value and rank at one period (empty where none reported)."""
    return queries.map_values(cur, metric, period_end)


@cached
def map_features(cur: Con, metric: str, period_end: date) -> list[dict]:
    """The communes' GeoJSON features with the metric's value and rank in their properties."""
    return queries.map_features(cur, metric, period_end)


@cached
def bdhvs_snapshots(cur: Con) -> list[date]:
    """The dates of the Bình dân học vụ số snapshots, newest first."""
    return queries.bdhvs_snapshots(cur)


@cached
def bdhvs_rankings(cur: Con, snapshot_date: date) -> pd.DataFrame:
    """The Bình dân học vụ số table of one snapshot, best learners rank first."""
    return queries.bdhvs_rankings(cur, snapshot_date)


@cached
def plan_year(cur: Con) -> dict:
    """{'data_year', 'target_year', 'latest_period_end'}: the year of the newest data and the plan year judged."""
    return queries.plan_year(cur)


@cached
def overview_kpis(cur: Con, year: int | None = None) -> pd.DataFrame:
    """Each measure's province value at its latest period, its change since the previous one, and its target."""
    return queries.overview_kpis(cur, year)


@cached
def province_series(cur: Con) -> pd.DataFrame:
    """Every measure's province value per period, oldest first."""
    return queries.province_series(cur)


@cached
def current_communes(cur: Con) -> pd.DataFrame:
    """The current communes (the profile's allow-list), in Vietnamese alphabetical order."""
    return queries.current_communes(cur)


@cached
def commune_profile(cur: Con, commune_code: str) -> dict | None:
    """The communes dimension's row of one current commune; None when unknown."""
    return queries.commune_profile(cur, commune_code)


@cached
def commune_measures(cur: Con, commune_code: str) -> pd.DataFrame:
    """Every measure of one commune at its dataset's latest period: value, rank x/n, change."""
    return queries.commune_measures(cur, commune_code)


@cached
def commune_trends(cur: Con, commune_code: str) -> pd.DataFrame:
    """One commune's value of every measure over all periods, with the province reference."""
    return queries.commune_trends(cur, commune_code)


@cached
def indicator_counts(cur: Con, year: int, commune_code: str | None = None, plan: str | None = None) -> dict:
    """The indicators of a year for the province or one commune, each counted once: met, judged, not_due."""
    return queries.indicator_counts(cur, year, commune_code, plan)


@cached
def commune_targets(cur: Con, commune_code: str, year: int) -> pd.DataFrame:
    """The plan targets of one year for one commune: target, actual, met or missed."""
    return queries.commune_targets(cur, commune_code, year)


@cached
def commune_peers(cur: Con, commune_code: str) -> pd.DataFrame:
    """The communes of the same former district (the commune included), headline measures and ranks."""
    return queries.commune_peers(cur, commune_code)


@cached
def plans(cur: Con) -> dict[str, str]:
    """The plans loaded, the province's first: plan_unit → 'Toàn tỉnh' or the unit whose own plan it is."""
    return queries.plans(cur)


@cached
def target_years(cur: Con, plan: str = PROVINCE) -> list[int]:
    """The years a plan sets targets for, ascending."""
    return queries.target_years(cur, plan)


@cached
def target_summary(cur: Con, year: int, plan: str = PROVINCE) -> pd.DataFrame:
    """A plan's indicators with a target in `year`: its unit's attainment and how many communes meet it."""
    return queries.target_summary(cur, year, plan)


@cached
def target_history(cur: Con, indicator_code: str, metric: str, plan: str = PROVINCE) -> pd.DataFrame:
    """One tracked indicator's targets across years with the province's and communes' attainment."""
    return queries.target_history(cur, indicator_code, metric, plan)


@cached
def target_communes(cur: Con, indicator_code: str, metric: str, year: int, plan: str = PROVINCE) -> pd.DataFrame:
    """Every commune the plan judges against one target, furthest below first."""
    return queries.target_communes(cur, indicator_code, metric, year, plan)


@cached
def plan_matrix(cur: Con, plan: str = PROVINCE) -> pd.DataFrame:
    """A whole plan as its appendix is written (indicator × year)."""
    return queries.plan_matrix(cur, plan)


@cached
def brief_html(cur: Con, year: int, former_province: list[str] | None = None, former_district: list[str] | None = None,
               unit_type: list[str] | None = None, limit: int = 10, today: date | None = None) -> str:
    """The printable one-page brief as a self-contained HTML document."""
    return queries.brief_html(cur, year, former_province, former_district, unit_type, limit, today)


@cached
def load_history(cur: Con, limit: int = 200) -> pd.DataFrame:
    """The newest loads first, accepted and rejected."""
    return queries.load_history(cur, limit)


@cached
def rows_in_use(cur: Con) -> pd.DataFrame:
    """Per counted load: how many of its raw rows are still the latest for their key."""
    return queries.rows_in_use(cur)


@cached
def load_detail(cur: Con, load_id: int) -> dict | None:
    """One load's record (file, sheet, who, when, where the original is kept), or None."""
    return queries.load_detail(cur, load_id)


@cached
def load_findings(cur: Con, load_id: int) -> pd.DataFrame:
    """The findings recorded for one load, errors first."""
    return queries.load_findings(cur, load_id)


def bootstrap() -> None:
    """On a fresh machine (no warehouse file yet), create the warehouse with the reference and sample data."""
    if db.db_path().exists():
        return
    with st.spinner("Đang tạo kho dữ liệu và nạp dữ liệu mẫu (lần chạy đầu tiên)…"):
        from warehouse import load

        load.seed()


# ---------------------------------------------------------------- query params


def param_choice(name: str, options: list, default: Any) -> Any:
    """A value from the URL if it is one of `options` (allow-list), else `default`."""
    value = st.query_params.get(name)
    by_text = {str(o): o for o in options}
    return by_text.get(value, default)


def param_list(name: str, options: list[str]) -> list[str]:
    return [v for v in st.query_params.get_all(name) if v in options]


def metric_and_period(available: list[str], key_prefix: str, metric_column, period_column) -> tuple[metrics.Metric, Any]:
    """The measure and its period chosen in two widgets, defaulting to the URL's (allow-listed) values."""
    name = metric_column.selectbox(
        "Chỉ số", available, index=available.index(param_choice("metric", available, available[0])),
        format_func=lambda n: metrics.get(n).long_label, key=f"{key_prefix}_metric")
    metric = metrics.get(name)
    periods = metric_periods(name)
    period = period_column.selectbox(
        "Kỳ số liệu", periods, index=periods.index(param_choice("period", periods, periods[0])),
        format_func=metric.period_text, key=f"{key_prefix}_period")
    return metric, period


def set_params(**values: Any) -> None:
    """Write the view's choices to the URL so a copied link reopens it."""
    for name, value in values.items():
        if value is None or value == []:
            st.query_params.pop(name, None)
        elif isinstance(value, list):
            st.query_params[name] = [str(v) for v in value]
        else:
            st.query_params[name] = str(value)


# ---------------------------------------------------------------- display


def sample_badge(short: bool = False) -> None:
    """Mark pages drawn (partly) from the generated sample data."""
    if has_sample_data():
        st.badge("Dữ liệu mẫu" if short else f"Dữ liệu mẫu — {samples.ILLUSTRATIVE}", icon=":material/science:", color="orange",
                 help=samples.FROM_REPORTS)


def page_header(title: str, caption: str | None = None) -> None:
    """Every page's top: the title, the sample-data badge, the data-quality badge and the data's freshness."""
    st.title(title)
    status = data_status()
    with st.container(horizontal=True, gap="small"):
        sample_badge()
        quality_badge(status)
    line = freshness_line(status)
    if line:
        st.caption(line)
    if caption:
        st.caption(caption)


def freshness_line(status: pd.DataFrame) -> str:
    """'Số liệu: Hạ tầng số tháng 11/2025 (nạp 22/11/2026) · DVCTT … · BDHVS …'."""
    parts = []
    for row in status.itertuples():
        if row.dataset in ("broadband", "dvctt", "bdhvs") and not pd.isna(row.latest_period):
            label = metrics.period_label(row.dataset, row.latest_period_start, row.latest_period)
            parts.append(f"{metrics.DATASET_SHORT[row.dataset]} {label} (nạp {formatting.day(row.last_loaded_at)})")
    return ("Số liệu mới nhất: " + " · ".join(parts)) if parts else ""


def quality_badge(status: pd.DataFrame) -> None:
    """Green when the latest accepted load of every dataset passed every check, orange with the warnings otherwise."""
    warned = status[status["latest_load_warnings"] > 0]
    details = "; ".join(f"{metrics.DATASET_SHORT.get(r.dataset, r.dataset)}: {int(r.latest_load_warnings)} cảnh báo "
                        f"(lần nạp #{r.latest_load_id}, {md_text(r.latest_file_name)})" for r in warned.itertuples())
    if warned.empty:
        st.badge("Kiểm tra dữ liệu: không có cảnh báo", icon=":material/verified:", color="green",
                 help="Lần nạp mới nhất của mỗi bộ dữ liệu đạt mọi kiểm tra.")
    else:
        total = int(warned["latest_load_warnings"].sum())
        st.badge(f"Kiểm tra dữ liệu: {formatting.number(total)} cảnh báo", icon=":material/warning:", color="orange",
                 help=f"Cảnh báo ở lần nạp mới nhất — {details}. Xem chi tiết ở trang «Lịch sử tải».")


def styled(frame: pd.DataFrame, formats: dict[str, Any]):
    """A Styler showing Vietnamese formats while the table still sorts on the numbers."""
    return frame.style.format({col: fn for col, fn in formats.items() if col in frame.columns}, na_rep="–")


TABLE_ROWS = 500  # a styled table past this many rows takes > 0,1 s to draw (national scale); the export has all


def table(frame: pd.DataFrame, formats: dict[str, Any], *, limit: int = TABLE_ROWS, **kwargs) -> None:
    """st.dataframe of a frame in Vietnamese formats; beyond `limit` rows only the first ones, said so."""
    if len(frame) > limit:
        st.caption(f"Bảng hiện {formatting.number(limit)} dòng đầu trong {formatting.number(len(frame))} dòng; "
                   "tải bảng Excel để có đủ.")
        frame = frame.head(limit)
    st.dataframe(styled(frame, formats), hide_index=True, width="stretch", placeholder="–", **kwargs)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_button(frame: pd.DataFrame, file_stem: str, *, key: str, formats: dict[str, str] | None = None,
                  notes: list[str] | None = None, label: str = "Tải bảng Excel") -> None:
    """A download of the table behind a view as .xlsx (built only when clicked; formulas neutralised)."""
    from warehouse import exports

    st.download_button(
        label, lambda: exports.to_xlsx(frame, formats=formats, notes=notes or []),
        file_name=f"{file_stem}.xlsx", mime=XLSX_MIME, key=key, icon=":material/download:", on_click="ignore",
    )


def warehouse_missing(exc: Exception) -> None:
    st.error(md_text(exc), icon=":material/database_off:")
    st.stop()


# ---------------------------------------------------------------- uploads


def save_upload(uploaded) -> Path:
    """Keep an uploaded file in the private uploads folder beside the database until it is loaded."""
    from warehouse import uploads

    return uploads.save(uploaded.getvalue(), uploaded.name, db.db_path())


def load_checked(path: Path, table, findings, *, file_name: str, loaded_by: str, period: dict | None,
                 unit: str | None = None):
    """Write the upload the page already read and checked (no second read); the waiting copy goes."""
    from warehouse import load

    result = load.write_checked(path, table, findings, file_name=file_name, loaded_by=loaded_by,
                                sheet=table.sheet if table is not None else None, period=period, unit=unit)
    discard_upload(path)  # the original is archived with its load
    return result


def discard_upload(path: Path) -> None:
    """Remove an uploaded file once it was loaded (or refused and recorded)."""
    from warehouse import uploads

    uploads.discard(path, db.db_path())


def check_upload(path, dataset: str | None, *, sheet: str | None = None, period: dict | None = None,
                 unit: str | None = None):
    """Read and validate an uploaded file once per (file, dataset, sheet, period, plan's unit, generation)."""
    from warehouse import load

    key = ("upload_check", str(path), dataset, sheet, tuple(sorted((period or {}).items())), unit, generation())
    checks = st.session_state.setdefault("upload_checks", {})
    if key not in checks:
        _, con = snapshots().connection()
        cursor = con.cursor()
        try:
            communes = load.known_communes(cursor)
        finally:
            cursor.close()
        try:
            table, findings, _ = load.check_file(path, dataset, communes, sheet=sheet, period=period, unit=unit)
        except Exception as exc:  # a file we could not foresee: say so, never a traceback
            table, findings = None, [Finding(ERROR, f"Không đọc được tệp: {exc}", rule="read")]
        while len(checks) >= 4:  # the preview with and without a typed period, for a sheet or two
            checks.pop(next(iter(checks)))
        checks[key] = (table, findings)
    return checks[key]


def record_refusal(path: Path, table, findings, *, file_name: str, period: dict | None,
                   unit: str | None = None) -> int | None:
    """Record a refused upload in meta.loads (its original in quarantine) once per file, sheet, period and plan's
    unit of this session; a table that only lacks the period or the plan's unit the analyst is about to give is
    not refused yet."""
    import access
    from warehouse import load

    errors = [f for f in findings if f.severity == ERROR]
    if not errors or all(f.rule in ("period_missing", "plan_unit") for f in errors):
        return None
    key = (str(path), table.sheet if table is not None else None, tuple(sorted((period or {}).items())), unit)
    recorded = st.session_state.setdefault("upload_refusals", {})
    if key not in recorded:
        result = load.write_checked(path, table, findings, file_name=file_name, loaded_by=access.analyst_name(),
                                    sheet=key[1], period=period, unit=unit)
        recorded[key] = result.load_id
    return recorded[key]


def describe_skipped(skipped_rows: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """The rows the reader left out of an upload, runs of one reason as one line: ('1–5', 'tiêu đề …')."""
    from warehouse import layout

    return layout.describe_skipped(skipped_rows)


FINDING_COLUMNS = {"severity": "Mức độ", "sheet": "Trang tính", "row": "Dòng", "column": "Cột",
                   "value": "Giá trị", "message": "Yêu cầu / vấn đề"}


def findings_frame(findings) -> pd.DataFrame:
    return findings_frame_from(pd.DataFrame([f.as_dict() for f in findings], columns=list(FINDING_COLUMNS)))


def findings_frame_from(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(severity=frame["severity"].map({"error": "Lỗi", "warning": "Cảnh báo"}))
    frame["row"] = frame["row"].astype("Int64")
    frame[["sheet", "column", "value"]] = frame[["sheet", "column", "value"]].astype("object").fillna("")
    return frame[list(FINDING_COLUMNS)].rename(columns=FINDING_COLUMNS)


# ---------------------------------------------------------------- history actions (analysts)


def original_file(load_id: int) -> Path | None:
    """The archived original of a load, looked up beside the database file; None when it is not there."""
    detail = load_detail(load_id)
    if not detail or not detail.get("stored_path"):
        return None
    folder = db.data_dir(db.db_path()).resolve()
    name = Path(detail["stored_path"]).name
    for sub in ("archive", "quarantine"):
        path = folder / sub / name
        if path.is_file():
            return path
    return None


def retract_load(load_id: int, key: str) -> str:
    """Retract a load for the signed-in analyst (role checked again here). Returns the message."""
    import access
    from warehouse import load

    by = access.require_analyst(key)
    return load.retract_path(load_id, by=by)
