"""A read snapshot made from the previous one: only the views a write reached are turned into tables again.

The app's snapshot (db.prepare_snapshot) is the warehouse with every view of sql/ turned into a table. It
records in meta.snapshot_inputs a fingerprint of each base table it was made from: the table's DDL, and its
row count and sum of row hashes, per dataset for a table whose rows belong to a load (a load_id column:
raw.*, meta.loads, meta.qualifiers; split by the load's dataset). The next snapshot starts from a copy of
that file: the base tables whose fingerprint changed are copied from the warehouse, and only the views that
read them, directly or through other views, are turned into tables again, in dependency order; the others
are kept. A load of targets rebuilds stg_loads, stg_targets and the plan marts, not the BDHVS rows.

What a view reads is found in its SQL, comments aside: the views it names, base tables named
`schema.table` (raw.dvctt, meta.qualifiers) or bare (ref_measures, a seed), and what its macros read. One
refinement: latest_counted('raw.X', keys) reads stg_loads for the loads of raw.X only (stg_loads is one row
per row of meta.loads, its dataset kept), so a view calling it reads the loads of dataset X, not every load.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from pathlib import Path

import duckdb

from warehouse import models

INPUTS = "meta.snapshot_inputs"
# a macro that reads a view only for the dataset of the raw table it is given: macro → that view
SCOPED_MACROS = {"latest_counted": "stg_loads"}
MAX_SHARE = 0.5  # a snapshot is refreshed when the views a change reaches hold at most this share of the rows
ALL = None  # the datasets a change touched: a frozenset of names, or ALL (any row may have changed)
# a view that reads the clock is reached when the day (or, for the time of day, any moment) has changed
CLOCK = {"clock.date": r"\b(current_date|today)\b",
         "clock.time": r"\b(current_timestamp|current_time|now|get_current_timestamp|get_current_time|localtime|"
                       r"localtimestamp)\b"}
log = logging.getLogger(__name__)

_BASE_TABLES = """
select schema_name, table_name, sql, exists (
    select 1 from duckdb_columns() as c where c.database_name = t.database_name and c.schema_name = t.schema_name
        and c.table_name = t.table_name and c.column_name = 'load_id') as has_load_id,
from duckdb_tables() as t
where database_name = current_database() and not temporary
"""


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(schema.table, dataset) → fingerprint of every base table, dataset '' for the table's DDL and its rows
    that belong to no dataset; the rows of a table with a load_id column by the dataset of their load. And the
    clock: the day, the time."""
    day, moment = con.execute("select cast(current_date as varchar), cast(current_timestamp as varchar)").fetchone()
    out: dict[tuple[str, str], str] = {("clock.date", ""): day, ("clock.time", ""): moment}
    for schema, table, ddl, has_load_id in con.execute(_BASE_TABLES).fetchall():
        name = f"{schema}.{table}"
        if name == INPUTS:
            continue
        out[(name, "")] = hashlib.sha256(ddl.encode()).hexdigest()[:16]
        dataset = "l.dataset" if has_load_id else "null"
        join = " left join meta.loads as l on l.load_id = t.load_id" if has_load_id else ""
        rows = con.execute(f'select {dataset}, count(*), sum(hash(t)) from "{schema}"."{table}" as t{join} '
                           "group by all").fetchall()
        for key, n, total in rows:
            out[(name, key or "")] = out.get((name, key or ""), "") + f"|{n}:{total}"
    return out


def record(con: duckdb.DuckDBPyConnection, inputs: dict[tuple[str, str], str]) -> None:
    """Write the fingerprints the snapshot was made from into meta.snapshot_inputs."""
    con.execute(f"create or replace table {INPUTS} (table_name varchar, dataset varchar, fingerprint varchar)")
    con.execute(f"insert into {INPUTS} select unnest(?), unnest(?), unnest(?)",
                [[name for name, _ in inputs], [dataset for _, dataset in inputs], list(inputs.values())])


def recorded(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str] | None:
    """The fingerprints a snapshot was made from; None when it has none or its views came from other sql/."""
    schema, table = INPUTS.split(".")
    found = con.execute("select count(*) from duckdb_tables() where database_name = current_database() "
                        "and schema_name = ? and table_name = ?", [schema, table]).fetchone()[0]
    if not found or models.built_hash(con) != models.sql_hash():
        return None
    return {(name, dataset): value for name, dataset, value in con.execute(f"select * from {INPUTS}").fetchall()}


def changes(before: dict[tuple[str, str], str], now: dict[tuple[str, str], str]) -> dict[str, frozenset | None]:
    """Base table → the datasets whose rows differ (ALL: its DDL, or rows of no dataset, or it came or went)."""
    out: dict[str, frozenset | None] = {}
    for name, dataset in before.keys() | now.keys():
        if before.get((name, dataset)) == now.get((name, dataset)):
            continue
        if dataset == "" or out.get(name, frozenset()) is ALL:
            out[name] = ALL
        else:
            out[name] = out.get(name, frozenset()) | {dataset}
    return out


def reads(tables: set[str]) -> dict[str, set[tuple[str, str | None]]]:
    """View → what its SQL and its macros read: (view or schema.table, the dataset it reads of it or None)."""
    files = models.view_files()
    views = {path.stem for path in files}
    macros = {path.stem: path for path in models.macro_files()}
    out = {}
    for path in files:
        used = models.words(path)
        called = used & set(macros)
        for name in called:
            used = used | (models.words(macros[name]) - {SCOPED_MACROS.get(name)})
        named = {(word, None) for word in used if word in views or word in tables}
        named |= {(f"main.{word}", None) for word in used if f"main.{word}" in tables}
        text = " ".join(models.code(p.read_text(encoding="utf-8")) for p in [path, *(macros[m] for m in called)])
        named |= {(clock, None) for clock, pattern in CLOCK.items() if re.search(pattern, text)}
        out[path.stem] = (named - {(path.stem, None)}) | _scoped_reads(path, called)
    return out


def _scoped_reads(path: Path, called: set[str]) -> set[tuple[str, str | None]]:
    """(view, dataset) for each call of a scoped macro: latest_counted('raw.dvctt', …) reads stg_loads of dvctt
    (of every dataset when its argument is not a raw table written out)."""
    text = models.code(path.read_text(encoding="utf-8"))
    out = set()
    for macro in called & set(SCOPED_MACROS):
        for argument in re.findall(rf"\b{macro}\s*\(\s*([^,]*)", text):
            raw = re.fullmatch(r"'raw\.([a-z_][a-z0-9_]*)'", argument.strip())
            out.add((SCOPED_MACROS[macro], raw.group(1) if raw else None))
    return out


def stale_views(changed: dict[str, frozenset | None], tables: set[str]) -> list[str]:
    """The views a change of these base tables reaches, in build order (following the datasets each change is
    about through the views it reaches, for a read of one dataset's rows)."""
    touched: dict[str, frozenset | None] = dict(changed)
    read = reads(tables)
    out = []
    for path in models.build_order():
        datasets: frozenset | None = frozenset()
        hit = False
        for name, scope in read[path.stem]:
            reached = touched.get(name, frozenset())
            if reached is ALL or (reached and (scope is None or scope in reached)):
                hit = True
                seen = reached if scope is None else frozenset({scope})
                datasets = ALL if datasets is ALL or seen is ALL else datasets | seen
        if hit:
            touched[path.stem] = datasets
            out.append(path.stem)
    return out


def from_previous(previous: Path, path: Path, inputs: dict[tuple[str, str], str]) -> list[str] | None:
    """Make `path` (a copy of the warehouse, schema and views current, whose base tables have these
    fingerprints) the app's snapshot from `previous`, the one before: a copy of it, the changed base tables
    copied from `path`, the views they reach turned into tables again. Returns those views; None, with `path`
    left as it was, when `previous` cannot serve (gone, built from other sql/, every view reached)."""
    following = path.with_name(path.name + ".next")
    try:
        shutil.copyfile(previous, following)
        con = models.open_snapshot(following)
        try:
            rebuilt = _refresh(con, path, inputs)
        finally:
            con.close()
        if rebuilt is not None:
            os.replace(following, path)
        return rebuilt
    except (OSError, duckdb.Error) as exc:  # the previous file removed meanwhile, or unreadable: in full instead
        log.warning("refreshing %s from %s failed (%s); every view is materialised instead", path, previous, exc)
        return None
    except Exception:  # a fault here must not cost the snapshot: made in full
        log.exception("refreshing %s from %s failed; every view is materialised instead", path, previous)
        return None
    finally:
        following.unlink(missing_ok=True)
        following.with_name(following.name + ".wal").unlink(missing_ok=True)


def _refresh(con: duckdb.DuckDBPyConnection, source: Path, inputs: dict[tuple[str, str], str]) -> list[str] | None:
    """On a copy of the previous snapshot: the base tables that changed copied from `source`, the views they
    reach materialised again, the new fingerprints recorded; one transaction. None when not worth it."""
    before = recorded(con)
    if before is None:
        return None
    changed = changes(before, inputs)
    stale = stale_views(changed, {name for name, _ in inputs})
    if not _worth_it(con, stale):
        return None
    con.execute(f"attach '{str(source).replace(chr(39), chr(39) * 2)}' as source (read_only)")
    con.begin()
    try:
        for name in set(changed) - set(CLOCK):
            _copy_table(con, name, inputs)
        rebuilt = models.rematerialise(con, set(stale))
        record(con, inputs)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    con.execute("detach source")
    return rebuilt


def _worth_it(con: duckdb.DuckDBPyConnection, stale: list[str]) -> bool:
    """Whether the views to rebuild hold at most MAX_SHARE of the views' rows (DuckDB's estimate). Beyond, a full
    rebuild takes as long (at national scale a load of dvctt reaches 96 % of the 10,4 million rows: ≈ 20 s either way) and
    writes a compact file, where a refresh would leave the old tables' blocks free in its copy (twice the size)."""
    sizes = dict(con.execute("select table_name, estimated_size from duckdb_tables() "
                             "where database_name = current_database() and schema_name = 'main'").fetchall())
    rows = {path.stem: sizes.get(path.stem, 0) for path in models.view_files()}
    return sum(rows[name] for name in stale) <= MAX_SHARE * sum(rows.values())


def _copy_table(con: duckdb.DuckDBPyConnection, name: str, inputs: dict[tuple[str, str], str]) -> None:
    """The base table `name` as it is in the attached `source` (dropped when it is no longer there)."""
    schema, table = name.split(".")
    quoted = f'"{schema}"."{table}"'
    con.execute(f"drop table if exists {quoted}")
    if (name, "") not in inputs:
        return
    ddl = con.execute("select sql from duckdb_tables() where database_name = 'source' and schema_name = ? "
                      "and table_name = ?", [schema, table]).fetchone()[0]
    con.execute(f'create schema if not exists "{schema}"')
    con.execute(ddl)
    con.execute(f"insert into {quoted} select * from source.{quoted}")
