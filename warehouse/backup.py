"""Backups of the warehouse and of its original files, checked by sha256, and their restore.

A backup is one folder `DEST/cds-backup-YYYYMMDD-HHMMSS/` holding `warehouse.duckdb`,
`archive/`, `quarantine/` and `manifest.json` (sha256 and size of every file, row counts of
meta.loads and of each raw table, when and from which warehouse). It is written as a hidden
`.cds-backup-….tmp-<pid>` folder, checked, and renamed only when complete, so a half-written
backup never counts (and the next backup removes it).

Consistency: loads write under the exclusive lock file (db.write_connection), so the database
file is copied while holding the shared lock — writers wait, the app's snapshots (also shared)
do not. An original never changes once it has its final name: those present are copied first,
without the lock, and the ones that arrived meanwhile under it. A byte copy of the file under the lock is a consistent
database: DuckDB's EXPORT DATABASE is not needed, and the copy keeps what an export would have
to rebuild (views, the load_id sequence). The app's writers checkpoint at each commit
(db.write_connection), but another writer killed after its commit leaves committed transactions in
`warehouse.duckdb.wal`: the WAL is copied too and folded into the copy (opened read-write once) before it
is hashed. Hidden `.….part` originals can only be leftovers of a
killed load while the lock is held: the one whose meta.loads row was committed is kept under its
final name (as load.recover_stored would), the others are left out. The copy is tied to
DuckDB's storage format: restore with the same or a newer duckdb (the manifest records it).

Restore checks every sha256 of the manifest first, refuses to replace an existing warehouse
unless forced, and works under the exclusive lock: the database is staged as a hidden file
beside the target, its counts checked against the manifest, the originals copied into the
target's archive/ and quarantine/ (added to what is there, each file renamed into place), and
the staged file renamed over the target last — that rename is the moment the restore happens.

meta.loads.stored_path names the originals by absolute path. A restore into another folder
rewrites it (in the staged file) to the target's archive/ or quarantine/, so the load history
shows where the file really is and load.recover_stored, which matches stored_path exactly, still
recognises the originals. (ui.original_file already looks files up by name beside the database.)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.load import PART_SUFFIX, _process_alive, sha256_of

PREFIX = "cds-backup-"
MANIFEST = "manifest.json"
DB_NAME = "warehouse.duckdb"
FOLDERS = ("archive", "quarantine")
DEFAULT_KEEP = 14
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_BACKUP_NAME = re.compile(rf"{PREFIX}(\d{{8}}-\d{{6}})(?:-(\d+))?$")
_TMP_NAME = re.compile(rf"\.{PREFIX}.+\.tmp-(\d+)$")


@dataclass
class BackupResult:
    path: Path
    files: int
    size: int
    counts: dict[str, int]
    pruned: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        """Vietnamese lines for the operator."""
        lines = [f"Đã sao lưu kho dữ liệu vào {self.path}: {self.counts.get('meta.loads', 0)} lần nạp, "
                 f"{self.files - 1} tệp gốc, {self.size / 1e6:.1f} MB; đã kiểm tra sha256 từng tệp."]
        lines += [f"Đã xóa bản sao lưu cũ {p.name}." for p in self.pruned]
        return "\n".join(lines)


@dataclass
class RestoreResult:
    db: Path
    backup: Path
    created_at: str
    files: int
    counts: dict[str, int]
    paths_rewritten: int

    def summary(self) -> str:
        raw = sum(n for table, n in self.counts.items() if table.startswith("raw."))
        moved = f" Đường dẫn tệp gốc của {self.paths_rewritten} lần nạp đã trỏ sang {db.data_dir(self.db)}." \
            if self.paths_rewritten else ""
        return (f"Đã khôi phục {self.db} từ {self.backup.name} (sao lưu lúc {self.created_at}): "
                f"{self.counts.get('meta.loads', 0)} lần nạp, {raw} dòng dữ liệu thô, {self.files - 1} tệp gốc.{moved}")


# ---------------------------------------------------------------- files


def _copy(src: Path, dst: Path) -> str:
    """Copy a file durably; return the sha256 of what was read."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for chunk in iter(lambda: fin.read(1 << 20), b""):
            h.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return h.hexdigest()


def _check_copy(dst: Path, digest: str) -> None:
    """Read a copy back: its sha256 must be the one read from its source."""
    if sha256_of(dst) != digest:
        raise OSError(f"Bản sao {dst} khác tệp nguồn (sha256); ổ đĩa có vấn đề?")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _originals(folder: Path) -> list[Path]:
    """The files of archive/ and quarantine/ under `folder` (hidden .part files included)."""
    return sorted(p for sub in FOLDERS if (folder / sub).is_dir() for p in (folder / sub).iterdir() if p.is_file())


def _hash_tree(folder: Path) -> dict[str, dict]:
    """sha256 and size of every file under `folder` but the manifest, by relative path."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    return {p.relative_to(folder).as_posix(): {"sha256": sha256_of(p), "bytes": p.stat().st_size} for p in files}


# ---------------------------------------------------------------- the database copy


def _connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of meta.loads (and of its loaded / rejected / retracted loads) and of every raw table."""
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name").fetchall()]
    out = {"meta.loads": con.execute("select count(*) from meta.loads").fetchone()[0]}
    for state, where in (("loaded", "status = 'loaded'"), ("rejected", "status = 'rejected'"),
                         ("retracted", "retracted_at is not null")):
        out[f"meta.loads.{state}"] = con.execute(f"select count(*) from meta.loads where {where}").fetchone()[0]
    for table in tables:  # names from the catalog, not from input
        out[f"raw.{table}"] = con.execute(f'select count(*) from raw."{table}"').fetchone()[0]
    return out


def _copy_live(source: Path, tmp: Path) -> dict[str, str]:
    """Copy the originals, then, under the shared lock, the database (with a WAL a killed writer left) and
    the originals that came meanwhile. Returns the sha256 of each source as read, by path relative to `tmp`.

    An original never changes once it has its final name, so those already there are copied before the
    lock: writers wait only for the database file and what is new.
    """
    folder = db.data_dir(source)
    digests = {_rel(p, folder): _copy(p, tmp / _rel(p, folder)) for p in _originals(folder) if not p.name.startswith(".")}
    wal = source.with_name(source.name + ".wal")
    with db._flock(source, fcntl.LOCK_SH):
        pairs = [(source, DB_NAME), *([(wal, DB_NAME + ".wal")] if wal.exists() else [])]
        pairs += [(p, _rel(p, folder)) for p in _originals(folder) if _rel(p, folder) not in digests]
        digests.update({rel: _copy(src, tmp / rel) for src, rel in pairs})
    return digests


def _rel(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _close_copy(tmp: Path) -> tuple[dict[str, int], set[str]]:
    """Fold a copied WAL into the copy; return its counts and the file names meta.loads records."""
    wal = tmp / (DB_NAME + ".wal")
    con = _connect(tmp / DB_NAME, read_only=not wal.exists())  # read-write replays the WAL; closing checkpoints it
    try:
        found = counts(con)
        stored = {Path(r[0]).name for r in con.execute(
            "select stored_path from meta.loads where stored_path is not null").fetchall()}
    finally:
        con.close()
    if wal.exists():
        raise OSError(f"Không gộp được {wal} vào bản sao; chưa sao lưu.")
    return found, stored


def _settle_parts(tmp: Path, stored: set[str]) -> None:
    """A copied .part original keeps its final name when its load was committed; otherwise it is dropped."""
    for part in [p for p in _originals(tmp) if p.name.startswith(".")]:
        final = part.name[1:-len(PART_SUFFIX)].rpartition(".")[0] if part.name.endswith(PART_SUFFIX) else ""
        if final in stored and not part.with_name(final).exists():
            os.replace(part, part.with_name(final))
        else:
            part.unlink()


# ---------------------------------------------------------------- backup


def _new_name(dest: Path, now: datetime) -> str:
    name = f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    n = 1
    while (dest / (name if n == 1 else f"{name}-{n}")).exists():
        n += 1
    return name if n == 1 else f"{name}-{n}"


def backup(dest: Path, db_file: Path | None = None, keep: int = DEFAULT_KEEP, now: datetime | None = None) -> BackupResult:
    """Write a checked backup of the warehouse and its originals into a new folder of `dest`; keep the newest `keep`."""
    source = Path(db_file or db.db_path()).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"Chưa có kho dữ liệu {source}: không có gì để sao lưu.")
    if keep < 1:
        raise ValueError("Số bản sao lưu giữ lại (--keep) phải từ 1 trở lên.")
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now()
    name = _new_name(dest, now)
    tmp = dest / f".{name}.tmp-{os.getpid()}"
    try:
        for rel, digest in _copy_live(source, tmp).items():  # the lock is free again: check the copies
            _check_copy(tmp / rel, digest)
        found, stored = _close_copy(tmp)
        _settle_parts(tmp, stored)
        files = _write_manifest(tmp, source, now, found)
        final = dest / name
        os.rename(tmp, final)
        _fsync_dir(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    size = sum(f["bytes"] for f in files.values())
    return BackupResult(final, len(files), size, found, prune(dest, keep))


def _write_manifest(folder: Path, source: Path, now: datetime, found: dict[str, int]) -> dict[str, dict]:
    files = _hash_tree(folder)
    manifest = {
        "format": 1,
        "created_at": now.isoformat(timespec="seconds"),
        "warehouse": str(source),
        "duckdb_version": duckdb.__version__,
        "counts": found,
        "files": files,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
    return files


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        hint = list_backups(Path(folder))
        extra = f" Thư mục này chứa các bản sao lưu; mới nhất: {hint[-1]}." if hint else ""
        raise ValueError(f"Không có {MANIFEST} trong {folder}: đây không phải một bản sao lưu hoàn chỉnh.{extra}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Tệp {path} bị hỏng (không đọc được JSON: {exc}); không dùng bản sao lưu này.") from None


def verify(folder: Path) -> list[str]:
    """What does not match the manifest (a missing, changed or unlisted file), in Vietnamese; [] when intact."""
    folder = Path(folder)
    listed = read_manifest(folder)["files"]
    problems = []
    for rel, expected in listed.items():
        path = folder / rel
        if rel.startswith("/") or ".." in rel.split("/"):
            problems.append(f"đường dẫn không hợp lệ trong manifest: {rel}")
        elif not path.is_file():
            problems.append(f"thiếu tệp {rel}")
        elif sha256_of(path) != expected["sha256"]:
            problems.append(f"tệp {rel} đã bị thay đổi (sha256 không khớp)")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
    problems += [f"tệp {rel} không có trong manifest" for rel in sorted(present - set(listed))]
    if DB_NAME not in listed:
        problems.append(f"manifest không liệt kê {DB_NAME}")
    return problems


# ---------------------------------------------------------------- pruning


def list_backups(dest: Path) -> list[Path]:
    """The complete backups of `dest` (named cds-backup-…, with a manifest), oldest first."""
    if not Path(dest).is_dir():
        return []
    found = []
    for path in Path(dest).iterdir():
        m = _BACKUP_NAME.match(path.name)
        if m and (path / MANIFEST).is_file():
            found.append(((m.group(1), int(m.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def prune(dest: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups, and half-written ones whose process is gone. Returns what was deleted."""
    backups = list_backups(dest)
    old = backups[:-keep] if keep < len(backups) else []
    for path in Path(dest).iterdir():
        m = _TMP_NAME.match(path.name)
        if m and path.is_dir() and not _process_alive(int(m.group(1))):
            old.append(path)
    for path in old:
        shutil.rmtree(path)
    return old


# ---------------------------------------------------------------- restore


def restore(source: Path, db_file: Path | None = None, force: bool = False) -> RestoreResult:
    """Bring a backup back as the warehouse `db_file` (default: db.db_path()); see the module docstring."""
    folder = Path(source)
    folder = folder.parent if folder.name == MANIFEST else folder
    manifest = read_manifest(folder)
    _refuse_existing(Path(db_file or db.db_path()), force)  # before hashing a large backup; again under the lock
    problems = verify(folder)
    if problems:
        raise ValueError(f"Bản sao lưu {folder} bị hỏng, không khôi phục:\n" + "\n".join(f"  - {p}" for p in problems))
    target = Path(db_file or db.db_path()).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with db._flock(target, fcntl.LOCK_EX):
        _refuse_existing(target, force)
        staged, rewritten = _stage(folder, target, manifest)
        try:
            _restore_originals(folder, db.data_dir(target), manifest)
            target.with_name(target.name + ".wal").unlink(missing_ok=True)  # an old WAL must not replay onto the new file
            os.replace(staged, target)
            _fsync_dir(target.parent)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
    return RestoreResult(target, folder, manifest["created_at"], len(manifest["files"]), manifest["counts"], rewritten)


def _refuse_existing(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise ValueError(f"Đã có kho dữ liệu {target}; không ghi đè. Thêm --force để thay nó bằng bản sao lưu "
                         "(những gì nạp sau lần sao lưu sẽ không còn trong kho).")


def _stage(folder: Path, target: Path, manifest: dict) -> tuple[Path, int]:
    """Copy the backup's database beside the target as a hidden file, point stored_path at the target's folder,
    and check its counts against the manifest."""
    for stale in target.parent.glob(f".{target.name}.restore-*"):
        if not _process_alive(int(stale.name.rpartition("-")[2] or 0)):
            stale.unlink(missing_ok=True)
    staged = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        _copy(folder / DB_NAME, staged)
        _check_copy(staged, manifest["files"][DB_NAME]["sha256"])
        con = _connect(staged)
        try:
            rewritten = rewrite_stored_paths(con, db.data_dir(target))
            found = counts(con)
        finally:
            con.close()
        if found != manifest["counts"]:
            raise ValueError(f"Số dòng của kho khôi phục khác manifest: {found} ≠ {manifest['counts']}; không khôi phục.")
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged, rewritten


def rewrite_stored_paths(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Point meta.loads.stored_path at `folder`/archive or /quarantine (same file name); returns how many changed."""
    rows = con.execute("select load_id, stored_path from meta.loads where stored_path is not null").fetchall()
    changes = []
    for load_id, stored in rows:
        old = Path(stored)
        new = str(folder / old.parent.name / old.name) if old.parent.name in FOLDERS else stored
        if new != stored:
            changes.append([new, load_id])
    if changes:
        con.executemany("update meta.loads set stored_path = ? where load_id = ?", changes)
    return len(changes)


def _restore_originals(folder: Path, target_folder: Path, manifest: dict) -> None:
    """Copy every original of the backup into the target's archive/ and quarantine/, each renamed into place."""
    for rel, expected in manifest["files"].items():
        if rel.split("/")[0] not in FOLDERS:
            continue
        final = target_folder / rel
        part = final.with_name(f".{final.name}.{os.getpid()}{PART_SUFFIX}")  # load.recover_stored settles it after a crash
        try:
            _copy(folder / rel, part)
            _check_copy(part, expected["sha256"])
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, final)
