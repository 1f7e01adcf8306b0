"""Benchmark: medians of seed, of loading each sample file (read / checks / insert), of loads of 1.000 to
300.000 rows against their floor and of 50.000 unknown names (bench/loads.py), of each page's queries and of
each page's script run. Prints a table.

    .venv/bin/python bench/run.py [--repeat 5]
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

from bench import loads, national  # noqa: E402
from bench.loads import communes_only, timed_loads  # noqa: E402
from bench.summary import save  # noqa: E402
from warehouse import db, load, queries  # noqa: E402

OUT = ROOT / "bench" / "out"
ROWS: list[tuple[str, float, str]] = []


def record(what: str, seconds: list[float], note: str = "") -> None:
    ROWS.append((what, statistics.median(seconds), note))
    print(f"  {what}: {statistics.median(seconds) * 1000:,.0f} ms", file=sys.stderr)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_seed(tmp: Path, repeat: int) -> Path:
    def one():
        folder = Path(tempfile.mkdtemp(dir=tmp))
        load.seed(folder / "warehouse.duckdb")
    record("seed (communes + 4 sample files + build)", timed(one, repeat))
    seeded = tmp / "seeded" / "warehouse.duckdb"
    load.seed(seeded)
    return seeded


def bench_load(base: Path, tmp: Path, path: Path, dataset: str | None, repeat: int, label: str) -> None:
    parts, result = timed_loads(base, tmp, path, dataset, repeat, label)
    assert result.status == load.LOADED, result.summary()
    for k, v in parts.items():
        record(f"load {label}: {k}", v, f"{result.rows} rows")


def bench_queries(seeded: Path, repeat: int, label: str = "sample") -> None:
    """Each page's queries straight on DuckDB, no Streamlit cache (what a first view after a load pays),
    on the views and on the app's snapshot where they are tables."""

    for kind, prepare in (("views", None), ("tables", db.prepare_snapshot)):
        _, con = db.Snapshots(seeded, prepare=prepare).connection()
        cur = con.cursor()
        for name, fn in page_queries(cur).items():
            fn()
            record(f"{label}: queries of page {name} ({kind})", timed(fn, repeat * 2), "DuckDB, no cache")
        cur.close()


def page_queries(cur) -> dict:
    period = next(iter(queries.metric_periods(cur, "online_rate_pct")))
    snapshot = queries.bdhvs_snapshots(cur)[0]
    learners_period = next(iter(queries.metric_periods(cur, "learners")))
    return {
        "Tổng quan": lambda: (queries.overview_kpis(cur), queries.province_series(cur)),
        "So sánh xã": lambda: (queries.known_metrics(cur), queries.metric_periods(cur, "online_rate_pct"),
                               queries.filter_options(cur), queries.commune_metric(cur, "online_rate_pct", period),
                               queries.province_reference(cur, "online_rate_pct", period),
                               queries.metric_target(cur, "online_rate_pct", period.year)),
        "So sánh xã, tương quan": lambda: queries.commune_metric_pair(cur, "online_rate_pct", period, "learners",
                                                                        learners_period),
        "Bản đồ": lambda: (queries.map_features(cur, "online_rate_pct", period),
                           queries.map_values(cur, "online_rate_pct", period)),
        "Bình dân học vụ số": lambda: (queries.bdhvs_snapshots(cur), queries.bdhvs_rankings(cur, snapshot)),
        "Lịch sử tải": lambda: queries.load_history(cur),
        "Tình hình gửi số liệu": lambda: reporting_queries(cur),
        "Hồ sơ xã": lambda: (queries.current_communes(cur), queries.commune_profile(cur, "21421"),
                             queries.commune_measures(cur, "21421"), queries.commune_trends(cur, "21421"),
                             queries.commune_targets(cur, "21421", 2025), queries.commune_peers(cur, "21421")),
        "Chỉ tiêu": lambda: (queries.target_years(cur), queries.plan_year(cur), queries.target_summary(cur, 2025),
                             queries.target_history(cur, "3.5", "online_rate_pct"),
                             queries.target_communes(cur, "3.5", "online_rate_pct", 2025), queries.plan_matrix(cur)),
        "Bản tin": lambda: queries.brief_html(cur, 2025),
        "page header (every page)": lambda: (queries.data_status(cur), queries.has_sample_data(cur)),
    }


def reporting_queries(cur):
    """The reporting page's reads: every dataset's periods, then every unit at the newest DVCTT period."""
    periods = queries.reporting_periods(cur)
    newest = periods[periods["dataset"] == "dvctt"].iloc[0]
    return periods, queries.reporting_units(cur, "dvctt", newest["period_end"], newest["period_start"])


def bench_loads(tmp: Path, repeat: int) -> Path:
    """Seed, each sample file, files of 1.000 to 300.000 rows against their floor (bench/loads.py); returns the
    seeded warehouse."""
    t0 = time.perf_counter()
    from warehouse import quality  # noqa: F401  GX imported before timing loads, as in a running server

    quality._batch_definition()
    record("import great-expectations + context (once per process)", [time.perf_counter() - t0])
    seeded = bench_seed(tmp, max(1, repeat // 2))
    base = communes_only(tmp)
    for name, dataset in load.SAMPLE_FILES:  # (targets_tinh.xlsx, dvctt_minh_long.xlsx: not named for their dataset)
        bench_load(base, tmp, load.SAMPLES_DIR / name, dataset, repeat, name)
    loads.bench_loads(base, tmp, repeat, record)  # 1.000, 50.000 and 300.000 rows against their floor; unknown names
    return seeded


def bench_snapshot(seeded: Path, repeat: int, label: str = "sample") -> None:
    """What the app does once after each load: copy the file, turn the views into tables."""

    def renew():
        shutil.rmtree(seeded.parent / ".snapshots", ignore_errors=True)
        db.Snapshots(seeded, prepare=db.prepare_snapshot).connection()
    record(f"{label}: new read snapshot after a load (copy + views → tables)", timed(renew, repeat),
           "once per load, first request")


# every page, and the compare page's three charts; (page file, query params)
PAGES = [
    ("overview", {}), ("compare", {}), ("compare", {"chart": "dist"}),
    ("compare", {"chart": "scatter", "metric2": "learners"}), ("map", {}), ("profile", {"commune": "21421"}),
    ("targets", {}), ("brief", {}), ("bdhvs", {}), ("reporting", {}), ("upload", {}), ("history", {}),
]


def bench_pages(seeded: Path, repeat: int, label: str = "sample") -> None:
    """Median script run of each page under AppTest: warm (caches filled), and after a load (caches empty)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["WAREHOUSE_DB"] = str(seeded)
    for page, params in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        at.switch_page(f"app_pages/{page}.py").run()  # warm: caches filled
        assert not at.exception, [e.value for e in at.exception]

        def rerun(at=at):
            at.run()
            assert not at.exception

        def cold(at=at):
            st.cache_data.clear()
            rerun(at)
        what = page + "".join(f" {k}={v}" for k, v in params.items() if k != "metric2")
        record(f"{label}: page {what}, warm", timed(rerun, repeat * 2), "AppTest, median")
        record(f"{label}: page {what}, first view after a load", timed(cold, repeat), "AppTest, caches cleared")


def bench_cold_start(seeded: Path, repeat: int) -> None:
    """`streamlit run` to the overview's first metric drawn in chromium (skipped without chromium)."""
    import socket
    import subprocess

    if not Path("/usr/bin/chromium").exists():
        return
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for _ in range(repeat):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            env = {**os.environ, "WAREHOUSE_DB": str(seeded)}
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                                     str(port), "--server.headless", "true"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            page = browser.new_page()
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=2000)
                    break
                except Exception:  # server not listening yet
                    time.sleep(0.1)
            page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
            times.append(time.perf_counter() - t0)
            page.close()
            proc.terminate()
            proc.wait()
        browser.close()
    record("cold start: streamlit run → first metric drawn", times, "chromium")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-national", action="store_true", help="skip the national-scale warehouse")
    parser.add_argument("--pages-only", action="store_true", help="only the page and query figures (no loads)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.pages_only:
            seeded = tmp / "seeded" / "warehouse.duckdb"
            load.seed(seeded)
        else:
            seeded = bench_loads(tmp, args.repeat)
        bench_snapshot(seeded, args.repeat)
        bench_queries(seeded, args.repeat)
        bench_pages(seeded, args.repeat)
        bench_cold_start(seeded, 3)
        if not args.no_national:
            t0 = time.perf_counter()
            national_db = national.generate(tmp / "national" / "warehouse.duckdb")
            record("national warehouse: generate (3.321 communes, 104 + 24 + 24 periods)",
                   [time.perf_counter() - t0], f"{national_db.stat().st_size / 1e6:,.0f} MB".replace(",", "."))
            bench_snapshot(national_db, max(1, args.repeat // 2), "national")
            bench_queries(national_db, args.repeat, "national")
            bench_pages(national_db, args.repeat, "national")
    save("run", {what: seconds for what, seconds, _ in ROWS})
    print("\n| what | median | note |\n| --- | ---: | --- |")
    for what, seconds, note in ROWS:
        print(f"| {what} | {f'{seconds * 1000:,.0f}'.replace(',', '.')} ms | {note} |")


if __name__ == "__main__":
    main()
