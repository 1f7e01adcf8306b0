"""Benchmark of the running server, in chromium: CPU per view with and without the production profile,
the first view after a load against a warm view, the first view after a restart.

    .venv/bin/python bench/server.py [--db WAREHOUSE] [--views 30] [--loads 3]

A view is a new tab opening a page URL until the server has finished that page's script run (a new
Streamlit session, as a person opening a link). The server's CPU is read from /proc (the process and its
children), so it does not depend on what else the machine is doing; views per second is 2 cores divided by
that CPU per view (what a 2-core server can serve when the pages are the only work). Without --db the
national warehouse of bench/national.py is generated in a temporary folder.

The production profile is .streamlit/config.toml (runner.postScriptGC = false, server.fileWatcherType =
"none"); "development" is the same server with `make dev`'s flags (Streamlit's defaults: the file watcher,
a full garbage collection after every run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from bench.browser import CHROMIUM, CHROMIUM_ARGS, new_page, serve, wait_for_run  # noqa: E402
from bench.summary import save  # noqa: E402

# the flags `make dev` adds: Streamlit's defaults, which .streamlit/config.toml turns off for production
DEV_FLAGS = ("--server.fileWatcherType", "auto", "--runner.postScriptGC", "true", "--server.runOnSave", "true")
PAGES = ["", "compare", "compare?chart=scatter&metric2=learners", "map", "profile?commune=21421", "targets", "bdhvs",
         "history"]
CORES = os.cpu_count() or 2


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, its threads and its live descendants (from /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
            todo += [int(c) for task in Path(f"/proc/{p}/task").iterdir()
                     for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


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


def view(browser, url: str) -> float:
    """Open url in a new tab (a new session); seconds until its script run has ended and been drawn."""
    tab = new_page(browser)
    try:
        t0 = time.perf_counter()
        with wait_for_run(tab):
            tab.goto(url)
        return time.perf_counter() - t0
    finally:
        tab.close()


def cpu_per_view(browser, db_file: Path, flags: tuple[str, ...], n_views: int) -> tuple[float, float]:
    """(server CPU seconds per warm view, median wall seconds per view) of a server started with `flags`."""
    with serve(db_file, *flags) as url:
        pid = server_pid(url)
        for page in PAGES:  # warm: modules imported, snapshot made, caches filled
            view(browser, f"{url}/{page}")
        walls, c0 = [], cpu_seconds(pid)
        for i in range(n_views):
            walls.append(view(browser, f"{url}/{PAGES[i % len(PAGES)]}"))
        time.sleep(0.5)  # the session's end (tab closed) is handled too
        return (cpu_seconds(pid) - c0) / n_views, statistics.median(walls)


def resend(folder: Path, i: int) -> Path:
    """A small DVCTT resend for Mỏ Cày (21421), different each time (never a duplicate)."""
    import openpyxl

    path = folder / f"resend-{i}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
               "Tiếp nhận trực tiếp và bưu chính"])
    ws.append(["21421", "01/07/2025", "30/10/2025", 3781 + i, 3276 + i, 505])
    wb.save(path)
    return path


def after_load(browser, db_file: Path, n_loads: int, page: str = "") -> dict[str, float]:
    """Median warm view and median first view after a CLI-style load (load.load_path in this process,
    as `python -m warehouse load` does), on the production profile; and the first view of a restarted
    server (its snapshot already on disk) and of a new server on a warehouse without any snapshot."""
    from warehouse import load

    out: dict[str, float] = {}
    folder = Path(tempfile.mkdtemp(prefix="cds-bench-load-"))
    shutil.rmtree(db_file.parent / ".snapshots", ignore_errors=True)
    with serve(db_file) as url:
        out["first view of a new server, no snapshot on disk (s)"] = view(browser, f"{url}/{page}")
        warm, first, load_s = [], [], []
        for i in range(n_loads):
            warm += [view(browser, f"{url}/{page}") for _ in range(3)]
            t1 = time.perf_counter()
            result = load.load_path(resend(folder, i), "dvctt", db_file=db_file, loaded_by="bench")
            load_s.append(time.perf_counter() - t1)
            assert result.status == load.LOADED, result.summary()
            first.append(view(browser, f"{url}/{page}"))
        out["warm view (s)"] = statistics.median(warm)
        out["first view after a load (s)"] = statistics.median(first)
        out["first view after a load / warm view"] = out["first view after a load (s)"] / out["warm view (s)"]
        out["the load itself, CLI path (s)"] = statistics.median(load_s)
    t0 = time.perf_counter()
    with serve(db_file) as url:
        healthy = time.perf_counter() - t0
        out["restart: first view, snapshot on disk (s)"] = view(browser, f"{url}/{page}")
        out["restart: server start to healthy (s)"] = healthy
    shutil.rmtree(folder, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> list[tuple[str, float, str]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=None, help="a warehouse to copy (default: a national one)")
    parser.add_argument("--views", type=int, default=30)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--skip-loads", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="cds-bench-server-"))
    db_file = tmp / "warehouse.duckdb"
    if args.db:
        shutil.copyfile(args.db, db_file)
        label = args.db.stem
    else:
        from bench import national

        national.generate(db_file)
        label = "national"
    rows: list[tuple[str, float, str]] = []
    figures: dict[str, float] = {}  # the same, unlabelled, for bench/summary.py
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if not args.skip_profile:
                for name, flags in (("development (watcher + GC per run)", DEV_FLAGS), ("production profile", ())):
                    cpu, wall = cpu_per_view(browser, db_file, flags, args.views)
                    figures[f"server CPU per warm view, {name}"] = cpu
                    rows.append((f"{label}: server CPU per warm view, {name}", cpu, f"{args.views} views, chromium"))
                    rows.append((f"{label}: views per second a {CORES}-core server can serve, {name}", CORES / cpu,
                                 "cores / CPU per view"))
                    rows.append((f"{label}: wall time per warm view, {name}", wall, "median"))
            if not args.skip_loads:
                measured = after_load(browser, db_file, args.loads)
                figures.update(measured)
                for what, value in measured.items():
                    rows.append((f"{label}: {what}", value, "overview page, chromium"))
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    save("server", figures)
    print("\n| what | value | note |\n| --- | ---: | --- |")
    for what, value, note in rows:
        print(f"| {what} | {f'{value:.2f}'.replace('.', ',')} | {note} |")
    return rows


if __name__ == "__main__":
    main()
