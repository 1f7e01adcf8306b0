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
from warehouse.plans import PROVINCE  # noqa: F401 (pages: the province's plan)
from warehouse.queries import PEER_MEASURES, Con  # noqa: F401 (PEER_MEASURES: the profile's peer table)

# isort: split
# ---------------------------------------------------------------- what pages use of warehouse/, through ui
# Pages import nothing from warehouse/ (tests/test_structure.py): the pure display helpers they need are
# re-exported here, one block, under ui's names (ui.number, ui.get_metric, ui.summary_table, …).
from warehouse import (  # noqa: F401
    charts,  # what the charts share: colours, labelled reference lines, ranked bars
    choropleth,  # the map's chart spec
    comparison,  # the compare page's answers, chart specs and tables
    target_charts,  # the targets page's charts
    trends,  # the profile's trend charts
)
from warehouse.datasets import DATASETS  # noqa: F401
from warehouse.datasets import get as get_dataset  # noqa: F401
from warehouse.formatting import day, md_text, moment, number, percent, rank  # noqa: F401 (md_text: any text from a file or URL)
from warehouse.geo import NO_DATA  # noqa: F401
from warehouse.leader import (  # noqa: F401
    MEASURES_EXPORT_FORMATS,
    UNTRACKED,
    bdhvs_export,
    commune_targets_table,
    former_table,
    measures_export,
    measures_table,
    rank_movers,
    ranking_bars,
    shortfall_text,
    summary_table,
    target_text,
    wide_table,
)
from warehouse.metrics import (  # noqa: F401
    DATASET_LABELS,
    METRICS,
    Metric,
    change_text,
    latest_overlapping,
    month_label,
    movement,
    period_label,
    status_label,
    target_label,
    typed_period_label,
)
from warehouse.metrics import get as get_metric  # noqa: F401
from warehouse.metrics import of_dataset as metrics_of_dataset  # noqa: F401
from warehouse.values import PERIOD_COLUMNS, PERIOD_EXAMPLES, parse_period  # noqa: F401
from warehouse.values import period_label as period_as_typed  # noqa: F401

# Vega's number locale for Vietnamese: 3.781 and 86,6 on chart axes
VEGA_LOCALE = {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}}


@st.cache_resource(show_spinner=False)
def _snapshots(path: str) -> db.Snapshots:
    snaps = db.Snapshots(Path(path), prepare=db.prepare_snapshot)
    snaps.on_renew.append(lambda _gen: _cached.clear())  # the reads of the old generation are never asked again
    return snaps


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
        return _cached(read, f"{read.__module__}.{read.__qualname__}", str(db.db_path()), generation(), args,
                       tuple(sorted(kwargs.items())))

    call.__name__, call.__qualname__, call.__doc__ = read.__name__, read.__qualname__, read.__doc__
    return call


# ---------------------------------------------------------------- reads (one per warehouse.queries function the pages use)


has_sample_data = cached(queries.has_sample_data)
export_sources = cached(queries.export_sources)
data_status = cached(queries.data_status)
known_metrics = cached(queries.known_metrics)
metric_periods = cached(queries.metric_periods)
filter_options = cached(queries.filter_options)
commune_metric = cached(queries.commune_metric)
commune_metric_pair = cached(queries.commune_metric_pair)
province_reference = cached(queries.province_reference)
metric_target = cached(queries.metric_target)
map_values = cached(queries.map_values)
map_features = cached(queries.map_features)
map_labels = cached(queries.map_labels)
bdhvs_snapshots = cached(queries.bdhvs_snapshots)
bdhvs_rankings = cached(queries.bdhvs_rankings)
bdhvs_province = cached(queries.bdhvs_province)
plan_year = cached(queries.plan_year)
overview_kpis = cached(queries.overview_kpis)
province_series = cached(queries.province_series)
current_communes = cached(queries.current_communes)
commune_profile = cached(queries.commune_profile)
commune_measures = cached(queries.commune_measures)
commune_trend_chart = cached(queries.commune_trend_chart)
indicator_counts = cached(queries.indicator_counts)
commune_targets = cached(queries.commune_targets)
commune_peers = cached(queries.commune_peers)
plans = cached(queries.plans)
target_years = cached(queries.target_years)
target_summary = cached(queries.target_summary)
target_history = cached(queries.target_history)
target_communes = cached(queries.target_communes)
plan_matrix = cached(queries.plan_matrix)
brief_html = cached(queries.brief_html)
load_history = cached(queries.load_history)
rows_in_use = cached(queries.rows_in_use)
load_detail = cached(queries.load_detail)
former_unit_values = cached(queries.former_unit_values)
load_findings = cached(queries.load_findings)
value_sources = cached(queries.value_sources)
reporting_periods = cached(queries.reporting_periods)
reporting_units = cached(queries.reporting_units)
file_loads = cached(queries.file_loads)


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
    periods = metric_periods(name)  # {period_end: period_start}, newest first
    ends = list(periods)
    period = period_column.selectbox(
        "Kỳ số liệu", ends, index=ends.index(param_choice("period", ends, ends[0])),
        format_func=lambda end: metric.period_text(end, periods[end]), key=f"{key_prefix}_period")
    return metric, period


def period_text(metric: metrics.Metric, period_end: Any) -> str:
    """A measure's period (its end, as choosers return it) written whole, its start looked up: '01/07–30/10/2025'."""
    return metric.period_text(period_end, metric_periods(metric.name).get(period_end))


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


def dataset_label(name: object) -> str:
    """A dataset as people read it ('DVCTT', 'Hạ tầng số', 'Danh mục xã'); 'chưa rõ' for a file refused before its
    dataset was known."""
    return metrics.DATASET_SHORT.get(name, "chưa rõ")


SEED_USER = "seed"  # who load.seed says loaded the reference and sample files


def loader_label(name: object) -> str:
    """Who loaded, as people read it: the seed's loads are the warehouse's own setup."""
    return "khởi tạo kho" if name == SEED_USER else str(name)


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
    details = "; ".join(f"{dataset_label(r.dataset)}: {int(r.latest_load_warnings)} cảnh báo "
                        f"(lần nạp #{r.latest_load_id}, {md_text(r.latest_file_name)})" for r in warned.itertuples())
    if warned.empty:
        st.badge("Kiểm tra dữ liệu: không có cảnh báo", icon=":material/verified:", color="green",
                 help="Lần nạp mới nhất của mỗi bộ dữ liệu đạt mọi kiểm tra.")
    else:
        total = int(warned["latest_load_warnings"].sum())
        st.badge(f"Kiểm tra dữ liệu: {formatting.number(total)} cảnh báo", icon=":material/warning:", color="orange",
                 help=f"Cảnh báo ở lần nạp mới nhất — {details}. Xem chi tiết ở trang «Lịch sử tải».")


STATUS_TAGS = {"Đạt": "#1b7f3b", "Chưa đạt": "#c62828"}  # a judgement made: green or red; the rest a plain tag
STATUS_SHORT = {metrics.STATUS_LABELS["proxy"]: "Tham khảo", metrics.STATUS_LABELS["approximate"]: "Chưa đánh giá",
                UNTRACKED: "Chưa có số đo"}  # a tag does not wrap: the column's help says the rest
STATUS_HELP = ("«Tham khảo»: số đo chỉ gần đúng với chỉ tiêu, không đánh giá; «Chưa đánh giá»: số liệu là số ước lượng; "
               "«Chưa có số đo»: chỉ tiêu chưa có số đo nào trong kho")


def status_column(label: str | None = None, help: str = "", **kwargs) -> Any:
    """A column of judgements ('Đạt', 'Chưa đạt', 'Chưa đến hạn', …) drawn as tags: met green, missed red, the rest
    plain, the long ones shortened (STATUS_SHORT, explained in the help). The browser colours them; a Styler's
    colours cost ≈ 20 ms per table on every script run."""
    options = list(dict.fromkeys([*STATUS_TAGS, *metrics.STATUS_LABELS.values(), UNTRACKED]))
    column = st.column_config.MultiselectColumn(label, options=options, format_func=lambda o: STATUS_SHORT.get(o, o),
                                                help=f"{help}. {STATUS_HELP}." if help else f"{STATUS_HELP}.", **kwargs)
    for option in column["type_config"]["options"]:  # colours for two of them only: MultiselectColumn cycles one list
        if option["value"] in STATUS_TAGS:
            option["color"] = STATUS_TAGS[option["value"]]
    return column


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
    # without formats, no Styler: it would change nothing the placeholder does not, and costs ≈ 30 ms per 100 rows
    st.dataframe(styled(frame, formats) if formats else frame, hide_index=True, width="stretch", placeholder="–", **kwargs)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_button(frame: pd.DataFrame, file_stem: str, *, key: str, datasets: tuple[str, ...], filters: list[str],
                  load_id: int | None = None, formats: dict[str, str] | None = None, notes: list[str] | None = None,
                  label: str = "Tải bảng Excel") -> None:
    """A download of the table behind a view as .xlsx (built only when clicked; formulas neutralised) that says what
    it is: sample data, the loads of `datasets` it draws on (and the load `load_id`), the view's `filters` ([]: none),
    the time it was exported (warehouse.exports.Source)."""
    from warehouse import exports

    source = exports.Source(export_sources(tuple(datasets), load_id), tuple(filters))
    st.download_button(
        label, lambda: exports.to_xlsx(frame, formats=formats, notes=notes or [], source=source),
        file_name=f"{file_stem}.xlsx", mime=XLSX_MIME, key=key, icon=":material/download:", on_click="ignore",
        help=f"Tệp ghi kèm nguồn ({source.short()}), bộ lọc và giờ xuất" + ("; có dữ liệu mẫu." if source.is_sample else "."),
    )


def today() -> date:
    """Today in Vietnam (the brief's date), whatever the server's zone."""
    from warehouse import exports

    return exports.now().date()


PROFILE_PAGE = "app_pages/profile.py"


def open_clicked_profile(event, selection: str) -> None:
    """A commune clicked in a chart (its point selection `selection` on commune_code) → its profile page."""
    points = (event.selection.get(selection) or []) if event else []
    if points and points[0].get("commune_code"):
        st.switch_page(PROFILE_PAGE, query_params={"commune": points[0]["commune_code"]})


def open_selected_profile(event, codes: pd.Series) -> None:
    """A row chosen in a table (st.dataframe's selection) whose commune codes are `codes` → its profile page."""
    if event and event.selection.rows:
        st.switch_page(PROFILE_PAGE, query_params={"commune": codes.iloc[event.selection.rows[0]]})


def warehouse_missing(exc: Exception) -> None:
    st.error(md_text(exc), icon=":material/database_off:")
    st.stop()


# ---------------------------------------------------------------- uploads


def save_upload(uploaded) -> Path:
    """Keep an uploaded file in the private uploads folder beside the database until it is loaded."""
    from warehouse import uploads

    return uploads.save(uploaded.getvalue(), uploaded.name, db.db_path())


def earlier_loads(path: Path) -> pd.DataFrame:
    """The loads that brought in this very file (same sha256) and still count (queries.file_loads): loading it
    again adds nothing. Hashing is fast beside reading (≈ 20 ms for the largest upload), so it is not kept."""
    from warehouse import load

    return file_loads(load.sha256_of(path))


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


def describe_skipped(skipped_rows: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """The rows the reader left out of an upload, runs of one reason as one line: ('1–5', 'tiêu đề …')."""
    from warehouse import layout

    return layout.describe_skipped(skipped_rows)


FINDING_COLUMNS = {"severity": "Mức độ", "sheet": "Trang tính", "row": "Dòng", "column": "Cột",
                   "value": "Giá trị", "message": "Yêu cầu / vấn đề"}


def findings_frame(findings, *, sheets: bool = True) -> pd.DataFrame:
    """Findings under Vietnamese headers; `sheets=False` for a file without sheets (a CSV: is_workbook)."""
    frame = pd.DataFrame([f.as_dict() for f in findings], columns=list(FINDING_COLUMNS))
    return findings_frame_from(frame, sheets=sheets)


def findings_frame_from(frame: pd.DataFrame, *, sheets: bool = True) -> pd.DataFrame:
    frame = frame.assign(severity=frame["severity"].map({"error": "Lỗi", "warning": "Cảnh báo"}))
    frame["row"] = frame["row"].astype("Int64")
    frame[["sheet", "column", "value"]] = frame[["sheet", "column", "value"]].astype("object").fillna("")
    columns = [c for c in FINDING_COLUMNS if sheets or c != "sheet"]
    return frame[columns].rename(columns=FINDING_COLUMNS)


def is_workbook(file_name: object) -> bool:
    """Whether a file has sheets to name (an .xlsx); a CSV or a report has none."""
    return str(file_name or "").lower().endswith(".xlsx")


MESSAGE = FINDING_COLUMNS["message"]
FINDING_WIDTHS = {"Mức độ": 72, "Trang tính": 100, "Dòng": 50, "Cột": 150, "Giá trị": 130, MESSAGE: 400}
LINE_CHARS, LINE_PX, MAX_LINES = 64, 21, 6  # a 400 px column holds ≈ 64 characters a line
WRAPPING_ROW_PX = 72  # st.dataframe wraps a cell's text only in rows taller than 4rem


def findings_table(frame: pd.DataFrame) -> None:
    """Findings with the whole message in view: a wide message column whose rows are as tall as the longest message
    needs (up to MAX_LINES lines; the nearest names at a message's end are the useful part), then any message
    longer than that written out in full below."""
    longest = int(frame[MESSAGE].str.len().max()) if len(frame) else 0
    lines = min(MAX_LINES, -(-longest // LINE_CHARS))
    config = {name: st.column_config.Column(width=width) for name, width in FINDING_WIDTHS.items()}
    table(frame, {}, row_height=max(WRAPPING_ROW_PX, 14 + LINE_PX * lines) if lines > 1 else None, column_config=config)
    cut = frame[frame[MESSAGE].str.len() > LINE_CHARS * MAX_LINES]
    if len(cut):
        with st.expander(f"Toàn văn {formatting.number(len(cut))} thông báo dài", icon=":material/notes:"):
            for row in cut.to_dict("records"):
                place = "cả tệp" if pd.isna(row["Dòng"]) else f"dòng {row['Dòng']}"
                column = f", cột «{md_text(row['Cột'])}»" if row["Cột"] else ""
                st.markdown(f"- {place.capitalize()}{column}: {md_text(row[MESSAGE])}")


# ---------------------------------------------------------------- reports (the upload page's "Đọc báo cáo")

REPORT_TYPES = ["docx", "pdf", "txt"]
REPORT_USE, REPORT_VALUE = "Dùng", "Giá trị"  # the editable columns of report_review (extract.loading)


def _known_communes():
    """The communes names resolve against, from the current snapshot (load.known_communes)."""
    from warehouse import load

    _, con = snapshots().connection()
    cursor = con.cursor()
    try:
        return load.known_communes(cursor)
    finally:
        cursor.close()


def extract_report(path: Path, *, unit: str | None = None) -> tuple[Any, list[Finding]]:
    """Read a report once per (file, unit chosen, generation) in this session: (Extraction, []) or (None, [why not])."""
    from warehouse import extract
    from warehouse.sources import IngestError

    key = ("report", str(path), unit, generation())
    reports = st.session_state.setdefault("upload_reports", {})
    if key not in reports:
        try:
            found = extract.extract_report(path, unit=unit, communes=_known_communes()), []
        except (IngestError, ValueError) as exc:  # a scan, a password, a hostile file; a unit unknown
            found = None, [Finding(ERROR, str(exc), rule="read")]
        except Exception as exc:  # a file we could not foresee: say so, never a traceback
            found = None, [Finding(ERROR, f"Không đọc được báo cáo: {exc}", rule="read")]
        while len(reports) >= 2:
            reports.pop(next(iter(reports)))
        reports[key] = found
    return reports[key]


def report_review(extraction) -> pd.DataFrame:
    """The figures used, one per line, for the page's editor (tick, value) beside their sentence."""
    from warehouse.extract import loading

    return loading.review_frame(extraction)


def report_not_used(extraction) -> pd.DataFrame:
    from warehouse.extract import loading

    return loading.not_used_frame(extraction)


def check_report(path: Path, extraction, edited: pd.DataFrame):
    """The analyst's review applied and checked, one table per dataset, once per (report, unit, review):
    (reviewed extraction, [extract.loading.ReportTable])."""
    from warehouse.extract import loading

    key = ("report_check", str(path), extraction.unit.name, loading.signature(edited), generation())
    checks = st.session_state.setdefault("upload_report_checks", {})
    if key not in checks:
        reviewed = loading.apply_review(extraction, edited)
        tables = loading.check_reviewed(reviewed, _known_communes(), Path(path).parent)
        while len(checks) >= 4:
            checks.pop(next(iter(checks)))
        checks[key] = (reviewed, tables)
    return checks[key]


def report_findings(tables) -> pd.DataFrame:
    """The checks' findings of every dataset, with where in the report each cell was read."""
    from warehouse.extract import loading

    findings = [f for t in tables for f in t.findings]
    frame = findings_frame(findings, sheets=False)  # a report has no sheets: each table is a dataset's
    frame.insert(1, "Bộ dữ liệu", [dataset_label(f.sheet) for f in findings])
    return frame.assign(**{"Vị trí trong báo cáo": loading.places(findings, tables)})


def report_workbook(reviewed) -> bytes:
    """The reviewed figures as the upload workbook `python -m warehouse extract --out` writes."""
    from warehouse.extract import write_workbook

    return write_workbook(reviewed.extraction)


def load_report(path: Path, tables, *, file_name: str, loaded_by: str):
    """One ordinary load per dataset of the reviewed figures, the report archived as their original; the waiting
    copy goes."""
    from warehouse.extract import loading

    results = loading.load_reviewed(path, tables, file_name=file_name, loaded_by=loaded_by)
    discard_upload(path)
    return results


def sources_table(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """value_sources under Vietnamese headers, for the history page."""
    from warehouse.extract import loading

    return loading.sources_table(frame, dataset)


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
