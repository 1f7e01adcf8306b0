"""The drop folder: load every new file of a folder, then file it under loaded/ or rejected/.

Meant for cron: one short Vietnamese line per file, the reasons of every
rejection, and a result the caller turns into the exit code. Files still being
written (changed in the last few seconds, Excel's `~$` owner files, a workbook
that Excel still holds open, browser downloads in progress) are left for the
next run. With move=False the files stay where they are and each outcome is
recorded in DIR/.load-dir.tsv, so a file is not tried again until its content changes.
"""

from __future__ import annotations

import csv
import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warehouse import db, load

LOADED_DIR, REJECTED_DIR = "loaded", "rejected"
MANIFEST = ".load-dir.tsv"
LOCK = ".load-dir.lock"
SETTLE_SECONDS = 5.0
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp")

# outcomes of one file
LOADED, DUPLICATE, REJECTED, SKIPPED, WAITING, FAILED = "loaded", "duplicate", "rejected", "skipped", "waiting", "failed"


@dataclass
class FileOutcome:
    name: str
    outcome: str
    line: str  # one Vietnamese line for the log
    reasons: list[str] = field(default_factory=list)
    moved_to: Path | None = None


@dataclass
class DirReport:
    folder: Path
    files: list[FileOutcome] = field(default_factory=list)
    busy: bool = False  # another run holds the folder

    def count(self, outcome: str) -> int:
        return sum(f.outcome == outcome for f in self.files)

    @property
    def rejected(self) -> int:
        return self.count(REJECTED)

    @property
    def ok(self) -> bool:
        """False when any file was rejected or failed: the exit code cron sees."""
        return not (self.count(REJECTED) or self.count(FAILED))

    def lines(self) -> list[str]:
        """The log: one line per file, each rejection's reasons indented under it, a total."""
        if self.busy:
            return [f"Thư mục '{self.folder}' đang được một lần chạy khác xử lý; lần này bỏ qua."]
        out = []
        for f in self.files:
            out.append(f.line)
            out.extend("    " + r for r in f.reasons)
        out.append(self.total())
        return out

    def total(self) -> str:
        parts = [(LOADED, "đã nạp"), (DUPLICATE, "đã có từ trước"), (REJECTED, "bị từ chối"),
                 (SKIPPED, "bỏ qua"), (WAITING, "để lần sau"), (FAILED, "gặp lỗi khi nạp")]
        counts = ", ".join(f"{self.count(o)} {label}" for o, label in parts if self.count(o))
        return f"Thư mục '{self.folder}': {len(self.files)} tệp" + (f" — {counts}." if counts else ".")


def load_dir(folder: Path, *, move: bool = True, settle_seconds: float = SETTLE_SECONDS,
             db_file: Path | None = None, loaded_by: str | None = None,
             now: float | None = None) -> DirReport:
    """Load the new files of `folder` (one run at a time per folder) and say what became of each."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Không tìm thấy thư mục '{folder}'.")
    report = DirReport(folder)
    with _folder_lock(folder) as locked:
        if not locked:
            report.busy = True
            return report
        seen = _read_manifest(folder) if not move else {}
        with db.loading(db_file):  # the app's next read snapshot: once, after the last file
            for path in candidates(folder):
                wait = waiting_reason(path, settle_seconds, time.time() if now is None else now)
                if wait:
                    report.files.append(FileOutcome(path.name, WAITING, f"Để lần sau: {path.name} — {wait}."))
                    continue
                try:
                    report.files.append(_one(path, move, seen, db_file, loaded_by))
                except TimeoutError:
                    raise  # the warehouse is busy: the next run will try again
                except Exception as exc:  # one unreadable file must not stop the others; it stays in place
                    report.files.append(FileOutcome(path.name, FAILED, f"Lỗi: {path.name} — lỗi không mong đợi "
                                                    f"khi nạp ({exc}); tệp để nguyên cho lần sau."))
    return report


def candidates(folder: Path) -> list[Path]:
    """Regular files of the folder itself (not loaded/, rejected/), hidden files aside."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def waiting_reason(path: Path, settle_seconds: float, now: float) -> str | None:
    """Why a file is left for the next run, or None when it can be loaded now."""
    name = path.name
    if name.startswith("~$"):
        return "tệp khóa của Excel (bảng tính đang mở)"
    if name.lower().endswith(IN_PROGRESS_SUFFIXES):
        return "tệp đang được tải về hoặc sao chép"
    if (path.parent / f"~${name}").exists() or (len(name) > 2 and (path.parent / f"~${name[2:]}").exists()):
        return "bảng tính đang được mở trong Excel"
    age = now - path.stat().st_mtime
    if age < settle_seconds:
        return f"tệp vừa thay đổi {max(age, 0):.0f} giây trước, có thể đang được ghi"
    return None


def _one(path: Path, move: bool, seen: dict[str, tuple[str, str]], db_file: Path | None,
         loaded_by: str | None) -> FileOutcome:
    sha = load.sha256_of(path)
    if sha in seen and seen[sha][0] == load.REJECTED:
        return FileOutcome(path.name, SKIPPED, f"Bỏ qua: {path.name} — đã bị từ chối ở lần chạy trước "
                           f"(lần nạp #{seen[sha][1]}); sửa tệp rồi chép lại để nạp lại.")
    if sha in seen:  # loaded (or found loaded) by an earlier run: not attempted, so not recorded, again
        return FileOutcome(path.name, DUPLICATE, f"Đã có: {path.name} — đã xử lý ở lần chạy trước "
                           f"(lần nạp #{seen[sha][1]}), không nạp lại.")
    result = load.load_path(path, None, db_file=db_file, loaded_by=loaded_by)
    outcome = _outcome_of(result)
    moved = _file_away(path, result, move)
    if not move:
        _record(path.parent, path.name, sha, result)
    return FileOutcome(path.name, outcome, _line(path.name, result, moved), _reasons(result), moved)


def _outcome_of(result: load.LoadResult) -> str:
    return {load.LOADED: LOADED, load.DUPLICATE: DUPLICATE}.get(result.status, REJECTED)


def _line(name: str, result: load.LoadResult, moved: Path | None) -> str:
    where = f" → {moved.parent.name}/{moved.name}" if moved else ""
    if result.status == load.LOADED:
        extra = f", {len(result.warnings)} cảnh báo" if result.warnings else ""
        return (f"Đã nạp: {name} — {result.rows} dòng vào bộ '{result.dataset}' "
                f"(lần nạp #{result.load_id}{extra}){where}")
    if result.status == load.DUPLICATE:
        return f"Đã có: {name} — cùng nội dung đã được nạp (lần nạp #{result.previous_load_id}), không nạp lại{where}"
    return f"Từ chối: {name} — {len(result.errors)} lỗi, không ghi dòng nào (lần nạp #{result.load_id}){where}"


def _reasons(result: load.LoadResult) -> list[str]:
    if result.status == load.REJECTED:
        return [f.describe() for f in result.errors]
    return [f.describe() for f in result.warnings]


def _file_away(path: Path, result: load.LoadResult, move: bool) -> Path | None:
    """Move the file to loaded/ or rejected/ (a rejected one with its reasons beside it)."""
    if not move:
        return None
    target_dir = path.parent / (REJECTED_DIR if result.status == load.REJECTED else LOADED_DIR)
    target_dir.mkdir(exist_ok=True)
    target = _free_name(target_dir / path.name)
    path.rename(target)
    if result.status == load.REJECTED:
        lines = [result.summary(), *(f.describe() for f in result.findings)]
        target.with_name(target.name + ".loi.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _free_name(target: Path) -> Path:
    """`target`, or `name (2).xlsx`, `name (3).xlsx`… when a file of that name is already there."""
    n = 2
    candidate = target
    while candidate.exists():
        candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
        n += 1
    return candidate


# ---------------------------------------------------------------- manifest (move=False)


def _read_manifest(folder: Path) -> dict[str, tuple[str, str]]:
    """sha256 → (status, load id) of the files handled by earlier runs."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["sha256"]: (row["status"], row["load_id"]) for row in csv.DictReader(fh, delimiter="\t")}


def _record(folder: Path, name: str, sha: str, result: load.LoadResult) -> None:
    path = folder / MANIFEST
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        if new:
            writer.writerow(["handled_at", "file_name", "sha256", "status", "load_id"])
        load_id = result.load_id if result.load_id is not None else result.previous_load_id
        writer.writerow([datetime.now().isoformat(timespec="seconds"), name, sha, result.status, load_id])


@contextmanager
def _folder_lock(folder: Path) -> Iterator[bool]:
    """True when this run may handle the folder; False when another run already does."""
    with open(folder / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
