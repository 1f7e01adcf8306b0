"""The app's read snapshot turns the views into tables: the same rows, no views left, the live file untouched."""

import shutil

import duckdb
from pandas.testing import assert_frame_equal

from warehouse import db, models


def views_of(con) -> set[str]:
    return {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}


def test_materialised_copy_holds_the_rows_of_the_views(seeded_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(seeded_db, copy)
    db.prepare_snapshot(copy)
    with duckdb.connect(str(seeded_db), read_only=True) as live, duckdb.connect(str(copy), read_only=True) as snap:
        names = views_of(live)
        assert names == {p.stem for p in models.view_files()} and views_of(snap) == set()
        for name in sorted(names):
            expected = live.execute(f"select * from {name} order by all").df()
            assert_frame_equal(snap.execute(f"select * from {name} order by all").df(), expected, check_dtype=False,
                               obj=name)


def test_snapshots_prepare_each_new_copy_once(seeded_copy):
    prepared = []

    def prepare(path):
        prepared.append(path)
        db.prepare_snapshot(path)

    snapshots = db.Snapshots(seeded_copy, prepare=prepare)
    gen, con = snapshots.connection()
    assert snapshots.connection()[0] == gen and len(prepared) == 1  # same generation: same snapshot
    rows = "select count(*) from mart_commune_metrics where metric = 'online_rate_pct' and not is_former"
    assert con.execute(rows).fetchone()[0] == 384
    with duckdb.connect(str(seeded_copy), read_only=True) as live:
        assert "mart_commune_metrics" in views_of(live)  # the live file keeps its views
