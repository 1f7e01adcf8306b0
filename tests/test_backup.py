"""Backup and restore: a real warehouse (loads, a rejected file, a retraction) comes back whole elsewhere;
old backups are pruned; a changed byte is refused; a backup waits for a writer and keeps what a killed one committed."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from warehouse import backup, db, load, models
from warehouse.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
REJECTED_CSV = ("Mã xã,Từ ngày,Đến ngày,Tổng số hồ sơ tiếp nhận,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp và bưu chính\n"
                "21421,01/07/2025,30/10/2025,100,150,0\n")  # online > total: rejected, kept in quarantine/


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A warehouse with the 96 communes, the dvctt and broadband samples (broadband retracted) and a rejected file.

    Backups only read it; a test that writes uses `source_copy`.
    """
    folder = tmp_path_factory.mktemp("source")
    path = folder / "warehouse.duckdb"
    load.load_path(load.REFERENCE_COMMUNES, "communes", db_file=path, loaded_by="test")
    with db.write_connection(path) as con:
        models.build(con)
    load.load_path(load.SAMPLES_DIR / "dvctt.xlsx", "dvctt", db_file=path, loaded_by="test")
    broadband = load.load_path(load.SAMPLES_DIR / "broadband.xlsx", "broadband", db_file=path, loaded_by="test")
    bad = folder / "sai_so_lieu.csv"
    bad.write_text(REJECTED_CSV, encoding="utf-8")
    assert load.load_path(bad, db_file=path, loaded_by="test").status == load.REJECTED
    load.retract_path(broadband.load_id, db_file=path, by="test")
    bad.unlink()
    return path


@pytest.fixture
def source_copy(source, tmp_path) -> Path:
    """A private copy of `source` (its stored_path still names the original folder)."""
    shutil.copytree(source.parent, tmp_path / "live")
    return tmp_path / "live" / source.name


def rows(db_file: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_file), read_only=True) as con:
        return con.execute(sql).fetchall()


def raw_tables(db_file: Path) -> dict[str, list[tuple]]:
    names = [r[0] for r in rows(db_file, "select table_name from duckdb_tables() where schema_name = 'raw'")]
    return {name: rows(db_file, f"select * from raw.{name} order by all") for name in names}


def test_backup_then_restore_elsewhere_brings_back_every_load_row_and_original(source, tmp_path):
    made = backup.backup(tmp_path / "backups", db_file=source)
    target = tmp_path / "elsewhere" / "warehouse.duckdb"
    restored = backup.restore(made.path, target)

    assert restored.db == target.resolve() and restored.paths_rewritten == 4
    meta = "select * exclude (stored_path) from meta.loads order by load_id"
    assert rows(target, meta) == rows(source, meta) and len(rows(source, meta)) == 4
    assert raw_tables(target) == raw_tables(source)
    assert len(raw_tables(target)["communes"]) == 96
    assert rows(target, "select count(*) from stg_broadband") == [(0,)]  # retracted in the source: still not counted
    assert rows(target, "select count(*) from mart_commune_metrics") == rows(source, "select count(*) from mart_commune_metrics")

    before = dict(rows(source, "select load_id, stored_path from meta.loads"))
    after = dict(rows(target, "select load_id, stored_path from meta.loads"))
    for load_id, old in before.items():
        new = Path(after[load_id])
        assert new == target.parent.resolve() / Path(old).parent.name / Path(old).name
        assert new.read_bytes() == Path(old).read_bytes()
    assert sorted(p.parent.name for p in map(Path, after.values())) == ["archive", "archive", "archive", "quarantine"]
    assert not [p for p in target.parent.rglob(".*") if p.is_file()]  # no staged or .part file left


def test_restored_warehouse_takes_the_next_load(source, tmp_path, make_csv):
    made = backup.backup(tmp_path / "backups", db_file=source)
    target = tmp_path / "elsewhere" / "warehouse.duckdb"
    backup.restore(made.path, target)
    path = make_csv(REJECTED_CSV.replace("100,150,0", "100,60,40"), "gui_lai.csv")
    result = load.load_path(path, db_file=target, loaded_by="test")
    assert (result.status, result.load_id) == (load.LOADED, 5)  # the sequence came back with the file
    [(stored,)] = rows(target, "select stored_path from meta.loads where load_id = 5")
    assert Path(stored).parent == target.parent.resolve() / "archive"


def test_backup_layout_and_manifest(source, tmp_path):
    made = backup.backup(tmp_path, db_file=source, now=datetime(2025, 11, 30, 2, 30, 5))
    assert made.path == tmp_path / "cds-backup-20251130-023005"
    assert sorted(p.name for p in made.path.iterdir()) == ["archive", "manifest.json", "quarantine", "warehouse.duckdb"]
    manifest = json.loads((made.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created_at"] == "2025-11-30T02:30:05" and manifest["warehouse"] == str(source.resolve())
    counts = manifest["counts"]
    assert (counts["meta.loads"], counts["meta.loads.loaded"], counts["meta.loads.rejected"],
            counts["meta.loads.retracted"]) == (4, 3, 1, 1)
    assert counts["raw.communes"] == 96 and counts["raw.dvctt"] == len(raw_tables(source)["dvctt"])
    assert len(manifest["files"]) == 5  # the database and four originals
    assert manifest["files"]["warehouse.duckdb"]["sha256"] == load.sha256_of(made.path / "warehouse.duckdb")
    assert backup.verify(made.path) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the temporary folder was renamed


def test_prune_keeps_the_newest(source, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    half_dead = tmp_path / f".cds-backup-20251101-000000.tmp-{dead.pid}"  # a backup killed half-way
    half_alive = tmp_path / f".cds-backup-20251101-000001.tmp-{os.getpid()}"  # one being written now
    other = tmp_path / "cds-backup-notes"
    for folder in (half_dead, half_alive, other):
        folder.mkdir()
    made = [backup.backup(tmp_path, db_file=source, keep=2, now=datetime(2025, 11, day, 2, 30)) for day in (1, 2, 3)]
    same_second = backup.backup(tmp_path, db_file=source, keep=2, now=datetime(2025, 11, 3, 2, 30))

    assert same_second.path.name == "cds-backup-20251103-023000-2"
    assert backup.list_backups(tmp_path) == [made[2].path, same_second.path]
    assert [m.pruned for m in made] == [[half_dead], [], [made[0].path]] and same_second.pruned == [made[1].path]
    assert half_alive.exists() and other.exists()


@pytest.mark.parametrize("damage", ["flip a byte of the database", "flip a byte of an original", "delete an original"])
def test_a_damaged_backup_is_refused(damage, source, tmp_path):
    made = backup.backup(tmp_path / "backups", db_file=source)
    victim = made.path / "warehouse.duckdb" if "database" in damage else sorted((made.path / "archive").iterdir())[0]
    if damage.startswith("delete"):
        victim.unlink()
    else:
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 0x01
        victim.write_bytes(bytes(data))
    target = tmp_path / "elsewhere" / "warehouse.duckdb"
    with pytest.raises(ValueError) as refused:
        backup.restore(made.path, target)
    rel = victim.relative_to(made.path).as_posix()
    expected = f"thiếu tệp {rel}" if damage.startswith("delete") else f"tệp {rel} đã bị thay đổi (sha256 không khớp)"
    assert str(refused.value) == f"Bản sao lưu {made.path} bị hỏng, không khôi phục:\n  - {expected}"
    assert not target.exists() and not (target.parent / "archive").exists()


def test_cli_backup_and_restore(source, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(source))
    assert main(["backup", str(tmp_path / "backups"), "--keep", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Đã sao lưu kho dữ liệu vào {tmp_path / 'backups'}/cds-backup-") and "4 lần nạp, 4 tệp gốc" in out
    [made] = backup.list_backups(tmp_path / "backups")
    target = tmp_path / "elsewhere" / "warehouse.duckdb"

    assert main(["restore", str(made), "--db", str(target)]) == 0
    assert "4 lần nạp" in capsys.readouterr().out
    assert main(["restore", str(made), "--db", str(target)]) == 1  # a warehouse is there: refused
    assert "Thêm --force" in capsys.readouterr().err
    assert main(["restore", str(made), "--db", str(target), "--force"]) == 0
    assert main(["restore", str(tmp_path / "backups"), "--db", str(target), "--force"]) == 1  # the parent folder
    assert f"mới nhất: {made}" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "nowhere"), "--db", str(target)]) == 2
    assert main(["backup", str(tmp_path / "backups"), "--keep", "0"]) == 2


def test_restore_force_replaces_a_newer_warehouse(source_copy, tmp_path, make_csv):
    made = backup.backup(tmp_path / "backups", db_file=source_copy)
    later = load.load_path(make_csv(REJECTED_CSV.replace("100,150,0", "100,60,40"), "sau.csv"), db_file=source_copy)
    assert later.status == load.LOADED
    app = db.Snapshots(source_copy)  # what the app reads
    assert app.connection()[1].execute("select count(*) from meta.loads").fetchone() == (5,)
    backup.restore(made.path, source_copy, force=True)
    assert rows(source_copy, "select count(*) from meta.loads") == [(4,)]  # back to the backup's state
    assert app.connection()[1].execute("select count(*) from meta.loads").fetchone() == (4,)  # no restart needed
    assert not source_copy.with_name(source_copy.name + ".wal").exists()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from warehouse import db, load
with db.write_connection(Path(sys.argv[1])) as con:
    Path(sys.argv[2]).write_text("held")
    time.sleep(1.5)
    load.retract(con, int(sys.argv[3]), by="writer")
"""


def test_backup_waits_for_a_writer_holding_the_lock(source_copy, tmp_path):
    [(dvctt_load,)] = rows(source_copy, "select load_id from meta.loads where dataset = 'dvctt' and status = 'loaded'")
    marker = tmp_path / "held"
    writer = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(source_copy), str(marker), str(dvctt_load)],
                              cwd=ROOT, env={**os.environ, "GX_ANALYTICS_ENABLED": "False"})
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert writer.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        t0 = time.monotonic()
        made = backup.backup(tmp_path / "backups", db_file=source_copy)
        waited = time.monotonic() - t0
    finally:
        assert writer.wait(timeout=60) == 0
    assert waited > 1.0
    assert made.counts["meta.loads.retracted"] == 2  # the writer's retraction, committed before the copy


def test_backup_keeps_what_a_killed_load_committed(source_copy, tmp_path, make_csv):
    """Killed after its commit: the load is in the file (a write connection checkpoints at each commit: no WAL) and its
    original only a .part file; both are in the backup."""
    path = make_csv(REJECTED_CSV.replace("100,150,0", "100,60,40"), "bi_ngat.csv")
    marker = tmp_path / "after_commit"
    env = {**os.environ, "WAREHOUSE_DB": str(source_copy), "GX_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "tests.fault_load", "AFTER_COMMIT", str(marker), "load", str(path)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    wal = source_copy.with_name(source_copy.name + ".wal")
    [part] = (source_copy.parent / "archive").glob(".*.part")
    assert not wal.exists()

    made = backup.backup(tmp_path / "backups", db_file=source_copy)
    assert part.exists()  # the live folder is left as it was
    assert made.counts["meta.loads"] == 5 and made.counts["raw.dvctt"] == len(raw_tables(source_copy)["dvctt"])
    target = tmp_path / "elsewhere" / "warehouse.duckdb"
    backup.restore(made.path, target)
    [(stored,)] = rows(target, "select stored_path from meta.loads where file_name = 'bi_ngat.csv'")
    assert Path(stored).name == part.name[1:].rsplit(".", 2)[0] and Path(stored).read_bytes() == path.read_bytes()
    assert not [p for p in made.path.rglob(".*")]


KILLED_WRITER = """
import os, signal, sys
import duckdb
con = duckdb.connect(sys.argv[1])  # not a write connection: its commit goes to the write-ahead log
con.execute("update meta.loads set retracted_at = now(), retracted_by = 'killed' where load_id = ?", [int(sys.argv[2])])
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_backup_folds_in_the_log_a_killed_writer_left(source_copy, tmp_path):
    """A writer killed before it closed (one that left its commit in the WAL) loses nothing: the backup has it."""
    [(dvctt_load,)] = rows(source_copy, "select load_id from meta.loads where dataset = 'dvctt' and status = 'loaded'")
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(source_copy), str(dvctt_load)], cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL
    wal = source_copy.with_name(source_copy.name + ".wal")
    assert wal.exists()
    made = backup.backup(tmp_path / "backups", db_file=source_copy)
    assert wal.exists()  # the live folder is left as it was
    assert made.counts["meta.loads.retracted"] == 2
