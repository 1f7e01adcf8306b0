"""No viewer waits for a load: the loader prepares the app's next snapshot after its commit, readers keep the
one they have until it is on disk, and a new generation takes over atomically (issue 13). Timings: bench/."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from warehouse import db, dropdir, load

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
          "Tiếp nhận trực tiếp và bưu chính"]
MO_CAY = "select value from mart_commune_metrics where metric = 'online_rate_pct' and commune_code = '21421' " \
         "and period_end = date '2025-10-30'"


def resend(make_xlsx, online: int, name: str = "resend.xlsx") -> Path:
    """Mỏ Cày's DVCTT for 01/07–30/10/2025 again, with `online` of its 3.781 dossiers received online."""
    return make_xlsx([HEADER, ["21421", "01/07/2025", "30/10/2025", 3781, online, 3781 - online]], name)


def app_file(path: Path) -> Path:
    """The app's snapshot of the warehouse as it is now."""
    return db.snapshot_file(path, db.generation(path), db.APP_KIND)


def in_thread(fn):
    """fn() run in another thread (as another Streamlit session): its result."""
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join(60)
    return out[0]


def test_a_load_prepares_the_apps_next_snapshot_and_the_app_opens_it(seeded_copy, make_xlsx):
    app = db.Snapshots(seeded_copy, prepare=db.prepare_snapshot)
    gen, con = app.connection()
    assert round(con.execute(MO_CAY).fetchone()[0], 1) == 86.6
    renewed = []
    app.on_renew.append(renewed.append)
    assert load.load_path(resend(make_xlsx, 3781), db_file=seeded_copy, loaded_by="test").status == load.LOADED
    assert app_file(seeded_copy).exists()  # made by the loader, before it returned

    prepared = []

    def prepare_snapshot(path):  # the same kind of snapshot; a reader that had to prepare it would show here
        prepared.append(path)

    app.prepare = prepare_snapshot
    new_gen, new_con = app.connection()
    assert new_gen != gen and new_con is not con and prepared == []
    assert new_con.execute(MO_CAY).fetchone()[0] == 100.0
    assert renewed == [new_gen]  # what ui may clear its caches on


def test_without_an_app_the_loader_prepares_nothing(db_file, make_xlsx):
    assert load.load_path(resend(make_xlsx, 3276), db_file=db_file, loaded_by="test").status == load.LOADED
    assert not (db_file.parent / ".snapshots").exists() or not any((db_file.parent / ".snapshots").iterdir())


def test_readers_keep_their_snapshot_while_a_loader_writes(seeded_copy):
    app = db.Snapshots(seeded_copy, prepare=db.prepare_snapshot)
    gen, con = app.connection()
    [(load_id,)] = con.execute("select max(load_id) from meta.loads where dataset = 'dvctt' and status = 'loaded'"
                               ).fetchall()
    with db.loading(seeded_copy):
        with db.write_connection(seeded_copy) as live:
            load.retract(live, load_id, by="test")
        assert db.generation(seeded_copy) != gen
        t0 = time.perf_counter()
        assert in_thread(app.connection) == (gen, con)  # another session: the previous snapshot, at once
        assert time.perf_counter() - t0 < 30
        assert not app_file(seeded_copy).exists()
    assert app_file(seeded_copy).exists()  # prepared when the loader was done
    new_gen, new_con = in_thread(app.connection)
    assert new_gen == db.generation(seeded_copy)
    assert new_con.execute("select count(*) from meta.loads where retracted_at is not null").fetchone()[0] == 1


def test_a_write_outside_the_loader_is_prepared_by_one_reader_the_others_keep_theirs(seeded_copy):
    app = db.Snapshots(seeded_copy, prepare=db.prepare_snapshot)
    gen, con = app.connection()
    with db.write_connection(seeded_copy) as live:  # as a restore or `python -m warehouse build` writes
        live.execute("update meta.loads set loaded_by = 'x' where load_id = 1")
    started, release = threading.Event(), threading.Event()

    def slow(path):
        started.set()
        release.wait(60)
        db.prepare_snapshot(path)

    app.prepare = slow
    preparing = threading.Thread(target=app.connection)
    preparing.start()
    assert started.wait(60)
    assert in_thread(app.connection) == (gen, con)  # no second session waits for the first one's preparation
    release.set()
    preparing.join(60)
    assert app.connection()[0] == db.generation(seeded_copy) != gen


def test_old_snapshot_files_are_removed_when_a_new_generation_takes_over(seeded_copy, make_xlsx, monkeypatch):
    monkeypatch.setattr(db, "SNAPSHOT_GRACE_S", 0.0)
    app = db.Snapshots(seeded_copy, prepare=db.prepare_snapshot)
    plain = db.Snapshots(seeded_copy)  # what `python -m warehouse loads` reads: a snapshot of its own kind
    app.connection()
    plain.connection()
    for i, online in enumerate((3000, 3100)):
        load.load_path(resend(make_xlsx, online, f"r{i}.xlsx"), db_file=seeded_copy, loaded_by="test")
        app.connection()
    files = sorted(p.name for p in (seeded_copy.parent / ".snapshots").iterdir())
    assert files == sorted([app_file(seeded_copy).name, *[n for n in files if not n.endswith(f"{db.APP_KIND}.duckdb")]])
    assert len(files) == 2  # the app's current one, and the plain copy the other reader still uses


def test_load_dir_prepares_the_snapshot_once_after_its_last_file(seeded_copy, tmp_path, make_xlsx, monkeypatch):
    db.prepare_next_snapshot(seeded_copy)  # an app reads this warehouse
    calls = []
    real = db.prepare_next_snapshot
    monkeypatch.setattr(db, "prepare_next_snapshot", lambda path=None: calls.append(path) or real(path))
    folder = tmp_path / "drop"
    folder.mkdir()
    for i, online in enumerate((3000, 3100, 3200)):
        path = resend(make_xlsx, online, f"r{i}.xlsx")
        os.replace(path, folder / path.name)
        os.utime(folder / path.name, (time.time() - 60, time.time() - 60))
    report = dropdir.load_dir(folder, db_file=seeded_copy, loaded_by="test")
    assert report.count(dropdir.LOADED) == 3 and len(calls) == 1
    with duckdb.connect(str(app_file(seeded_copy)), read_only=True) as snap:
        assert round(snap.execute(MO_CAY).fetchone()[0], 2) == round(100 * 3200 / 3781, 2)


def test_start_up_prepares_the_snapshot_before_the_server_serves(seeded_copy):
    env = {**os.environ, "WAREHOUSE_DB": str(seeded_copy), "GX_ANALYTICS_ENABLED": "False"}
    done = subprocess.run([sys.executable, "-m", "warehouse.db"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert app_file(seeded_copy).exists() and str(app_file(seeded_copy)) in done.stdout
    prepared = []

    def prepare_snapshot(path):  # the app's kind of snapshot: found on disk, not prepared again
        prepared.append(path)

    app = db.Snapshots(seeded_copy, prepare=prepare_snapshot)
    assert app.connection()[0] == db.generation(seeded_copy) and prepared == []


@pytest.mark.parametrize("command", [["loads"], ["load-dir", "{empty}"]])
def test_commands_that_validate_nothing_never_import_great_expectations(seeded_copy, tmp_path, command):
    (tmp_path / "empty").mkdir()
    args = [a.replace("{empty}", str(tmp_path / "empty")) for a in command]
    code = (f"import sys; from warehouse.__main__ import main; main({args!r}); "
            "print('GX' if 'great_expectations' in sys.modules else 'no GX')")
    env = {**os.environ, "WAREHOUSE_DB": str(seeded_copy), "GX_ANALYTICS_ENABLED": "False"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "no GX", done.stdout + done.stderr
