"""The database file: where it is, its schema, short write access, read snapshots.

DuckDB lets one process hold a file read-write, and that process blocks every
other one, readers included. So writers take an exclusive lock file, open the
database, do one thing and close it; readers never open the live file: they
read a copy (a snapshot) made under a shared lock whenever the file or sql/ changed.
Both see the views of the current sql/ files: a write connection rebuilds them
when stale (models.ensure_current), and so does a snapshot's preparation.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import datasets, models, refresh

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse.duckdb"
LOCK_TIMEOUT_S = 120.0
log = logging.getLogger(__name__)

LOADS_DDL = """
create table if not exists meta.loads (
    load_id bigint primary key,
    dataset varchar not null,
    file_name varchar not null,
    sha256 varchar not null,
    sheet varchar,
    status varchar not null,          -- loaded | rejected | duplicate (the same file again: nothing read)
    rows_read integer,
    rows_loaded integer,
    n_errors integer,
    n_warnings integer,
    findings json,
    loaded_by varchar,
    loaded_at timestamp not null,
    stored_path varchar,
    is_sample boolean not null default false,
    retracted_at timestamp,
    retracted_by varchar
)
"""


# a figure loaded from a cell written with a qualifier ('trên 75%' → 75 in the raw row, '>' here); one row per cell
QUALIFIERS_DDL = """
create table if not exists meta.qualifiers (
    load_id bigint not null,          -- the load whose raw row holds the number (meta.loads; retracted with it)
    source_row integer not null,      -- the row as Excel shows it (raw.<dataset>.source_row)
    column_name varchar not null,     -- the canonical column of raw.<dataset> ('coverage_5g_pct')
    qualifier varchar not null,       -- '>' (trên, hơn, >), '<' (dưới, <), '≈' (khoảng, gần, xấp xỉ, ~)
    written varchar not null          -- the cell as written: 'trên 75%'
)
"""


# where a value loaded from a narrative report (.docx, PDF, .txt: the upload page's "Đọc báo cáo") was read; one row
# per cell, written in the load's transaction
VALUE_SOURCES_DDL = """
create table if not exists meta.value_sources (
    load_id bigint not null,          -- the load whose raw row holds the value (meta.loads; retracted with it)
    source_row integer not null,      -- raw.<dataset>.source_row: the row of the reviewed table the page built
    column_name varchar not null,     -- the canonical column of raw.<dataset> ('received_online')
    sentence varchar not null,        -- the report's sentence the value was read from
    location varchar not null,        -- where in the report: 'đoạn 69' (.docx paragraph, .txt line), 'trang 3, dòng 12'
    written varchar,                  -- the figure as the report writes it: '3.276 hồ sơ', 'trên 75%'
    is_corrected boolean not null default false  -- the analyst typed another value over the one read
)
"""


def db_path() -> Path:
    """The warehouse file: $WAREHOUSE_DB or data/warehouse.duckdb."""
    return Path(os.environ.get("WAREHOUSE_DB") or DEFAULT_DB)


def data_dir(db: Path) -> Path:
    """Folder beside the database holding archive/, quarantine/ and snapshots."""
    return db.parent


META_TABLES = ("loads", "qualifiers", "value_sources")


def _schema_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the meta tables, the load sequence and every raw column the registry names exist: a few catalogue
    reads (each load opens two write connections; ≈ 100 `add column if not exists` cost ≈ 0,08 s each time, and
    duckdb_columns() binds every view, ≈ 0,02 s)."""
    tables = set(con.execute("select schema_name, table_name from duckdb_tables() where database_name = "
                             "current_database() and schema_name in ('meta', 'raw')").fetchall())
    sequence = con.execute("select count(*) from duckdb_sequences() where database_name = current_database() "
                           "and schema_name = 'meta' and sequence_name = 'load_id_seq'").fetchone()[0]
    if not sequence or not {("meta", t) for t in META_TABLES} | {("raw", d) for d in datasets.DATASETS} <= tables:
        return False
    return all({name for name, _ in datasets.raw_columns(ds)}
               <= {column[0] for column in con.execute(f"select * from raw.{ds.name} limit 0").description}
               for ds in datasets.DATASETS.values())


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the meta and raw schemas and tables when missing, and a raw table's columns the registry has
    gained since (idempotent; nothing written when all are there)."""
    if _schema_current(con):
        return
    con.execute("create schema if not exists meta")
    con.execute("create schema if not exists raw")
    con.execute("create sequence if not exists meta.load_id_seq start 1")
    con.execute(LOADS_DDL)
    con.execute(QUALIFIERS_DDL)
    con.execute(VALUE_SOURCES_DDL)
    for ds in datasets.DATASETS.values():
        cols = ", ".join(f"{name} {sql_type}" for name, sql_type in datasets.raw_columns(ds))
        con.execute(f"create table if not exists raw.{ds.name} ({cols})")
        for name, sql_type in datasets.raw_columns(ds):  # a column added to the registry since the table was made
            con.execute(f"alter table raw.{ds.name} add column if not exists {name} {sql_type}")


@contextmanager
def _flock(db: Path, mode: int, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """The warehouse's lock file (DB.lock), shared or exclusive, waiting at most `timeout`."""
    with _lock_file(db.with_name(db.name + ".lock"), mode, timeout=timeout):
        yield


@contextmanager
def write_connection(db: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An exclusive, short-lived read-write connection with the schema and current views; closed on exit.

    Each commit writes its changes into the file at once (a checkpoint): the file must hold every commit when the
    connection closes anyway (snapshots copy it, without a write-ahead log), and written once they are not first
    written to the log too (a 50.000-row load ≈ 90 ms faster, bench/ab.py)."""
    db = Path(db or db_path())
    db.parent.mkdir(parents=True, exist_ok=True)
    with _flock(db, fcntl.LOCK_EX):
        con = duckdb.connect(str(db), config={**models.CONFIG, "checkpoint_threshold": "0b"})
        try:
            ensure_schema(con)
            models.ensure_current(con)
            yield con
        finally:
            con.close()


def prepare_snapshot(path: Path) -> list[str]:
    """On a database file nobody else has open (a fresh snapshot copy): the schema the registry asks for,
    current views, then the views turned into tables. From the app's previous snapshot beside it when there is
    one (refresh.from_previous: only the views a change reached), else every view (models.materialise). Returns
    the views turned into tables here."""
    con = models.open_snapshot(path)
    try:
        ensure_schema(con)
        models.ensure_current(con)
        inputs = refresh.fingerprints(con)
    finally:
        con.close()
    previous = previous_snapshot(path)
    rebuilt = refresh.from_previous(previous, path, inputs) if previous is not None else None
    if rebuilt is not None:
        return rebuilt
    con = models.open_snapshot(path)
    try:
        rebuilt = models.materialise(con)
        refresh.record(con, inputs)
    finally:
        con.close()
    return rebuilt


def generation(db: Path) -> str:
    """A token that changes whenever a writer changed the file or a file of sql/ changed."""
    try:
        st = db.stat()
    except FileNotFoundError:
        return "missing"
    return f"{st.st_mtime_ns}-{st.st_size}-{models.sql_hash()[:16]}"


SNAPSHOT_GRACE_S = 60.0  # an older snapshot file is deleted this long after it was made (a reader may be opening it)
STALE_TMP_S = 3600.0  # a snapshot still being prepared after this long was left by a process that died
APP_KIND = "-prepare_snapshot"  # the app's snapshots (ui: Snapshots(prepare=prepare_snapshot)): views turned into tables
_nesting = threading.local()


def snapshot_file(db: Path, gen: str, kind: str = "") -> Path:
    """The snapshot of `db` at generation `gen`, of a kind ('' a plain copy, APP_KIND the app's)."""
    return data_dir(db) / ".snapshots" / f"{db.stem}-{gen}{kind}.duckdb"


def make_snapshot(db: Path, prepare: Callable[[Path], None] | None = None, kind: str = "") -> tuple[str, Path]:
    """(generation, file) of the snapshot of `db` as it is now: copied under the shared lock, then prepared
    outside it and renamed into place (readers only ever see a finished file); nothing done when on disk."""
    folder = data_dir(db) / ".snapshots"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = None
    with _flock(db, fcntl.LOCK_SH):
        gen = generation(db)
        target = snapshot_file(db, gen, kind)
        if not target.exists():
            tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
            shutil.copyfile(db, tmp)
    if tmp is not None:
        try:
            if prepare is not None:
                prepare(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return gen, target


def _snapshot_name(stem: str, kind: str, suffix: str = r"\.duckdb") -> re.Pattern:
    """The name of a snapshot file of the warehouse `stem` (a regular expression), of a kind."""
    return re.compile(re.escape(stem) + r"-\d+-\d+-[0-9a-f]+" + re.escape(kind) + suffix)


def previous_snapshot(path: Path) -> Path | None:
    """The newest finished app snapshot of the warehouse whose snapshot `path` is being prepared (None when
    there is none, or `path` is no snapshot being prepared)."""
    being_made = re.fullmatch(r"(.+)-\d+-\d+-[0-9a-f]+" + re.escape(APP_KIND) + r"\.tmp.*", path.name)
    if being_made is None:
        return None
    pattern = _snapshot_name(being_made.group(1), APP_KIND)
    found = []
    for other in path.parent.glob(f"{being_made.group(1)}-*{APP_KIND}.duckdb"):
        try:
            if pattern.fullmatch(other.name):
                found.append((other.stat().st_mtime_ns, other))
        except FileNotFoundError:  # removed meanwhile
            continue
    return max(found)[1] if found else None


def remove_old_snapshots(db: Path, kind: str, keep: Path) -> None:
    """Delete the snapshot files of that kind but `keep` made more than SNAPSHOT_GRACE_S ago (a connection
    still open on one keeps its inode alive until it is closed)."""
    pattern = _snapshot_name(db.stem, kind)
    for old in (data_dir(db) / ".snapshots").glob(f"{db.stem}-*.duckdb"):
        try:
            if old != keep and pattern.fullmatch(old.name) and old.stat().st_mtime < time.time() - SNAPSHOT_GRACE_S:
                old.unlink(missing_ok=True)
        except FileNotFoundError:  # removed meanwhile by another process
            continue
    for stale in (data_dir(db) / ".snapshots").glob(f"{db.stem}-*.tmp*"):  # left by a preparation that died
        try:
            if stale.stat().st_mtime < time.time() - STALE_TMP_S:
                stale.unlink(missing_ok=True)
        except FileNotFoundError:
            continue


def prepare_next_snapshot(db: Path | None = None) -> Path:
    """The app's read snapshot of the warehouse as it is now (copy, current views, views turned into tables),
    made unless already on disk: by a loader after its commit and before the server starts, so that
    no viewer waits for it. Returns its file."""
    db = Path(db or db_path())
    _, target = make_snapshot(db, prepare_snapshot, APP_KIND)
    remove_old_snapshots(db, APP_KIND, keep=target)
    return target


def app_reads(db: Path) -> bool:
    """Whether an app reads this warehouse (one of its prepared snapshots is on disk)."""
    return any((data_dir(db) / ".snapshots").glob(f"{db.stem}-*{APP_KIND}.duckdb"))


def _snapshot_lock(db: Path) -> Path:
    return db.with_name(db.name + ".snapshot.lock")


@contextmanager
def _lock_file(path: Path, mode: int, blocking: bool = True, timeout: float = LOCK_TIMEOUT_S) -> Iterator[bool]:
    """flock on `path`: yields True when held; without blocking, False at once when another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not blocking:
                    yield False
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"Cơ sở dữ liệu đang bận (khóa {path}); hãy thử lại sau.") from None
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def loading(db: Path | None = None) -> Iterator[None]:
    """Around a loader's writes: readers keep the snapshot they have meanwhile (none starts preparing one),
    and when the outermost `loading` of this thread ends, the app's next snapshot is prepared here, once
    (load-dir wraps all its files), if an app reads this warehouse. Loaders share the lock (they
    serialise on the write lock); a reader preparing a snapshot holds it alone."""
    db = Path(db or db_path())
    depth = getattr(_nesting, "depth", 0)
    with _lock_file(_snapshot_lock(db), fcntl.LOCK_SH):
        _nesting.depth = depth + 1
        try:
            yield
        finally:
            _nesting.depth = depth
        if depth == 0 and db.exists() and app_reads(db):
            try:
                prepare_next_snapshot(db)
            except Exception:  # the load is committed; a reader will prepare the snapshot (and show why it fails)
                log.exception("preparing the read snapshot of %s failed", db)


class Snapshots:
    """Read-only connections to copies of the database, renewed when it changes.

    `connection()` returns (generation, connection). Use `con.cursor()` per
    thread: a DuckDB connection is not thread-safe, its cursors are.
    `prepare(path)`, when given, runs on each new copy before it is opened, outside
    the lock (the app's prepare_snapshot rebuilds the views there when sql/
    changed, then turns them into tables).

    No reader waits for another's load: a loader prepares the next snapshot after its commit
    (`loading`), and a new generation is opened once its file is on disk. Until then every
    caller gets the snapshot it had; the one caller that finds nobody preparing the new one (a
    write that did not go through a loader: a restore, a retraction from the CLI, sql/ edited)
    prepares it, the others keep the previous one meanwhile. When a new generation takes over,
    the previous connection is dropped (DuckDB closes it once the last read on it ends) and its
    file deleted; `on_renew` callbacks (e.g. clearing caches keyed on the old generation) run.
    """

    def __init__(self, db: Path | None = None, prepare: Callable[[Path], None] | None = None):
        self.db = Path(db or db_path())
        self.prepare = prepare
        self._kind = "" if prepare is None else f"-{getattr(prepare, '__name__', 'prepared')}"  # own file per kind
        self.folder = data_dir(self.db) / ".snapshots"
        self._lock = threading.Lock()  # guards _gen and _con: held only to read or swap them
        self._first = threading.Lock()  # the first snapshot is made once, however many sessions arrive
        self._gen: str | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self.on_renew: list[Callable[[str], None]] = []

    def connection(self) -> tuple[str, duckdb.DuckDBPyConnection]:
        gen = generation(self.db)
        with self._lock:
            current = (self._gen, self._con) if self._con is not None else None
        if current is not None and current[0] == gen:
            return current
        if not self.db.exists():
            raise FileNotFoundError(
                f"Chưa có kho dữ liệu {self.db}. Chạy 'python -m warehouse seed' (hoặc 'make run') trước."
            )
        target = snapshot_file(self.db, gen, self._kind)
        if target.exists():  # prepared by a loader, or by another reader
            return self._open(gen, target)
        if current is None:
            return self._first_snapshot()
        with _lock_file(_snapshot_lock(self.db), fcntl.LOCK_EX, blocking=False) as mine:
            if not mine:  # a loader is writing or preparing, or another session prepares: keep the previous one
                return current
            return self._open(*make_snapshot(self.db, self.prepare, self._kind))

    def _first_snapshot(self) -> tuple[str, duckdb.DuckDBPyConnection]:
        with self._first:
            with self._lock:
                if self._con is not None:
                    return self._gen, self._con
            return self._open(*make_snapshot(self.db, self.prepare, self._kind))

    def _open(self, gen: str, target: Path) -> tuple[str, duckdb.DuckDBPyConnection]:
        """Open the snapshot `target` of generation `gen` and make it the current one (atomically)."""
        con = duckdb.connect(str(target), read_only=True)
        with self._lock:
            if self._gen == gen and self._con is not None:  # another session opened it first
                con.close()
                return self._gen, self._con
            self._gen, self._con = gen, con  # the previous connection is released with its last user
        remove_old_snapshots(self.db, self._kind, keep=target)
        for callback in self.on_renew:
            callback(gen)
        return gen, con

    def _remove_old(self, keep: Path) -> None:
        """Delete older snapshot files of this kind (open connections keep their inode alive)."""
        remove_old_snapshots(self.db, self._kind, keep)


if __name__ == "__main__":  # python -m warehouse.db: the app's read snapshot, before the server takes traffic
    if db_path().exists():
        print(prepare_next_snapshot())
    else:
        print(f"Chưa có kho dữ liệu {db_path()}: chưa chuẩn bị bản đọc.")
