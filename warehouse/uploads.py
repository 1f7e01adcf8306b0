"""Uploaded files waiting for their check and load: a private folder beside the database.

Never the shared system temp folder, where another local user could create the folder (or a link
in it) in advance: `<database folder>/.uploads/`, created with mode 0700 and checked to belong to
this process's user. One sub-folder per content (the page reruns on every click and finds the
same file again), removed after the load; anything older than a day (a tab closed before loading)
is removed at the next upload.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import time
from pathlib import Path

from warehouse import db

MAX_AGE_S = 24 * 3600


def root(db_file: Path | None = None) -> Path:
    """The private uploads folder beside the database (created 0700; refused if someone else owns it)."""
    folder = db.data_dir(Path(db_file or db.db_path())) / ".uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f"Thư mục tải lên {folder} không thuộc người dùng của máy chủ; hãy xóa nó rồi thử lại.")
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)
    return folder


def save(data: bytes, name: str, db_file: Path | None = None) -> Path:
    """Keep an uploaded file under its own name (no folders) until it is loaded; the same content, the same path."""
    base = root(db_file)
    sweep(base)
    folder = base / hashlib.sha256(data).hexdigest()[:32]
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / (Path(name).name or "tep_tai_len")
    if not path.exists():
        part = folder / f".{path.name}.{os.getpid()}.part"
        with open(part, "xb") as fh:
            fh.write(data)
        os.replace(part, path)
    os.utime(folder)  # in use: not swept for another day
    return path


def discard(path: Path, db_file: Path | None = None) -> None:
    """Remove an upload's folder after its load (only inside the uploads folder)."""
    folder = Path(path).parent
    if folder.parent == root(db_file):
        shutil.rmtree(folder, ignore_errors=True)


def sweep(base: Path, max_age_s: float = MAX_AGE_S) -> list[Path]:
    """Remove upload folders untouched for longer than max_age_s; returns them."""
    cutoff = time.time() - max_age_s
    removed = []
    for folder in base.iterdir():
        if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
