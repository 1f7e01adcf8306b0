"""Benchmark of loads against their floor: a dvctt workbook of 1.000, 50.000 and 300.000 rows × 12 columns
loaded into a warehouse that holds the communes (GX imported before, as in a running server), and the floor
of each: reading its cells into columns (fastexcel, the fastest reader there is) and inserting them into a
DuckDB file, the least any loader must do, measured in turn with the loads. Then a file of 50.000 unknown
commune names, refused with a suggestion for each. Prints a table; writes bench/out/loads.json
({"50000": {"load": s, "floor": s}, …}).

    .venv/bin/python bench/loads.py [--repeat 3]

bench/run.py runs the same (bench_loads) among its figures.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from bench import national  # noqa: E402
from warehouse import db, load, models  # noqa: E402

OUT = ROOT / "bench" / "out"
SIZES = (1_000, 50_000, 300_000)
HEADER = ["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
          "Tiếp nhận trực tiếp và bưu chính", "Đã giải quyết", "Giải quyết trước hạn, đúng hạn", "Giải quyết quá hạn",
          "Đang giải quyết", "Rút hồ sơ", "Hồ sơ được số hóa khi tiếp nhận"]


def _workbook(path: Path, header: list[str], rows) -> Path:
    """A one-sheet workbook of `header` and `rows`, written once and kept in bench/out."""
    if path.exists():
        return path
    import openpyxl

    OUT.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Báo cáo")
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def dvctt_file(rows: int = 50_000) -> Path:
    """A `rows` × 12-column dvctt workbook, each unit once per day."""
    with open(load.REFERENCE_COMMUNES, encoding="utf-8") as fh:
        codes = [r["commune_code"] for r in csv.DictReader(fh)]
    start = date(2017, 1, 1) if rows > 200_000 else date(2020, 1, 1)  # 300.000 rows: 3.125 days of 96 units

    def row(i: int) -> list:
        code, day = codes[i % len(codes)], start + timedelta(days=i // len(codes))
        total = 100 + (i * 37) % 900
        online = total * 8 // 10
        return [code, day, day, total, online, total - online, total - 10, total - 12, 2, 6, 4, total]

    return _workbook(OUT / f"dvctt_{rows}.xlsx", HEADER, (row(i) for i in range(rows)))


def unknown_names_file(rows: int = 50_000) -> Path:
    """A BDHVS workbook of `rows` distinct commune names that no unit has."""
    names = itertools.product(national.SYLLABLES, national.SYLLABLES, ("Thượng", "Hạ", "Trung", "Đông", "Tây",
                                                                        "Nam", "Bắc", "Mới", "Cũ", "Ngoài"), "ABCDEFGH")
    return _workbook(OUT / f"bdhvs_unknown_names_{rows}.xlsx", ["Tên xã", "Ngày số liệu", "Số học viên tham gia"],
                     ([f"Xã {a} {b} {c} {d}", "18/11/2025", 10 + i % 500]
                      for i, (a, b, c, d) in zip(range(rows), names, strict=False)))


def communes_only(tmp: Path) -> Path:
    """A warehouse holding the reference communes and the views."""
    path = tmp / "base" / "warehouse.duckdb"
    load.load_path(load.REFERENCE_COMMUNES, "communes", db_file=path)
    with db.write_connection(path) as con:
        models.build(con)
    return path


def timed_loads(base: Path, tmp: Path, path: Path, dataset: str | None, repeat: int,
                label: str) -> tuple[dict[str, list[float]], load.LoadResult]:
    """Load `path` `repeat` times, each into a fresh copy of `base`: the seconds of its read, checks, insert and
    in total, each time, and the last result."""
    parts: dict[str, list[float]] = {"read": [], "checks": [], "insert": [], "total": []}
    for i in range(repeat):
        target = tmp / f"load-{label}-{i}" / "warehouse.duckdb"
        target.parent.mkdir(parents=True)
        shutil.copyfile(base, target)
        t0 = time.perf_counter()
        result = load.load_path(path, dataset, db_file=target)
        parts["total"].append(time.perf_counter() - t0)
        for k in ("read", "checks", "insert"):
            parts[k].append(result.timings.get(k, 0.0))
    return parts, result


def floor(path: Path, tmp: Path, repeat: int) -> list[float]:
    """Seconds to read the sheet's cells into typed columns (fastexcel, header in row 1) and insert them into a
    new DuckDB file: what any loader must do at least."""
    import duckdb
    import fastexcel

    out = []
    for _ in range(repeat):
        target = tmp / f"floor-{path.stem}-{time.perf_counter_ns()}.duckdb"
        t0 = time.perf_counter()
        cells = fastexcel.read_excel(path).load_sheet(0).to_arrow()  # noqa: F841  (read by DuckDB by name)
        con = duckdb.connect(str(target))
        con.execute("create table cells as select * from cells")
        con.close()
        out.append(time.perf_counter() - t0)
    return out


def bench_loads(base: Path, tmp: Path, repeat: int, record) -> dict[str, dict[str, float]]:
    """Each size: the load's parts and its floor, recorded as `record(what, seconds, note)`; the unknown names.
    Returns {rows: {"load": median s, "floor": median s}} (also written to bench/out/loads.json)."""
    figures = {}
    os.sync()  # what others wrote (make bench makes the national warehouse first) is not flushed by a load's fsync
    for rows in SIZES:
        path = dvctt_file(rows)
        times = max(1, repeat // 2) if rows > 100_000 else repeat
        parts: dict[str, list[float]] = {}
        least: list[float] = []
        for i in range(times):  # a load and the floor in turn: the machine's speed drifts (±30 %) alike for both
            one, result = timed_loads(base, tmp, path, "dvctt", 1, f"{rows}-{i}")
            assert result.status == load.LOADED and result.rows == rows, result.summary()
            for k, v in one.items():
                parts.setdefault(k, []).extend(v)
            least += floor(path, tmp, 1)
        label = f"{rows:,}".replace(",", ".")
        for k, v in parts.items():
            record(f"load {label} rows × 12 columns: {k}", v, f"{result.rows} rows")
        record(f"floor at {label} rows (fastexcel read + DuckDB insert)", least, "the least any loader must do")
        figures[str(rows)] = {"load": statistics.median(parts["total"]), "floor": statistics.median(least)}
        ratio = figures[str(rows)]["load"] / figures[str(rows)]["floor"]
        print(f"  load / floor at {label} rows: {ratio:.2f}×", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "loads.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    bench_unknown_names(base, tmp, max(1, repeat // 2), record)
    return figures


def bench_unknown_names(base: Path, tmp: Path, repeat: int, record) -> None:
    """A file of 50.000 distinct unknown commune names: read, every name refused with its suggestions."""
    parts, result = timed_loads(base, tmp, unknown_names_file(), "bdhvs", repeat, "unknown names")
    assert result.status == load.REJECTED and any("gần nhất" in f.message for f in result.errors[:5]), \
        [f.describe() for f in result.errors[:5]]
    notes = {"read": "names resolved, suggestions made", "checks": "great-expectations on the 50.000 rows",
             "insert": "meta.loads with every finding, the original to quarantine/", "total": ""}
    for k, v in parts.items():
        record(f"50.000 unknown names refused: {k}", v, notes[k] or f"{len(result.errors)} findings")
    import duckdb

    con = duckdb.connect(str(base), read_only=True)
    index = load.known_communes(con)
    con.close()
    names = [f"Xã Không Có {i}" for i in range(5000)]
    t0 = time.perf_counter()
    index.resolve_many(names)
    record("suggestions (rapidfuzz): per distinct unknown name", [(time.perf_counter() - t0) / len(names)],
           f"{len(index.by_key)} units")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, float, str]] = []

    def record(what: str, seconds: list[float], note: str = "") -> None:
        rows.append((what, statistics.median(seconds), note))
        print(f"  {what}: {statistics.median(seconds) * 1000:,.0f} ms", file=sys.stderr)

    from warehouse import quality

    quality._batch_definition()  # GX imported before timing loads, as in a running server
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        figures = bench_loads(communes_only(tmp), tmp, args.repeat, record)
    print("\n| rows | load | floor | load / floor |\n| ---: | ---: | ---: | ---: |")
    for size, got in figures.items():
        print(f"| {int(size):,} | {got['load']:.2f} s | {got['floor']:.2f} s | {got['load'] / got['floor']:.2f}× |"
              .replace(",", "."))
    print("\n| what | median | note |\n| --- | ---: | --- |")
    for what, seconds, note in rows:
        print(f"| {what} | {f'{seconds * 1000:,.0f}'.replace(',', '.')} ms | {note} |")


if __name__ == "__main__":
    main()
