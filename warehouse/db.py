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
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import datasets, models

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse.duckdb"
LOCK_TIMEOUT_S = 120.0

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


def db_path() -> Path:
    """The warehouse file: $WAREHOUSE_DB or data/warehouse.duckdb."""
    return Path(os.environ.get("WAREHOUSE_DB") or DEFAULT_DB)


def data_dir(db: Path) -> Path:
    """Folder beside the database holding archive/, quarantine/ and snapshots."""
    return db.parent


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the meta and raw schemas and tables when missing, and a raw table's columns the registry has
    gained since (idempotent)."""
    con.execute("create schema if not exists meta")
    con.execute("create schema if not exists raw")
    con.execute("create sequence if not exists meta.load_id_seq start 1")
    con.execute(LOADS_DDL)
    con.execute(QUALIFIERS_DDL)
    for ds in datasets.DATASETS.values():
        cols = ", ".join(f"{name} {sql_type}" for name, sql_type in datasets.raw_columns(ds))
        con.execute(f"create table if not exists raw.{ds.name} ({cols})")
        for name, sql_type in datasets.raw_columns(ds):  # a column added to the registry since the table was made
            con.execute(f"alter table raw.{ds.name} add column if not exists {name} {sql_type}")


@contextmanager
def _flock(db: Path, mode: int, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    lock_path = db.with_name(db.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"Cơ sở dữ liệu đang bận (khóa {lock_path}); hãy thử lại sau.") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def write_connection(db: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An exclusive, short-lived read-write connection with the schema and current views; closed on exit."""
    db = Path(db or db_path())
    db.parent.mkdir(parents=True, exist_ok=True)
    with _flock(db, fcntl.LOCK_EX):
        con = duckdb.connect(str(db), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        try:
            ensure_schema(con)
            models.ensure_current(con)
            yield con
        finally:
            con.close()


def prepare_snapshot(path: Path) -> None:
    """On a database file nobody else has open (a fresh snapshot copy): the schema the registry asks for,
    current views, then every view turned into a table (models.materialise)."""
    con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        ensure_schema(con)
        models.ensure_current(con)
        models.materialise(con)
    finally:
        con.close()


def generation(db: Path) -> str:
    """A token that changes whenever a writer changed the file or a file of sql/ changed."""
    try:
        st = db.stat()
    except FileNotFoundError:
        return "missing"
    return f"{st.st_mtime_ns}-{st.st_size}-{models.sql_hash()[:16]}"


class Snapshots:
    """Read-only connections to copies of the database, renewed when it changes.

    `connection()` returns (generation, connection). Use `con.cursor()` per
    thread: a DuckDB connection is not thread-safe, its cursors are.
    `prepare(path)`, when given, runs on each new copy before it is opened, outside
    the lock (the app's prepare_snapshot rebuilds the views there when sql/
    changed, then turns them into tables).
    """

    def __init__(self, db: Path | None = None, prepare: Callable[[Path], None] | None = None):
        self.db = Path(db or db_path())
        self.prepare = prepare
        self._kind = "" if prepare is None else f"-{getattr(prepare, '__name__', 'prepared')}"  # own file per kind
        self.folder = data_dir(self.db) / ".snapshots"
        self._lock = threading.Lock()
        self._gen: str | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def connection(self) -> tuple[str, duckdb.DuckDBPyConnection]:
        with self._lock:
            if self._con is None or generation(self.db) != self._gen:
                self._renew()
            return self._gen, self._con

    def _renew(self) -> None:
        if not self.db.exists():
            raise FileNotFoundError(
                f"Chưa có kho dữ liệu {self.db}. Chạy 'python -m warehouse seed' (hoặc 'make run') trước."
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = None
        with _flock(self.db, fcntl.LOCK_SH):
            gen = generation(self.db)
            target = self.folder / f"{self.db.stem}-{gen}{self._kind}.duckdb"
            if not target.exists():
                tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
                shutil.copyfile(self.db, tmp)
        if tmp is not None:
            if self.prepare is not None:
                self.prepare(tmp)
            os.replace(tmp, target)
        self._con = duckdb.connect(str(target), read_only=True)
        self._gen = gen
        self._remove_old(keep=target)

    def _remove_old(self, keep: Path) -> None:
        """Delete older snapshot files (open connections keep their inode alive)."""
        for old in self.folder.glob(f"{self.db.stem}-*.duckdb"):
            if old != keep and old.stat().st_mtime < time.time() - 60:
                old.unlink(missing_ok=True)
