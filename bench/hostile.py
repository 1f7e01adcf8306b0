"""Benchmark: hostile files and a 20 MB upload, as the server meets them.

1. The fuzz corpus (tests/fixtures/hostile.py) through the real load path into a fresh warehouse:
   how many files were loaded, refused, recorded; the slowest file; the reading child's peak memory.
2. A 20 MB workbook checked as the upload page checks it (load.check_file in this process, which
   is what the Streamlit server runs): this process's memory before, at its peak (sampled every
   10 ms) and after, and the reading child's peak.

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from warehouse import load, sources  # noqa: E402

OUT = ROOT / "bench" / "out"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def fuzz(tmp: Path) -> list[str]:
    corpus = tmp / "corpus"  # written by the test suite's own generator, run as the script it also is
    subprocess.run([sys.executable, "-m", "tests.fixtures.hostile", str(corpus)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    db_file = tmp / "wh" / "warehouse.duckdb"
    load.load_path(load.REFERENCE_COMMUNES, "communes", db_file=db_file)
    slowest, peak, statuses, recorded = (0.0, ""), 0.0, {}, 0
    t0 = time.perf_counter()
    for path in files:
        t1 = time.perf_counter()
        result = load.load_path(path, db_file=db_file)
        slowest = max(slowest, (time.perf_counter() - t1, path.name))
        peak = max(peak, result.timings.get("read_peak_mb", 0.0))
        statuses[result.status] = statuses.get(result.status, 0) + 1
        recorded += result.load_id is not None
    counts = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    return [f"| fuzz corpus: files (outcomes), all recorded | {len(files)} ({counts}), {recorded} recorded |",
            f"| fuzz corpus: total / slowest file | {time.perf_counter() - t0:,.1f} s / {slowest[0]:,.1f} s ({slowest[1]}) |",
            f"| fuzz corpus: reading child's peak memory (largest readable file) | {peak:,.0f} MB |"]


def twenty_mb_workbook(path: Path) -> Path:
    """A dvctt workbook just under the 20 MB limit (random-looking numbers do not compress)."""
    import random

    import openpyxl

    if path.exists():
        return path
    rng = random.Random(1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Biểu 01")
    ws.append(["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Ghi chú",
               *[f"Cột phụ {i}" for i in range(14)]])
    for i in range(88_000):
        received = rng.randrange(1000, 9000)
        ws.append(["21421", f"01/{1 + i % 12:02d}/2025", f"28/{1 + i % 12:02d}/2025", received,
                   rng.randrange(0, received), f"ghi chú {rng.random()}", *[rng.random() for _ in range(14)]])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def upload_memory() -> list[str]:
    path = twenty_mb_workbook(OUT / "upload_20mb.xlsx")
    size = path.stat().st_size / 2**20
    assert size <= sources.max_file_bytes() / 2**20, size
    communes = load.known_communes(__import__("duckdb").connect())
    before, peak, stop = rss_mb(), [0.0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    table, findings, timings = load.check_file(path, "dvctt", communes)
    seconds = time.perf_counter() - t0
    stop.set()
    sampler.join()
    rows = table.rows if table else 0
    return [f"| {size:,.1f} MB upload checked ({rows:,} rows, {len(findings):,} findings): read / checks / total | "
            f"{timings['read']:,.1f} / {timings.get('checks', 0):,.1f} / {seconds:,.1f} s |",
            f"| … server process memory: before / peak / after | {before:,.0f} / {peak[0]:,.0f} / {rss_mb():,.0f} MB |",
            f"| … reading child's peak memory (limit {os.environ.get('WAREHOUSE_READ_MEMORY_MB', '2048')} MB) | "
            f"{timings.get('read_peak_mb', 0):,.0f} MB |"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lines = fuzz(Path(tmp)) + upload_memory()
    print("| what | figure |\n| --- | ---: |")
    print("\n".join(lines))
    print(f"(this process's own peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)")


if __name__ == "__main__":
    main()
