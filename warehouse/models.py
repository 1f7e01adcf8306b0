"""Create the seeds and views of sql/: seed tables first, then views in dependency order.

A macro (sql/macros/NAME.sql, a `create or replace macro NAME …` statement) is SQL several views share,
such as latest_counted, the staging views' "latest counted load wins"; a view that calls one depends on
the views the macro reads. A seed (sql/seeds/NAME.csv) is a reviewed list kept as a file, loaded as the table NAME:
ref_measures is the catalogue of measures that the marts compute and the pages show
(warehouse/metrics.py reads the same file). A view's dependencies are the other views
its SQL names, so a new file needs no registration: drop it into sql/staging or
sql/marts. The warehouse records
the hash of the sql/ files it was built from (meta.build); a warehouse whose
hash differs from the files is rebuilt before use (ensure_current: by every
write connection, and on the app's snapshot copies by db.prepare_snapshot).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from datetime import datetime
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

DEFAULT_SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
LAYERS = ("staging", "marts")
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}  # no network: nothing installed


def sql_dir() -> Path:
    """The folder of the view files: $WAREHOUSE_SQL_DIR or the project's sql/."""
    return Path(os.environ.get("WAREHOUSE_SQL_DIR") or DEFAULT_SQL_DIR)


def view_files() -> list[Path]:
    """Every view file, layer by layer."""
    root = sql_dir()
    return [path for layer in LAYERS for path in sorted((root / layer).glob("*.sql"))]


def macro_files() -> list[Path]:
    """Every macro file (sql/macros/*.sql), each one `create or replace macro` statement named as its file."""
    return sorted((sql_dir() / "macros").glob("*.sql"))


def seed_files() -> list[Path]:
    """Every seed file (sql/seeds/*.csv), loaded as a table of the file's name."""
    return sorted((sql_dir() / "seeds").glob("*.csv"))


def _digest(texts: dict[Path, str]) -> str:
    digest = hashlib.sha256()
    for path, text in texts.items():
        digest.update(f"{path.parent.name}/{path.name}\0{text}\0".encode())
    return digest.hexdigest()


_hash_cache: dict[tuple, str] = {}
SQL_RECHECK_S = 1.0  # the files are looked at again at most this often (every cached read of a page asks)
_last_check: tuple[Path, float, str] | None = None  # (folder, when, hash)


def sql_hash() -> str:
    """The hash of the seed and view files' names and contents, read again only when a file's mtime or size
    changed, and their mtimes looked at again at most every SQL_RECHECK_S (≈ 40 files: 0,5 ms a time)."""
    global _last_check
    last, now, folder = _last_check, time.monotonic(), sql_dir()
    if last is not None and last[0] == folder and now - last[1] < SQL_RECHECK_S:
        return last[2]
    files = seed_files() + macro_files() + view_files()
    stamp = tuple((str(path), st.st_mtime_ns, st.st_size) for path in files for st in [path.stat()])
    digest = _hash_cache.get(stamp)
    if digest is None:  # (sessions run in threads: the value returned never depends on another's update)
        digest = _digest({path: path.read_text(encoding="utf-8") for path in files})
        _hash_cache.clear()
        _hash_cache[stamp] = digest
    _last_check = (folder, now, digest)
    return digest


_COMMENT_OR_STRING = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def code(text: str) -> str:
    """SQL without its `--` comments (string literals kept: 'raw.dvctt' is a read), lower-case."""
    return _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0).startswith("'") else "", text).lower()


def words(path: Path) -> set[str]:
    """The names a SQL file uses outside comments: identifiers, and `schema.table` as well as its two parts."""
    dotted = set(re.findall(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?", code(path.read_text(encoding="utf-8"))))
    return dotted | {part for word in dotted for part in word.split(".")}


def dependencies(files: list[Path]) -> dict[str, set[str]]:
    """View name → the other views its SQL references (as whole words), and those of the macros it calls."""
    names = {path.stem for path in files}
    macros = {path.stem: words(path) & names for path in macro_files()}
    deps = {}
    for path in files:
        used = words(path)
        called = set().union(*(macros[name] for name in used & set(macros)))
        deps[path.stem] = ((used | called) & names) - {path.stem}
    return deps


def build_order(files: list[Path] | None = None) -> list[Path]:
    files = files if files is not None else view_files()
    by_name = {path.stem: path for path in files}
    order = TopologicalSorter(dependencies(files)).static_order()
    return [by_name[name] for name in order]


def build(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every view of sql/ in one transaction, drop views no file defines any more, and record
    the files' hash in meta.build. Returns the views' names in the order built."""
    seeds, macros = seed_files(), macro_files()
    texts = {path: path.read_text(encoding="utf-8") for path in seeds + macros + view_files()}
    order = build_order(list(texts)[len(seeds) + len(macros):])
    names = {path.stem for path in order}
    con.begin()
    try:
        for name in set(_views(con)) - names:
            quoted = '"' + name.replace('"', '""') + '"'
            con.execute(f"drop view {quoted}")
        for path in seeds:
            _create_seed(con, path)
        for path in macros:
            _create_macro(con, path, texts[path])
        for path in order:
            _create_view(con, path, texts[path])
        con.execute("create schema if not exists meta")
        con.execute("create or replace table meta.build (sql_hash varchar not null, built_at timestamp not null)")
        con.execute("insert into meta.build values (?, ?)", [_digest(texts), datetime.now()])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return [path.stem for path in order]


def _views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The views of the database's main schema."""
    return [row[0] for row in con.execute(
        "select view_name from duckdb_views() where not internal and not temporary and schema_name = 'main' "
        "and database_name = current_database()").fetchall()]


def _create_seed(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The table of a seed file: header row, types detected (booleans, numbers, text), empty cells null."""
    con.execute(f"create or replace table {path.stem} as select * from read_csv(?, header = true, quote = '\"')",
                [str(path)])


def _create_macro(con: duckdb.DuckDBPyConnection, path: Path, text: str) -> None:
    try:
        con.execute(text.strip().rstrip(";"))
    except duckdb.Error as exc:
        raise ValueError(f"Không tạo được macro {path.stem} từ {path}: {exc}") from exc


def _create_view(con: duckdb.DuckDBPyConnection, path: Path, text: str) -> None:
    try:
        con.execute(f"create or replace view {path.stem} as\n{text.strip().rstrip(';')}")
    except duckdb.Error as exc:
        raise ValueError(f"Không tạo được view {path.stem} từ {path}: {exc}") from exc


def built_hash(con: duckdb.DuckDBPyConnection) -> str | None:
    """The hash of the sql/ files the views of this database were built from (None: never recorded)."""
    recorded = con.execute("select count(*) from duckdb_tables() where database_name = current_database() "
                           "and schema_name = 'meta' and table_name = 'build'").fetchone()[0]
    row = con.execute("select sql_hash from meta.build").fetchone() if recorded else None
    return row[0] if row else None


def ensure_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the views when sql/ differs from what they were built from; True when it rebuilt."""
    if built_hash(con) == sql_hash():
        return False
    build(con)
    return True


def materialise(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Replace every view by a table of its rows, in dependency order, in one transaction.

    For a read-only copy of the warehouse (the app's snapshot), never for the live
    file: the views stay the definition, loads keep writing raw tables only. At
    national scale (3.321 communes × 104 snapshots) a page's queries then take
    milliseconds instead of ~1 s each.
    """
    existing = set(_views(con))
    done = []
    con.begin()
    try:
        for path in build_order():
            if path.stem in existing:
                con.execute(f"create table materialised_view as select * from {path.stem}")
                con.execute(f"drop view {path.stem}")
                con.execute(f"alter table materialised_view rename to {path.stem}")
                done.append(path.stem)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return done



def rematerialise(con: duckdb.DuckDBPyConnection, names: set[str]) -> list[str]:
    """Turn the views `names` into tables again from their files, in dependency order, on a snapshot whose views
    are all tables already (the others are read as they are); in the caller's transaction."""
    done = []
    for path in build_order():
        if path.stem in names:
            text = path.read_text(encoding="utf-8").strip().rstrip(";")
            con.execute(f"create or replace table {path.stem} as\n{text}")
            done.append(path.stem)
    return done


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a snapshot being prepared, printing no progress bar (a load from the CLI)."""
    con = duckdb.connect(str(path), config=CONFIG)
    con.execute("set enable_progress_bar = false")
    return con
