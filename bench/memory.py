"""Server memory with N sessions open: `streamlit run` on a copy of the sample warehouse, N chromium
tabs on the app's pages, then the server's resident memory (RSS of the process and its children).

    .venv/bin/python bench/memory.py [--sessions 20] [--db data/warehouse.duckdb]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

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


def server_pid(url: str) -> int:
    """The `streamlit run` process serving the URL's port (found by its command line in /proc)."""
    wanted = ["--server.port", url.rsplit(":", 1)[1]]
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            args = proc.joinpath("cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(args[i:i + 2] == wanted for i in range(len(args))):
            return int(proc.name)
    raise RuntimeError(f"no server on {url}")


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
    try:
        with serve(db_file) as url:
            server = server_pid(url)
            idle = rss_mb(server)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for i in range(args.sessions):
                    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
                    tab.goto(f"{url}/{PAGES[i % len(PAGES)]}")
                    tab.get_by_role("heading").first.wait_for(timeout=60_000)
                    tab.wait_for_load_state("networkidle")
                time.sleep(2)
                busy = rss_mb(server)
                browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| what | RSS |\n| --- | ---: |")
    print(f"| server, started, no session | {idle:.0f} MB |")
    print(f"| server, {args.sessions} sessions open on {len(PAGES)} pages in turn | {busy:.0f} MB |")


if __name__ == "__main__":
    main()
