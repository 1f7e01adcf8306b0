"""Benchmark: the app's read snapshot prepared after a load of each dataset at national scale, in full (copy and
every view turned into a table) and refreshed from the previous snapshot (only the views the load reached),
and whether the two hold the same rows, table by table.

    .venv/bin/python bench/snapshots.py [--db bench/out/national.duckdb] [--max-share 1]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import national  # noqa: E402
from bench.summary import save  # noqa: E402
from warehouse import db, load, refresh  # noqa: E402


def one_more_load(con, dataset: str, step: int) -> None:
    """A load of `dataset` as a new file brings it: the next month, snapshot date, or the communes again."""
    rng = np.random.default_rng(step)
    communes = national.communes_frame(np.random.default_rng(20251118))
    month = national.LAST_MONTH_END + timedelta(days=31 * step)
    if dataset == "dvctt":
        frame = national.dvctt_frame(communes, date(month.year, month.month, 28), national.N_MONTHS, rng)
    elif dataset == "broadband":
        frame = national.broadband_frame(communes, date(month.year, month.month, 28), national.N_MONTHS, rng)
    elif dataset == "bdhvs":
        base = communes["population"].to_numpy() * 0.05
        snapshot = national.LAST_SNAPSHOT + timedelta(weeks=step)
        frame = national.bdhvs_frame(communes, snapshot, national.N_SNAPSHOTS - 1, base)
    else:
        frame = communes
    national._record(con, dataset, f"{dataset}_more_{step}.xlsx", frame)


def load_dataset(path: Path, dataset: str, step: int) -> None:
    if dataset == "targets":  # the sample plan once more, for the province, through the load path
        result = load.load_path(load.SAMPLES_DIR / "targets.xlsx", "targets", db_file=path, loaded_by="bench",
                                unit="tỉnh")
        assert result.status == load.LOADED, result.summary()
        return
    with db.write_connection(path) as con:
        one_more_load(con, dataset, step)


PREPARED: list[tuple[float, list[str]]] = []  # (seconds, views turned into tables) of each preparation


def timed_prepare(prepare):
    def prepare_snapshot(path: Path) -> list[str]:
        t0 = time.perf_counter()
        views = prepare(path)
        PREPARED.append((time.perf_counter() - t0, views))
        return views
    return prepare_snapshot


def prepared(path: Path) -> tuple[float, list[str], Path]:
    """(seconds, views turned into tables, file) of the app's snapshot of `path` as it is now (prepared by the
    load itself when it went through db.loading)."""
    target = db.prepare_next_snapshot(path)
    seconds, views = PREPARED[-1]
    return seconds, views, target


def full(path: Path, folder: Path) -> tuple[float, Path]:
    """(seconds, file) of a snapshot made without a previous one: every view turned into a table."""
    copy = folder / "full.duckdb"
    shutil.copyfile(path, copy)
    db.prepare_snapshot(copy)
    return PREPARED[-1][0], copy


def rows_differing(con, name: str) -> int:
    """Rows of table `name` in the attached `one` and not in `other`, or the reverse (as multisets), doubles to 6
    decimals: DuckDB adds them in whatever order its threads finish, so two full rebuilds differ in the last bit."""
    schema, table = name.split(".")
    columns = ", ".join(f'round("{c}", 6)' if t == "DOUBLE" else f'"{c}"' for c, t in con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'one' and schema_name = ? "
        "and table_name = ? order by column_index", [schema, table]).fetchall())
    one, other = (f"select {columns} from {database}.{name}" for database in ("one", "other"))
    return con.execute(f"select count(*) from (({one} except all {other}) union all ({other} except all {one}))"
                       ).fetchone()[0]


def tables_of(con, database: str) -> list[str]:
    """The tables of an attached snapshot but the records of how it was made (meta.build, meta.snapshot_inputs)."""
    return [f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? "
        "and not (schema_name = 'meta' and table_name in ('build', 'snapshot_inputs')) order by all",
        [database]).fetchall()]


def differing_tables(a: Path, b: Path) -> dict[str, int]:
    """Table → rows that differ between two snapshot files (a table of one file only: -1)."""
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"attach '{a}' as one (read_only)")
        con.execute(f"attach '{b}' as other (read_only)")
        both = set(tables_of(con, "other"))
        differ = {name: rows_differing(con, name) if name in both else -1 for name in tables_of(con, "one")}
        differ |= {name: -1 for name in both - set(differ)}
    return {name: n for name, n in differ.items() if n}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a national warehouse (made by bench/national.py when absent)")
    parser.add_argument("--max-share", type=float, default=refresh.MAX_SHARE,
                        help="refresh when the views reached hold at most this share of the rows (1: always)")
    args = parser.parse_args(argv)
    refresh.MAX_SHARE = args.max_share
    real = db.prepare_snapshot
    db.prepare_snapshot = timed_prepare(real)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "warehouse.duckdb"
        if args.db and args.db.exists():
            shutil.copyfile(args.db, path)
        else:
            national.generate(path)
        seconds, views, _ = prepared(path)
        print(f"first snapshot: {seconds:,.1f} s ({len(views)} views)", file=sys.stderr)
        for step, dataset in enumerate(("targets", "dvctt", "broadband", "bdhvs", "communes"), start=1):
            load_dataset(path, dataset, step)
            after, views, target = prepared(path)
            before, full_file = full(path, folder)
            differ = sorted(differing_tables(full_file, target))
            results[dataset] = {"full_s": round(before, 2), "refresh_s": round(after, 2), "views": views,
                                "differ": differ}
            print(f"load of {dataset}: full {before:,.1f} s, refreshed {after:,.1f} s "
                  f"({len(views)} views: {', '.join(views)}); {target.stat().st_size / 1e6:,.0f} MB; "
                  f"tables that differ: {differ or 'none'}", file=sys.stderr)
            full_file.unlink()
    db.prepare_snapshot = real
    save("snapshots", results)
    return results


if __name__ == "__main__":
    main()
