"""Two checkouts' loads of the same workbook, one after the other in turn: which is faster, pair by pair.

The machine's speed drifts by a third within minutes, more than most changes to a load gain; two loads run one
right after the other see the same machine. Each checkout gets a worker process (its own code on sys.path, GX
imported, a warehouse of the communes); the driver asks them in turn (A B, B A, …) to load the workbook into a
fresh copy, and prints each side's median and in how many pairs B was faster.

    .venv/bin/python bench/ab.py A_CHECKOUT B_CHECKOUT [--pairs 20] [--rows 50000]

(`git worktree add /tmp/before HEAD~1` makes a checkout to compare with.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def worker(checkout: Path, workbook: Path) -> None:
    """Load `workbook` into a fresh copy of a communes-only warehouse at each line read (the checkout's
    bench/loads.timed_loads); print the seconds."""
    sys.path.insert(0, str(checkout))
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    from bench import loads
    from warehouse import load, quality

    quality._batch_definition()  # GX imported and its context made, as in a running server
    tmp = Path(tempfile.mkdtemp(prefix="ab-"))
    base = loads.communes_only(tmp)
    print("ready", flush=True)
    for i, _ in enumerate(sys.stdin):
        parts, result = loads.timed_loads(base, tmp, workbook, "dvctt", 1, str(i))
        assert result.status == load.LOADED, result.summary()
        print(f"{parts['total'][0]:.4f}", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import loads

    workbook = loads.dvctt_file(args.rows)
    sides = [subprocess.Popen([sys.executable, __file__, "--worker", str(c.resolve()), str(workbook)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for c in (args.a, args.b)]
    for side in sides:
        assert side.stdout.readline().strip() == "ready"
    seconds: list[list[float]] = [[], []]
    for pair in range(args.pairs):
        for i in ((0, 1) if pair % 2 == 0 else (1, 0)):
            sides[i].stdin.write("go\n")
            sides[i].stdin.flush()
            seconds[i].append(float(sides[i].stdout.readline()))
    for side in sides:
        side.stdin.close()
        side.wait()
    for checkout, times in zip((args.a, args.b), seconds, strict=True):
        print(f"{checkout}: median {statistics.median(times) * 1000:.0f} ms")
    faster = sum(b < a for a, b in zip(*seconds, strict=True))
    diff = statistics.median(b - a for a, b in zip(*seconds, strict=True))
    print(f"B faster in {faster} of {args.pairs} pairs; median of B − A: {diff * 1000:+.0f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
