"""Server memory with N sessions open: `streamlit run` on a copy of the sample warehouse, N chromium
tabs on the app's pages, then the server's resident memory (RSS of the process and its children).

    .venv/bin/python bench/memory.py [--sessions 20] [--db data/warehouse.duckdb]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

PAGES = ["", "compare", "compare?chart=scatter&metric2=learners", "map", "profile?commune=21421", "targets",
         "brief", "bdhvs", "history"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total / 1024


def serve(db_file: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "WAREHOUSE_DB": str(db_file), "GX_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None, help="a warehouse to copy (default: a freshly seeded sample)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from warehouse import load

    tmp = Path(tempfile.mkdtemp(prefix="cds-mem-"))
    db_file = tmp / "warehouse.duckdb"
    if args.db:
        shutil.copyfile(args.db, db_file)
    else:
        load.seed(db_file)
    port = free_port()
    proc = serve(db_file, port)
    try:
        idle = rss_mb(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tabs = []
            for i in range(args.sessions):
                tab = browser.new_page(viewport={"width": 1400, "height": 1000})
                tab.goto(f"http://127.0.0.1:{port}/{PAGES[i % len(PAGES)]}")
                tab.get_by_role("heading").first.wait_for(timeout=60_000)
                tab.wait_for_load_state("networkidle")
                tabs.append(tab)
            time.sleep(2)
            busy = rss_mb(proc.pid)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    print("| what | RSS |\n| --- | ---: |")
    print(f"| server, started, no session | {idle:.0f} MB |")
    print(f"| server, {args.sessions} sessions open on {len(PAGES)} pages in turn | {busy:.0f} MB |")


if __name__ == "__main__":
    main()
