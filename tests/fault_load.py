"""Test-only launcher: the real CLI, paused right before or right after a load's commit so a test can kill it there.

    python -m tests.fault_load BEFORE_COMMIT|AFTER_COMMIT MARKER load FILE [...]

At the pause the process writes its pid to MARKER and sleeps. The load's connection is wrapped so that its
commit() pauses first (rows inserted, nothing committed) or after (committed, the original not yet renamed
from its .part name: load.write_load renames it right after the commit). warehouse/ has no test hook.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from warehouse import db
from warehouse.__main__ import main

POINTS = ("BEFORE_COMMIT", "AFTER_COMMIT")


class PausingConnection:
    """A DuckDB connection whose commit() pauses at `point`; everything else is the connection's own."""

    def __init__(self, con, point: str, marker: Path):
        self._con, self._point, self._marker = con, point, marker

    def commit(self):
        if self._point == "BEFORE_COMMIT":
            self._pause()
        self._con.commit()
        if self._point == "AFTER_COMMIT":
            self._pause()

    def _pause(self) -> None:
        self._marker.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(60)

    def __getattr__(self, name):
        return getattr(self._con, name)


def run(point: str, marker: Path, argv: list[str]) -> int:
    real = db.write_connection

    @contextmanager
    def pausing(*args, **kwargs):
        with real(*args, **kwargs) as con:
            yield PausingConnection(con, point, marker)

    db.write_connection = pausing
    return main(argv)


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] not in POINTS:
        sys.exit(__doc__)
    sys.exit(run(sys.argv[1], Path(sys.argv[2]), sys.argv[3:]))
