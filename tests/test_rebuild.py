"""A changed sql/ reaches the app and the warehouse without `build`: snapshots rebuild their copy, writes the live file."""

import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse import db, models
from warehouse.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
ANSWER = "-- one row; key (none: a single row)\nselect 42 as answer\n"


@pytest.fixture
def sql_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of sql/ that the warehouse code reads instead of the project's ($WAREHOUSE_SQL_DIR)."""
    folder = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", folder)
    monkeypatch.setenv("WAREHOUSE_SQL_DIR", str(folder))
    monkeypatch.setattr(models, "SQL_RECHECK_S", 0)  # the tests edit the files within the second
    return folder


def edit(sql: Path) -> None:
    """A new view, and a new column in an existing one."""
    (sql / "marts" / "mart_answer.sql").write_text(ANSWER, encoding="utf-8")
    plan_year = sql / "marts" / "mart_plan_year.sql"
    text = plan_year.read_text(encoding="utf-8")
    plan_year.write_text(text.replace("select * from plan_year", "select *, 'edited' as edition from plan_year"),
                         encoding="utf-8")


def views_of(con) -> set[str]:
    return {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}


def sees_the_edit(con) -> bool:
    return (con.execute("select edition from mart_plan_year").fetchone() == ("edited",)
            and con.execute("select answer from mart_answer").fetchone() == (42,))


def test_the_hash_follows_names_and_contents(sql_copy):
    before = models.sql_hash()
    assert models.sql_hash() == before
    edit(sql_copy)
    edited = models.sql_hash()
    assert edited != before
    (sql_copy / "marts" / "mart_answer.sql").rename(sql_copy / "marts" / "mart_answer_renamed.sql")
    assert models.sql_hash() not in (before, edited)


def test_a_server_looks_at_the_files_again_at_most_every_recheck(sql_copy, monkeypatch):
    before = models.sql_hash()
    monkeypatch.setattr(models, "SQL_RECHECK_S", 600)
    edit(sql_copy)
    assert models.sql_hash() == before  # asked again within the period: the files are not looked at
    monkeypatch.setattr(models, "SQL_RECHECK_S", 0)
    assert models.sql_hash() != before


def test_a_snapshot_shows_changed_sql_without_build(seeded_copy, sql_copy):
    snapshots = db.Snapshots(seeded_copy, prepare=db.prepare_snapshot)
    gen, con = snapshots.connection()
    assert "mart_answer" not in {r[0] for r in con.execute("show tables").fetchall()}
    edit(sql_copy)
    new_gen, con = snapshots.connection()
    assert new_gen != gen  # a new copy, although the warehouse file did not change
    assert sees_the_edit(con)
    with duckdb.connect(str(seeded_copy), read_only=True) as live:  # readers never write the live file
        assert "mart_answer" not in views_of(live) and models.built_hash(live) != models.sql_hash()


def test_a_write_command_rebuilds_the_live_file(seeded_copy, sql_copy, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    with duckdb.connect(str(seeded_copy), read_only=True) as live:
        [(load_id,)] = live.execute("select max(load_id) from meta.loads where status = 'loaded'").fetchall()
    edit(sql_copy)
    assert main(["--user", "test", "retract", str(load_id)]) == 0
    with duckdb.connect(str(seeded_copy), read_only=True) as live:
        assert sees_the_edit(live) and models.built_hash(live) == models.sql_hash()


def test_unchanged_sql_is_not_rebuilt_and_a_removed_file_drops_its_view(seeded_copy, sql_copy):
    with db.write_connection(seeded_copy) as con:
        built_at = con.execute("select built_at from meta.build").fetchone()
        assert not models.ensure_current(con)
        assert con.execute("select built_at from meta.build").fetchone() == built_at
    edit(sql_copy)
    with db.write_connection(seeded_copy) as con:
        assert "mart_answer" in views_of(con) and not models.ensure_current(con)
    (sql_copy / "marts" / "mart_answer.sql").unlink()
    with db.write_connection(seeded_copy) as con:
        assert "mart_answer" not in views_of(con) and views_of(con) == {p.stem for p in models.view_files()}


def test_a_broken_file_is_named_and_changes_nothing(seeded_copy, sql_copy):
    edit(sql_copy)
    (sql_copy / "marts" / "mart_broken.sql").write_text("-- key (none)\nselect nothing from nowhere\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mart_broken"), db.write_connection(seeded_copy):
        pass
    with duckdb.connect(str(seeded_copy), read_only=True) as live:  # all views or none: the old ones stay
        assert "mart_answer" not in views_of(live)
        assert "edition" not in [r[0] for r in live.execute("describe mart_plan_year").fetchall()]
