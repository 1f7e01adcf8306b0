"""The figures of one `make bench` run in one table (issue 13's list): each bench script saves what it measured to
bench/out/<script>.json (`save`), and this prints them, "chưa đo" where a figure is missing.

    .venv/bin/python bench/summary.py

Sources: bench/server.py (views and server CPU at national scale), bench/memory.py --loads (server memory across
sessions and loads), bench/run.py (its rows, the 50.000 unknown names among them), bench/snapshots.py (the read
snapshot after a load of each dataset). Load time against the floor comes from bench/out/loads.json, which the
load-time part of bench/run.py writes as {"1000": {"load": seconds, "floor": seconds}, "50000": …, "300000": …}
(the floor: reading the cells and inserting them, nothing else).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
MISSING = "chưa đo"
LOAD_SIZES = (1_000, 50_000, 300_000)
DEV, PROD = "development (watcher + GC per run)", "production profile"


def save(name: str, figures: dict) -> Path:
    """Write a script's figures to bench/out/<name>.json for the summary."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def figures(name: str) -> dict:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def num(value: float, decimals: int = 2) -> str:
    """A figure written the Vietnamese way: 1.234,56."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def either(*values, text) -> str:
    """`text` when every value was measured, else "chưa đo"."""
    return text() if all(v is not None for v in values) else MISSING


def view_lines(server: dict) -> list[tuple[str, str]]:
    first, warm = server.get("first view after a load (s)"), server.get("warm view (s)")
    dev, prod = (server.get(f"server CPU per warm view, {name}") for name in (DEV, PROD))
    return [
        ("first view after a load / warm view, national (≤ 1,3)",
         either(first, warm, text=lambda: f"{num(first)} s / {num(warm)} s = {num(first / warm)}")),
        ("server CPU per warm view, national: Streamlit defaults (make dev) → production profile",
         either(dev, prod, text=lambda: f"{num(dev)} s → {num(prod)} s")),
    ]


def memory_line(memory: dict) -> tuple[str, str]:
    what = f"server memory, {memory.get('sessions', 100)} sessions and {memory.get('loads', 5)} loads: start / peak / end"
    start, peak, end = memory.get("start"), memory.get("peak"), memory.get("end")
    return what, either(start, peak, end, text=lambda: f"{num(start, 0)} / {num(peak, 0)} / {num(end, 0)} MB")


def load_lines(loads: dict) -> list[tuple[str, str]]:
    out = []
    for rows in LOAD_SIZES:
        got = loads.get(str(rows), {})
        load, floor = got.get("load"), got.get("floor")
        limit = " (≤ 2×)" if rows == 50_000 else ""
        out.append((f"load time / floor at {num(rows, 0)} rows{limit}",
                    either(load, floor, text=lambda load=load, floor=floor:
                           f"{num(load)} s / {num(floor)} s = {num(load / floor, 1)}×")))
    return out


def unknown_names_line(run: dict) -> tuple[str, str]:
    total, read = run.get("50.000 unknown names refused: total"), run.get("50.000 unknown names refused: read")
    return ("a file of 50.000 unknown commune names, refused with suggestions: total (read)",
            either(total, read, text=lambda: f"{num(total, 1)} s ({num(read, 1)} s)"))


def snapshot_lines(snapshots: dict) -> list[tuple[str, str]]:
    return [(f"read snapshot after a load of {dataset}, national: before (every view) → after (views rebuilt)",
             f"{num(got['full_s'], 1)} s → {num(got['refresh_s'], 1)} s ({len(got['views'])})"
             + (f", differ: {', '.join(got['differ'])}" if got.get("differ") else ""))
            for dataset, got in snapshots.items()]


def lines() -> list[tuple[str, str]]:
    return [*view_lines(figures("server")), memory_line(figures("memory")), *load_lines(figures("loads")),
            unknown_names_line(figures("run")), *snapshot_lines(figures("snapshots"))]


def main() -> None:
    print("\n## make bench\n\n| what | figure |\n| --- | ---: |")
    for what, value in lines():
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
