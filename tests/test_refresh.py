"""The app's read snapshot refreshed from the previous one (warehouse/refresh.py): only the views a load reached are
turned into tables again, and the snapshot holds the same rows as one made in full, table by table."""

import shutil

import duckdb
import pytest
from fixtures import workbooks as wbk

from bench.snapshots import differing_tables
from warehouse import db, load, refresh

PLAN = {"stg_loads", "stg_targets", "mart_plan_targets", "mart_plan_year", "mart_target_attainment",
        "mart_indicator_attainment", "mart_target_summary"}
MEASURES = {"stg_measure_inputs", "mart_commune_metrics", "mart_commune_trends", "mart_province_summary"}


def assert_same_tables(a, b) -> None:
    """Two snapshot files hold the same tables with the same rows."""
    assert differing_tables(a, b) == {}


@pytest.fixture
def app_snapshot(seeded_copy, monkeypatch):
    """The sample warehouse read by an app (its snapshot prepared in full); returns the views each later
    preparation turned into tables, as a list per preparation."""
    db.prepare_next_snapshot(seeded_copy)
    prepared = []
    real = db.prepare_snapshot

    def prepare_snapshot(path):
        prepared.append(set(real(path)))
        return prepared[-1]

    monkeypatch.setattr(db, "prepare_snapshot", prepare_snapshot)
    return prepared


def full_rebuild(path, tmp_path):
    copy = tmp_path / "full.duckdb"
    shutil.copyfile(path, copy)
    db.prepare_snapshot(copy)
    return copy


def loads_of(path, dataset):
    with duckdb.connect(str(path), read_only=True) as con:
        return [r[0] for r in con.execute("select load_id from meta.loads where dataset = ? and status = 'loaded' "
                                          "and retracted_at is null order by load_id", [dataset]).fetchall()]


def test_a_load_of_each_dataset_refreshes_what_it_reaches_and_nothing_else(seeded_copy, app_snapshot, tmp_path,
                                                                           monkeypatch):
    current = lambda: db.snapshot_file(seeded_copy, db.generation(seeded_copy), db.APP_KIND)  # noqa: E731

    load.retract_path(loads_of(seeded_copy, "targets")[-1], db_file=seeded_copy)  # the province's plan
    assert app_snapshot[-1] >= PLAN and not app_snapshot[-1] & (MEASURES | {"stg_dvctt", "stg_bdhvs"})
    assert_same_tables(current(), full_rebuild(seeded_copy, tmp_path))

    # a load of dvctt or of communes reaches most rows: made in full, unless refreshing whatever a load reaches
    monkeypatch.setattr(refresh, "MAX_SHARE", 1.0)

    result = load.load_path(wbk.gov_dvctt(tmp_path / "bieu01.xlsx"), db_file=seeded_copy)  # 3 communes, Jul–Oct
    assert result.status == load.LOADED and len(app_snapshot) == 3  # (the full rebuild is the second)
    assert {"stg_dvctt"} | MEASURES <= app_snapshot[-1]
    assert not app_snapshot[-1] & {"stg_bdhvs", "stg_broadband", "stg_communes", "stg_targets", "mart_plan_targets"}
    assert_same_tables(current(), full_rebuild(seeded_copy, tmp_path))

    communes = load.REFERENCE_COMMUNES.read_text(encoding="utf-8").replace(",61559,", ",61600,", 1)  # Cẩm Thành
    (tmp_path / "communes.csv").write_text(communes, encoding="utf-8")
    assert load.load_path(tmp_path / "communes.csv", "communes", db_file=seeded_copy).status == load.LOADED
    assert {"stg_communes", "stg_former_units"} | MEASURES <= app_snapshot[-1]  # population: every per-capita rate
    assert not app_snapshot[-1] & {"stg_dvctt", "stg_bdhvs", "stg_broadband", "stg_targets", "ref_indicator_metrics"}
    assert_same_tables(current(), full_rebuild(seeded_copy, tmp_path))


def test_what_a_view_reads_and_what_a_change_reaches():
    tables = {"raw.dvctt", "raw.targets", "meta.loads", "meta.qualifiers", "main.ref_measures"}
    reads = refresh.reads(tables)
    assert reads["stg_loads"] == {("meta.loads", None)}
    assert reads["stg_dvctt"] == {("raw.dvctt", None), ("stg_loads", "dvctt")}  # through latest_counted
    assert ("main.ref_measures", None) in reads["mart_commune_metrics"]
    assert ("clock.date", None) in reads["stg_communes"]  # is_current: valid_to > current_date
    assert {"stg_communes", "mart_plan_year"} <= set(refresh.stale_views({"clock.date": refresh.ALL}, tables))
    targets = refresh.stale_views({"raw.targets": frozenset({"targets"}), "meta.loads": frozenset({"targets"})},
                                  tables)
    assert set(targets) >= PLAN and not set(targets) & MEASURES
    assert set(refresh.stale_views({"main.ref_measures": refresh.ALL}, tables)) >= MEASURES - {"stg_measure_inputs"}


def test_changes_name_the_datasets_whose_rows_differ():
    before = {("raw.dvctt", ""): "ddl", ("raw.dvctt", "dvctt"): "|3:10", ("meta.loads", ""): "ddl",
              ("meta.loads", "dvctt"): "|1:5", ("meta.loads", "targets"): "|1:7"}
    now = {**before, ("meta.loads", "targets"): "|2:9", ("raw.targets", ""): "ddl"}
    assert refresh.changes(before, now) == {"meta.loads": frozenset({"targets"}), "raw.targets": refresh.ALL}
