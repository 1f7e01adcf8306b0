"""A national-scale warehouse for the benchmark: 3.321 communes × 104 weekly BDHVS snapshots,
24 monthly periods of broadband and DVCTT, the sample province plan (targets_tinh.xlsx).

    .venv/bin/python bench/national.py OUT.duckdb

The 96 real communes of Quảng Ngãi keep their codes (so the map still draws) and 3.225
synthetic ones are added, in synthetic provinces and districts. The rows go in through the
load path's own insert (`load._insert_rows`) with a `meta.loads` row per file, as a real
load writes them, but without reading workbooks or running the checks (that would take
an hour and is measured elsewhere): 1 communes load, 24 + 24 + 104 dataset loads, and the
sample targets workbook through the real `load.load_path`. Deterministic.
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warehouse import db, load, models  # noqa: E402

N_COMMUNES = 3321
N_SNAPSHOTS = 104
N_MONTHS = 24
LAST_SNAPSHOT = date(2025, 11, 18)
LAST_MONTH_END = date(2025, 11, 30)
SYLLABLES = ("An", "Bình", "Hòa", "Phú", "Thạnh", "Tân", "Long", "Sơn", "Hải", "Đông", "Tây", "Nam", "Bắc",
             "Trung", "Mỹ", "Lộc", "Phước", "Vĩnh", "Hưng", "Thành", "Đức", "Nghĩa", "Quang", "Minh", "Thuận")


def month_ends(n: int, last: date) -> list[date]:
    """The last days of n consecutive months ending with `last`, oldest first."""
    ends, current = [], pd.Timestamp(last)
    for _ in range(n):
        ends.append(current.date())
        current = (current - pd.offsets.MonthEnd(1))
    return ends[::-1]


def communes_frame(rng: np.random.Generator) -> pd.DataFrame:
    """The 96 real units plus synthetic ones up to N_COMMUNES, with provinces and districts."""
    with open(load.REFERENCE_COMMUNES, encoding="utf-8") as fh:
        real = pd.DataFrame(list(csv.DictReader(fh)))
    real["population"] = real["population"].astype("int64")
    real["area_km2"] = real["area_km2"].astype(float)
    n = N_COMMUNES - len(real)
    index = np.arange(n)
    names = [f"{SYLLABLES[i % 25]} {SYLLABLES[(i // 25) % 25]} {i // 625 + 1}" for i in index]
    kinds = rng.choice(["xã", "phường", "đặc khu"], size=n, p=[0.78, 0.21, 0.01])
    prefix = {"xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"}
    synthetic = pd.DataFrame({
        "commune_code": [f"{30000 + i:05d}" for i in index],
        "commune_name": [f"{prefix[k]} {name}" for k, name in zip(kinds, names, strict=True)],
        "unit_type": kinds,
        "former_district": [f"Huyện {SYLLABLES[i // 5 % 25]} {i // 125 + 1}" for i in index],
        "former_province": [f"Tỉnh {SYLLABLES[i // 60 % 25]} {i // 1500 + 1}" for i in index],
        "merged_from": "",
        "population": rng.integers(4_000, 90_000, size=n),
        "area_km2": rng.uniform(5, 600, size=n).round(2),
    })
    frame = pd.concat([real, synthetic], ignore_index=True)
    frame["valid_from"] = date(2025, 7, 1)
    frame["valid_to"] = None
    return frame


def broadband_frame(communes: pd.DataFrame, period: date, step: int, rng: np.random.Generator) -> pd.DataFrame:
    n = len(communes)
    villages = rng.integers(5, 40, size=n)
    growth = step / N_MONTHS
    households = (communes["population"].to_numpy() / 3.8).astype("int64")
    return pd.DataFrame({
        "commune_code": communes["commune_code"].to_numpy(),
        "period": period,
        "villages_total": villages,
        "villages_4g": np.minimum(villages, (villages * rng.uniform(0.7 + 0.2 * growth, 1.0, size=n)).astype("int64")),
        "coverage_5g_pct": np.clip(rng.normal(20 + 40 * growth, 15, size=n), 0, 100).round(1),
        "bts_stations": rng.integers(2, 40, size=n),
        "fixed_broadband_subs": (households * rng.uniform(0.3, 0.9, size=n)).astype("int64"),
        "households": households,
        "fibre_households": (households * rng.uniform(0.2 + 0.3 * growth, 0.9, size=n)).astype("int64"),
        "mobile_subs": (communes["population"].to_numpy() * rng.uniform(0.7, 1.3, size=n)).astype("int64"),
    })


def dvctt_frame(communes: pd.DataFrame, period_end: date, step: int, rng: np.random.Generator) -> pd.DataFrame:
    n = len(communes)
    total = rng.integers(80, 2500, size=n)
    online = (total * np.clip(rng.normal(0.55 + 0.3 * step / N_MONTHS, 0.12, size=n), 0, 1)).astype("int64")
    resolved = (total * rng.uniform(0.85, 0.97, size=n)).astype("int64")
    on_time = (resolved * rng.uniform(0.9, 1.0, size=n)).astype("int64")
    pending = ((total - resolved) * 0.8).astype("int64")
    full_received = (online * rng.uniform(0.3, 0.6, size=n)).astype("int64")
    partial_received = (total * rng.uniform(0.2, 0.4, size=n)).astype("int64")
    fee = (total * 0.3).astype("int64")
    return pd.DataFrame({
        "commune_code": communes["commune_code"].to_numpy(),
        "period_start": period_end.replace(day=1),
        "period_end": period_end,
        "received_total": total, "received_online": online, "received_direct": total - online,
        "resolved_total": resolved, "resolved_on_time": on_time, "resolved_late": resolved - on_time,
        "pending_total": pending, "pending_overdue": (pending * 0.1).astype("int64"),
        "withdrawn": total - resolved - pending,
        "partial_procedures": rng.integers(50, 200, size=n), "partial_received": partial_received,
        "partial_online": (partial_received * rng.uniform(0.4, 0.9, size=n)).astype("int64"),
        "full_procedures": rng.integers(100, 400, size=n), "full_received": full_received,
        "full_online": (full_received * rng.uniform(0.7, 1.0, size=n)).astype("int64"),
        "digitized_dossiers": (total * rng.uniform(0.5, 1.0, size=n)).astype("int64"),
        "digitized_results": (resolved * rng.uniform(0.5, 1.0, size=n)).astype("int64"),
        "fee_dossiers": fee, "paid_online": (fee * rng.uniform(0.2, 0.9, size=n)).astype("int64"),
    })


def bdhvs_frame(communes: pd.DataFrame, snapshot: date, step: int, base: np.ndarray) -> pd.DataFrame:
    learners = (base * (0.2 + 0.8 * (step + 1) / N_SNAPSHOTS)).astype("int64")
    return pd.DataFrame({
        "commune_code": communes["commune_code"].to_numpy(),
        "snapshot_date": snapshot,
        "learners": learners,
        "topics_completed": (learners * 2.5).astype("int64"),
        "certificates": (learners * 0.6).astype("int64"),
    })


def _record(con, dataset: str, file_name: str, frame: pd.DataFrame) -> None:
    """One load as the load path writes it: a meta.loads row and the rows under its load_id."""
    load_id = con.execute("select nextval('meta.load_id_seq')").fetchone()[0]
    con.execute("""
        insert into meta.loads (load_id, dataset, file_name, sha256, sheet, status, rows_read, rows_loaded,
                                n_errors, n_warnings, findings, loaded_by, loaded_at, is_sample)
        values (?, ?, ?, ?, 'Báo cáo', 'loaded', ?, ?, 0, 0, '[]', 'bench', ?, true)
    """, [load_id, dataset, file_name, f"national-{load_id:06d}", len(frame), len(frame), datetime.now()])
    frame = frame.assign(source_row=np.arange(2, len(frame) + 2))
    load._insert_rows(con, dataset, frame, load_id)


def generate(path: Path) -> Path:
    """Write the national warehouse to `path` (replaced if present)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    rng = np.random.default_rng(20251118)
    communes = communes_frame(rng)
    base = communes["population"].to_numpy() * rng.uniform(0.02, 0.12, size=len(communes))
    with db.write_connection(path) as con:
        con.begin()
        _record(con, "communes", "communes_national.csv", communes)
        for step, period in enumerate(month_ends(N_MONTHS, LAST_MONTH_END)):
            _record(con, "broadband", f"broadband_{period:%Y%m}.xlsx", broadband_frame(communes, period, step, rng))
            _record(con, "dvctt", f"dvctt_{period:%Y%m}.xlsx", dvctt_frame(communes, period, step, rng))
        for step in range(N_SNAPSHOTS):
            snapshot = LAST_SNAPSHOT - timedelta(weeks=N_SNAPSHOTS - 1 - step)
            _record(con, "bdhvs", f"bdhvs_{snapshot:%Y%m%d}.xlsx", bdhvs_frame(communes, snapshot, step, base))
        con.commit()
        models.build(con)
    result = load.load_path(load.SAMPLES_DIR / "targets_tinh.xlsx", "targets", db_file=path, loaded_by="bench",
                            is_sample=True)
    assert result.status == load.LOADED, result.summary()
    return path


if __name__ == "__main__":
    t0 = time.perf_counter()
    out = generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "out" / "national.duckdb")
    print(f"{out}: {out.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - t0:,.1f} s", file=sys.stderr)
