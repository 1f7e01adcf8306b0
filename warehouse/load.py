"""Load one file: read, check, and write it in one transaction — or record why not.

Every attempt, accepted or rejected, becomes a row of meta.loads; the original
file is kept under archive/ (accepted) or quarantine/ (rejected). Raw rows are
never updated or deleted: staging lets the newest load win, and a retracted
load simply stops counting.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
import logging
import os
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from warehouse import datasets, db, ingest, quality, sandbox
from warehouse.communes import CommuneIndex
from warehouse.findings import ERROR, Finding, errors, sort_key, warnings

REFERENCE_COMMUNES = db.PROJECT_ROOT / "data" / "reference" / "communes.csv"
SAMPLES_DIR = db.PROJECT_ROOT / "data" / "samples"
# (file, dataset) of the sample data (warehouse/samples.py writes them); each plan's unit is read from its title
SAMPLE_FILES = (("broadband.xlsx", "broadband"), ("dvctt.xlsx", "dvctt"), ("bdhvs.xlsx", "bdhvs"),
                ("targets.xlsx", "targets"), ("targets_tinh.xlsx", "targets"), ("dvctt_minh_long.xlsx", "dvctt"))

LOADED, REJECTED, DUPLICATE = "loaded", "rejected", "duplicate"
PART_SUFFIX = ".part"  # an original being archived, named for good only once its load committed
log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    status: str  # loaded | rejected | duplicate
    file_name: str
    sha256: str
    dataset: str | None = None
    load_id: int | None = None
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    table: ingest.Table | None = None
    timings: dict[str, float] = field(default_factory=dict)
    previous_load_id: int | None = None
    sources: pd.DataFrame | None = None  # a load from a report: where each value was read (meta.value_sources)

    @property
    def ok(self) -> bool:
        return self.status in (LOADED, DUPLICATE)

    @property
    def errors(self) -> list[Finding]:
        return errors(self.findings)

    @property
    def warnings(self) -> list[Finding]:
        return warnings(self.findings)

    def summary(self) -> str:
        """One Vietnamese sentence for the CLI and the upload page."""
        if self.status == DUPLICATE:
            return f"Tệp '{self.file_name}' đã được nạp trước đó (lần nạp #{self.previous_load_id}); không nạp lại."
        if self.status == LOADED:
            extra = f", {len(self.warnings)} cảnh báo" if self.warnings else ""
            title = datasets.DATASETS[self.dataset].title if self.dataset in datasets.DATASETS else self.dataset
            return (f"Đã nạp {self.rows} dòng của '{self.file_name}' vào bộ «{title}» (lần nạp #{self.load_id}{extra})."
                    + self._whose_plan())
        return (f"Từ chối tệp '{self.file_name}': {len(self.errors)} lỗi"
                f"{f', {len(self.warnings)} cảnh báo' if self.warnings else ''}. Không ghi dòng nào vào kho.")


    def _whose_plan(self) -> str:
        """' Kế hoạch của tỉnh (đọc từ tiêu đề «UBND TỈNH QUẢNG NGÃI»).' for a plan's targets; '' otherwise."""
        table = self.table
        if table is None or not table.plan_unit:
            return ""
        read = f" (đọc từ tiêu đề «{table.plan_unit_text}»; sai thì nạp lại với --unit)" if table.plan_unit_source == "title" else ""
        return f" Kế hoạch của {table.plan_unit_name}{read}."


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- reads


def known_communes(con: duckdb.DuckDBPyConnection) -> CommuneIndex:
    """The communes names resolve against: the warehouse's current units, else the reference list.

    The former units' names (merged_from, former_district) and the populations come from the same place.
    """
    try:
        rows = con.execute("select commune_code, commune_name, merged_from, population, former_district "
                           "from stg_communes where is_current order by commune_code").fetchall()  # ties: by code
    except duckdb.CatalogException:  # views not built yet: the reference list
        rows = []
    if not rows:
        with open(REFERENCE_COMMUNES, encoding="utf-8") as fh:
            rows = [(r["commune_code"], r["commune_name"], r["merged_from"], r["population"] or None,
                     r["former_district"]) for r in csv.DictReader(fh)]
    return CommuneIndex([(r[0], r[1]) for r in rows], {r[0]: r[2] for r in rows}, {r[0]: r[3] for r in rows},
                        {r[0]: r[4] for r in rows})


def find_duplicate(con: duckdb.DuckDBPyConnection, sha256: str, sheet: str | None = None) -> int | None:
    """The load that already brought in this exact file (that sheet of it, when named) and still counts."""
    row = con.execute("""
        select load_id from meta.loads
        where sha256 = ? and status = 'loaded' and retracted_at is null and (?::varchar is null or sheet = ?)
        order by load_id limit 1
    """, [sha256, sheet, sheet]).fetchone()
    return row[0] if row else None


def _duplicate(con: duckdb.DuckDBPyConnection, sha256: str, sheet: str | None, period, unit=None) -> int | None:
    """A file loaded again with a period or a plan's unit given by the analyst is a new load (the newest wins)."""
    return None if period or unit else find_duplicate(con, sha256, sheet)


# ---------------------------------------------------------------- check


def check_file(path: Path, dataset: str | None, communes: CommuneIndex, *, sheet: str | None = None,
               period: dict | str | None = None, unit: str | None = None
               ) -> tuple[ingest.Table | None, list[Finding], dict]:
    """Read and validate a file without touching the warehouse (`sheet`, `period`, `unit`: see ingest.read_table).

    The file is read in a limited child process (sandbox.py): whatever it holds, this returns findings.
    """
    table, findings, timings = read_file(path, dataset, communes, sheet=sheet, period=period, unit=unit)
    return table, (run_checks(table, timings) if table is not None else findings), timings


def read_file(path: Path, dataset: str | None, communes: CommuneIndex | None, **options) -> tuple[
        ingest.Table | None, list[Finding], dict]:
    """(table, the reader's findings, timings) of a file read in the sandbox, not yet checked; (None, why, …) when
    it cannot be read. `options`: ingest.read_table's (`later`: the units looked up while the child reads)."""
    t0 = time.perf_counter()
    try:
        table, peak_mb = sandbox.read_table(path, dataset, communes, **options)
    except ingest.IngestError as exc:
        return None, [Finding(ERROR, str(exc), rule="read")], {"read": time.perf_counter() - t0}
    return table, table.findings, {"read_peak_mb": peak_mb, "read": time.perf_counter() - t0}


def run_checks(table: ingest.Table, timings: dict) -> list[Finding]:
    """The reader's findings and the dataset's great-expectations suite's on a table read, sorted (timings['checks'])."""
    t1 = time.perf_counter()
    try:
        gx_findings = quality.validate(table.dataset, table.frame, table.sheet, table.headers)
    except Exception:  # the checks failed to run: the file is refused, never loaded unchecked
        log.exception("checks of %s (sheet %s) failed", table.dataset, table.sheet)
        gx_findings = [Finding(ERROR, "không chạy được bộ kiểm tra dữ liệu (lỗi không mong đợi, đã ghi vào nhật ký "
                                      "máy chủ); tệp chưa được nạp. Hãy báo bộ phận kỹ thuật.", rule="checks")]
    timings["checks"] = time.perf_counter() - t1
    findings = table.findings + _drop_echoes(gx_findings, table.findings)
    return sorted(findings, key=sort_key)


def _drop_echoes(gx_findings: list[Finding], read_findings: list[Finding]) -> list[Finding]:
    """A cell that could not be read is NULL: don't also report it as 'empty'; rows whose commune could
    not be resolved (NULL code) are not 'duplicate keys' of each other; a period reported missing by
    the reader is not reported again as a missing column. (Warnings echo nothing.)"""
    flagged = {f.row for f in read_findings if f.row is not None and f.severity == ERROR}
    no_commune = {f.row for f in read_findings if f.rule == "commune" and f.severity == ERROR}
    no_period = any(f.rule == "period_missing" for f in read_findings)
    return [f for f in gx_findings
            if not (f.rule == "expect_column_values_to_not_be_null" and f.row in flagged)
            and not (f.rule == "expect_compound_columns_to_be_unique" and f.row in no_commune)
            and not (no_period and f.rule == "expect_column_to_exist" and f.canonical in ingest.PERIOD_COLUMN_NAMES)]


# ---------------------------------------------------------------- write


def _store(path: Path, folder: Path, load_id: int, sha256: str, name: str) -> tuple[Path, Path]:
    """Copy the original beside its final name as a hidden .part file; renamed only after commit.

    A crash before the commit leaves a .part file that no record points to (removed by the
    next load, see recover_stored); the archive never holds a file without its meta.loads row.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{load_id:06d}_{sha256[:12]}_{Path(name).name}"
    part = folder / f".{target.name}.{os.getpid()}{PART_SUFFIX}"
    with open(path, "rb") as src, open(part, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
    return target, part


def _stored_already(con: duckdb.DuckDBPyConnection, sha256: str, folder: Path) -> Path | None:
    """The file of the same content another load keeps in `folder` (archive/ or quarantine/), if still there."""
    rows = con.execute("select stored_path from meta.loads where sha256 = ? and stored_path is not null "
                       "order by load_id", [sha256]).fetchall()
    return next((Path(p) for (p,) in rows if Path(p).parent == folder and Path(p).is_file()), None)


def recover_stored(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """Settle originals left by a load that died (call under the write lock).

    A .part file whose process is gone is either recorded in meta.loads (the
    crash came after the commit: give it its final name) or not (before the
    commit: nothing counts it, remove it). Returns the files settled.
    """
    settled = []
    for part in [*folder.glob(f"archive/.*{PART_SUFFIX}"), *folder.glob(f"quarantine/.*{PART_SUFFIX}")]:
        final_name, _, pid = part.name[1:-len(PART_SUFFIX)].rpartition(".")
        if not pid.isdigit() or _process_alive(int(pid)):
            continue
        target = part.with_name(final_name)
        recorded = con.execute("select count(*) from meta.loads where stored_path = ?", [str(target)]).fetchone()[0]
        if recorded:
            os.replace(part, target)
        else:
            part.unlink(missing_ok=True)
        settled.append(part)
    return settled


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _database_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
    return Path(row[0]).parent if row and row[0] else None


def write_load(con: duckdb.DuckDBPyConnection, result: LoadResult, path: Path, *,
               loaded_by: str, is_sample: bool) -> None:
    """Record the attempt and, when accepted, its rows: one transaction. Sets result.load_id."""
    t0 = time.perf_counter()
    folder = _database_folder(con)
    if folder is not None:
        recover_stored(con, folder)
    con.begin()
    stored = part = None
    try:
        load_id = con.execute("select nextval('meta.load_id_seq')").fetchone()[0]
        if folder is not None and result.status != DUPLICATE:  # a duplicate's original is archived already
            sub = "archive" if result.status == LOADED else "quarantine"
            stored = _stored_already(con, result.sha256, folder / sub)  # a report feeding several datasets: once
            if stored is None:
                stored, part = _store(path, folder / sub, load_id, result.sha256, result.file_name)
        _insert_meta(con, load_id, result, stored, loaded_by, is_sample)
        if result.status == LOADED:
            _insert_rows(con, result.dataset, result.table.frame, load_id)
            _insert_qualifiers(con, result.table.qualifiers, load_id)
            _insert_sources(con, result.sources, load_id)
        con.commit()
    except BaseException:
        con.rollback()
        if part is not None:
            part.unlink(missing_ok=True)
        raise
    if part is not None:
        os.replace(part, stored)
    result.load_id = load_id
    result.timings["insert"] = time.perf_counter() - t0


def _insert_meta(con, load_id: int, result: LoadResult, stored: Path | None, loaded_by: str, is_sample: bool) -> None:
    table = result.table
    con.execute("""
        insert into meta.loads (load_id, dataset, file_name, sha256, sheet, status, rows_read, rows_loaded,
                                n_errors, n_warnings, findings, loaded_by, loaded_at, stored_path, is_sample)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """, [
        load_id, result.dataset or "?", result.file_name, result.sha256, table.sheet if table else None,
        result.status, table.rows if table else 0, result.rows, len(result.errors), len(result.warnings),
        json.dumps([f.as_dict() for f in result.findings], ensure_ascii=False), loaded_by,
        datetime.now(), str(stored) if stored else None, is_sample,
    ])


def _insert_rows(con, dataset: str, frame: pd.DataFrame, load_id: int) -> None:
    ds = datasets.get(dataset)
    columns = [name for name, _ in datasets.raw_columns(ds) if name != "load_id"]
    rows = frame.reindex(columns=columns)
    con.register("incoming_rows", rows)
    try:
        select = ", ".join(f"cast({c} as {t}) as {c}" for c, t in datasets.raw_columns(ds) if c != "load_id")
        con.execute(f"insert into raw.{ds.name} by name select {select}, ? as load_id from incoming_rows", [load_id])
    finally:
        con.unregister("incoming_rows")


def _insert_qualifiers(con, qualifiers: list[tuple[int, str, str, str]], load_id: int) -> None:
    """meta.qualifiers: the cells of the load written with 'trên', 'khoảng' … (the raw rows hold the number)."""
    if not qualifiers:
        return
    rows = pd.DataFrame(qualifiers, columns=["source_row", "column_name", "qualifier", "written"])
    con.register("incoming_qualifiers", rows)
    try:
        con.execute("insert into meta.qualifiers (load_id, source_row, column_name, qualifier, written) "
                    "select ?, source_row, column_name, qualifier, written from incoming_qualifiers", [load_id])
    finally:
        con.unregister("incoming_qualifiers")


SOURCE_COLUMNS = ("source_row", "column_name", "sentence", "location", "written", "is_corrected")


def _insert_sources(con, sources: pd.DataFrame | None, load_id: int) -> None:
    """meta.value_sources: for a load from a report, the sentence and place each value was read from."""
    if sources is None or sources.empty:
        return
    con.register("incoming_sources", sources.reindex(columns=list(SOURCE_COLUMNS)))
    try:
        con.execute(f"insert into meta.value_sources (load_id, {', '.join(SOURCE_COLUMNS)}) "
                    f"select ?, {', '.join(SOURCE_COLUMNS)} from incoming_sources", [load_id])
    finally:
        con.unregister("incoming_sources")


# ---------------------------------------------------------------- entry points


def load_path(path: Path, dataset: str | None = None, *, db_file: Path | None = None,
              loaded_by: str | None = None, is_sample: bool = False, file_name: str | None = None,
              sheet: str | None = None, period: dict | str | None = None, unit: str | None = None) -> LoadResult:
    """Load a file into the warehouse file, holding the write lock only to look up and to write.

    The slow part (reading, great-expectations) runs without the lock, so the app's readers and
    other loads are not held up. Every attempt is recorded in meta.loads, a duplicate too.
    """
    path = Path(path)
    result = LoadResult(DUPLICATE, file_name or path.name, sha256_of(path))

    def look_up() -> CommuneIndex:
        """The duplicate check and the units, under the write lock, while the reading child opens the file."""
        with db.loading(db_file), db.write_connection(db_file) as con:
            previous = _duplicate(con, result.sha256, sheet, period, unit)
            if previous is not None:
                raise _AlreadyLoaded(previous)
            return known_communes(con)

    try:
        table, findings, timings = read_file(path, dataset, None, later=look_up, sheet=sheet, period=period, unit=unit)
    except _AlreadyLoaded as loaded:
        with db.loading(db_file), db.write_connection(db_file) as con:
            return _record_duplicate(con, result, path, loaded.load_id, loaded_by or _user())
    with ThreadPoolExecutor(max_workers=1) as pool:  # the checks run while the write connection opens
        checked = pool.submit(run_checks, table, timings) if table is not None else findings
        return write_checked(path, table, checked, timings, db_file=db_file, loaded_by=loaded_by,
                             is_sample=is_sample, file_name=file_name, sheet=sheet, period=period, unit=unit,
                             sha256=result.sha256)


class _AlreadyLoaded(Exception):
    """The file was loaded before (load_id): nothing to read."""

    def __init__(self, load_id: int) -> None:
        super().__init__(load_id)
        self.load_id = load_id


def write_checked(path: Path, table: ingest.Table | None, findings: list[Finding] | Future[list[Finding]],
                  timings: dict | None = None, *,
                  db_file: Path | None = None, loaded_by: str | None = None, is_sample: bool = False,
                  file_name: str | None = None, sheet: str | None = None, period: dict | str | None = None,
                  unit: str | None = None, sha256: str | None = None, sources: pd.DataFrame | None = None) -> LoadResult:
    """Write a file already read and checked by check_file (the upload page's preview): never a second
    read. Under the write lock the duplicate check runs again (a parallel load may have won). `findings` may still
    be coming (load_path: the checks run while the connection opens).

    A report's figures (warehouse.extract.loading) come as a table checked apart from the file: `path` is the report,
    archived as the original, and `sources` says which sentence each value was read from (meta.value_sources)."""
    path = Path(path)
    result = LoadResult(DUPLICATE, file_name or path.name, sha256 or sha256_of(path), sources=sources)
    by = loaded_by or _user()
    with db.loading(db_file), db.write_connection(db_file) as con:
        _settle(result, table, findings.result() if isinstance(findings, Future) else findings, dict(timings or {}))
        previous = _duplicate(con, result.sha256, sheet, period, unit)
        if previous is not None:
            return _record_duplicate(con, result, path, previous, by)
        _write(con, result, path, by, is_sample)
    return result


def _record_duplicate(con: duckdb.DuckDBPyConnection, result: LoadResult, path: Path, previous: int,
                      loaded_by: str) -> LoadResult:
    """The same file again: nothing is read or written but the attempt (no copy of the original)."""
    result.status, result.previous_load_id, result.rows = DUPLICATE, previous, 0
    result.table, result.findings = None, []
    result.dataset = con.execute("select dataset from meta.loads where load_id = ?", [previous]).fetchone()[0]
    write_load(con, result, path, loaded_by=loaded_by, is_sample=False)
    return result


def _write(con: duckdb.DuckDBPyConnection, result: LoadResult, path: Path, loaded_by: str, is_sample: bool) -> None:
    """write_load; when writing fails unexpectedly (rolled back), the attempt is recorded as rejected."""
    try:
        write_load(con, result, path, loaded_by=loaded_by, is_sample=is_sample)
    except Exception as exc:
        log.exception("writing load of %s failed", result.file_name)
        result.status, result.rows = REJECTED, 0
        result.findings = [*result.findings, Finding(
            ERROR, f"lỗi không mong đợi khi ghi vào kho ({type(exc).__name__}); không ghi dòng nào, "
                   "tệp gốc được lưu để kiểm tra. Hãy báo bộ phận kỹ thuật.", rule="write")]
        write_load(con, result, path, loaded_by=loaded_by, is_sample=is_sample)


def _settle(result: LoadResult, table: ingest.Table | None, findings: list[Finding], timings: dict) -> None:
    result.table, result.findings, result.timings = table, findings, timings
    result.dataset = table.dataset if table else None
    result.status = REJECTED if errors(findings) or table is None else LOADED
    result.rows = table.rows if table and result.status == LOADED else 0


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def retract(con: duckdb.DuckDBPyConnection, load_id: int, by: str | None = None) -> str:
    """Undo a load: its rows stop counting; nothing is deleted. Returns a Vietnamese message."""
    row = con.execute("select status, retracted_at from meta.loads where load_id = ?", [load_id]).fetchone()
    if row is None:
        raise ValueError(f"Không có lần nạp #{load_id}.")
    if row[0] != LOADED:
        raise ValueError(f"Lần nạp #{load_id} đã bị từ chối nên không có gì để thu hồi.")
    if row[1] is not None:
        raise ValueError(f"Lần nạp #{load_id} đã được thu hồi lúc {row[1]:%d/%m/%Y %H:%M}.")
    con.execute("update meta.loads set retracted_at = ?, retracted_by = ? where load_id = ?",
                [datetime.now(), by or _user(), load_id])
    return f"Đã thu hồi lần nạp #{load_id}: các dòng của lần nạp này không còn được tính."


def retract_path(load_id: int, *, db_file: Path | None = None, by: str | None = None) -> str:
    """Retract a load in the warehouse file, holding the write lock only for the update."""
    with db.loading(db_file), db.write_connection(db_file) as con:
        return retract(con, load_id, by=by)


def seed(db_file: Path | None = None) -> list[LoadResult]:
    """Create the warehouse and load the reference communes and the sample workbooks (idempotent)."""
    results = [load_path(REFERENCE_COMMUNES, "communes", db_file=db_file, loaded_by="seed")]  # builds the views
    for name, dataset in SAMPLE_FILES:
        results.append(load_path(SAMPLES_DIR / name, dataset, db_file=db_file, loaded_by="seed", is_sample=True))
    return results
