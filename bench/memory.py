"""Server memory: `streamlit run` on a copy of the sample warehouse (or --db), chromium sessions on the
app's pages, the server's resident memory (RSS of the process and its children).

    .venv/bin/python bench/memory.py [--sessions 20] [--db data/warehouse.duckdb]
    .venv/bin/python bench/memory.py --sessions 100 --loads 5   # start / peak / end across loads

With --loads, the sessions are opened in turn (at most --open at a time) while a load (a small DVCTT
resend, as `python -m warehouse load` makes it) runs after every sessions/loads of them: each load makes a
new snapshot generation, whose predecessor (file, connection, cached reads) must be let go.
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

from bench.browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from bench.server import server_pid  # noqa: E402
from bench.summary import save  # noqa: E402

PAGES = ["", "compare", "compare?chart=scatter&metric2=learners", "map", "profile?commune=21421", "targets",
         "brief", "bdhvs", "history"]


def _warehouse(args) -> tuple[Path, Path]:
    """(a temporary folder, the warehouse in it): a copy of --db, else a freshly seeded sample one."""
    from warehouse import load

    tmp = Path(tempfile.mkdtemp(prefix="cds-mem-"))
    db_file = tmp / "warehouse.duckdb"
    if args.db:
        shutil.copyfile(args.db, db_file)
    else:
        load.seed(db_file)
    return tmp, db_file


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


def across_loads(url: str, server: int, db_file: Path, sessions: int, loads: int, keep_open: int) -> list[float]:
    """RSS (MB) at the start, after every session opened, and at the end (sessions closed, 5 s later)."""
    from playwright.sync_api import sync_playwright

    from bench.server import resend
    from warehouse import load

    samples = [rss_mb(server)]
    every = max(1, sessions // max(1, loads))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tabs = []
        for i in range(sessions):
            if loads and i and i % every == 0 and i // every <= loads:
                result = load.load_path(resend(db_file.parent, i), "dvctt", db_file=db_file, loaded_by="bench")
                assert result.status == load.LOADED, result.summary()
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.goto(f"{url}/{PAGES[i % len(PAGES)]}")
            tab.get_by_role("heading").first.wait_for(timeout=60_000)
            tab.wait_for_load_state("networkidle")
            tabs.append(tab)
            if len(tabs) > keep_open:
                tabs.pop(0).close()
            samples.append(rss_mb(server))
        browser.close()
    time.sleep(5)
    samples.append(rss_mb(server))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--loads", type=int, default=0, help="loads spread over the sessions (start / peak / end)")
    parser.add_argument("--open", type=int, default=10, help="with --loads: sessions open at a time")
    parser.add_argument("--db", type=Path, default=None, help="a warehouse to copy (default: a freshly seeded sample)")
    args = parser.parse_args()
    if args.loads:
        run_across_loads(args)
        return
    from playwright.sync_api import sync_playwright


    tmp, db_file = _warehouse(args)
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


def run_across_loads(args) -> None:

    tmp, db_file = _warehouse(args)
    try:
        with serve(db_file) as url:
            samples = across_loads(url, server_pid(url), db_file, args.sessions, args.loads, args.open)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    save("memory", {"start": samples[0], "first session": samples[1], "peak": max(samples), "end": samples[-1],
                    "sessions": args.sessions, "loads": args.loads})
    print("| what | RSS |\n| --- | ---: |")
    print(f"| server, started, no session | {samples[0]:.0f} MB |")
    print(f"| server, after the first session (pages imported, snapshot open) | {samples[1]:.0f} MB |")
    print(f"| server, peak over {args.sessions} sessions ({args.open} open at a time) and {args.loads} loads "
          f"| {max(samples):.0f} MB |")
    print(f"| server, end (sessions closed) | {samples[-1]:.0f} MB |")
    print("RSS after each session (MB): " + " ".join(f"{mb:.0f}" for mb in samples), file=sys.stderr)


if __name__ == "__main__":
    main()
