"""Uploads wait in a private folder beside the database, and go once loaded or after a day."""

from __future__ import annotations

import os
import stat
import time

import pytest

from warehouse import uploads


def test_an_upload_waits_in_a_private_folder_beside_the_database(tmp_path):
    db_file = tmp_path / "wh" / "warehouse.duckdb"
    path = uploads.save(b"a,b\n1,2\n", "../../bao cao.csv", db_file)
    assert path.read_bytes() == b"a,b\n1,2\n" and path.name == "bao cao.csv"
    assert path.parent.parent == tmp_path / "wh" / ".uploads"  # no folder of the name is followed
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert uploads.save(b"a,b\n1,2\n", "bao cao.csv", db_file) == path  # the page's reruns find the same file
    uploads.discard(path, db_file)
    assert not path.parent.exists()


def test_uploads_left_for_a_day_are_removed_at_the_next_upload(tmp_path):
    db_file = tmp_path / "warehouse.duckdb"
    old = uploads.save(b"old", "cu.csv", db_file)
    day_ago = time.time() - uploads.MAX_AGE_S - 60
    os.utime(old.parent, (day_ago, day_ago))
    new = uploads.save(b"new", "moi.csv", db_file)
    assert not old.exists() and new.exists()


def test_a_folder_prepared_by_someone_else_is_refused(tmp_path):
    if os.getuid() != 0:
        pytest.skip("needs root to give the folder to another user")
    folder = tmp_path / ".uploads"
    folder.mkdir(mode=0o777)
    os.chown(folder, 65534, 65534)  # nobody
    with pytest.raises(PermissionError, match="không thuộc người dùng"):
        uploads.save(b"x", "a.csv", tmp_path / "warehouse.duckdb")


def test_a_loose_mode_is_tightened(tmp_path):
    folder = tmp_path / ".uploads"
    folder.mkdir()
    folder.chmod(0o777)
    uploads.save(b"x", "a.csv", tmp_path / "warehouse.duckdb")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
