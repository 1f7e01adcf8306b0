"""Tables for the leader's pages and the printable brief: query frames shaped into Vietnamese tables.

Pure pandas on small frames (one commune, one year of the plan); no SQL, no Streamlit. Each function
returns a frame whose column names are the Vietnamese headers shown and exported.
"""

from __future__ import annotations

import pandas as pd

from warehouse import formatting, metrics

UNTRACKED = "Chưa có số đo trong kho"


def _metric(name: object) -> metrics.Metric | None:
    return metrics.METRICS.get(name) if isinstance(name, str) else None


def _label(name: object) -> str:
    metric = _metric(name)
    return metric.label if metric else "–"


def _format(name: object, value: object) -> str:
    metric = _metric(name)
    return metric.format(value) if metric else formatting.number(value, 1)


def _rank(rank: object, of: object) -> str:
    return "–" if pd.isna(rank) or pd.isna(of) else formatting.rank(rank, of)


def measures_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One commune's measures (queries.commune_measures) as shown: value, rank x/n, change, movement, province."""
    rows = []
    for r in frame.itertuples():
        metric = metrics.get(r.metric)
        rows.append({
            "Nhóm": metrics.DATASET_SHORT[r.dataset],
            "Chỉ số": metric.label,
            "Kỳ": metrics.period_label(r.dataset, r.period_start, r.period_end),
            "Giá trị": metric.format(r.value),
            "Hạng": _rank(r.rank, r.units_ranked),
            "Thay đổi so với kỳ trước": metrics.change_text(metric, r.change),
            "Thứ hạng": metrics.movement(r.rank_change),
            "Toàn tỉnh": metric.format(r.province_value),
        })
    return pd.DataFrame(rows, columns=["Nhóm", "Chỉ số", "Kỳ", "Giá trị", "Hạng", "Thay đổi so với kỳ trước",
                                       "Thứ hạng", "Toàn tỉnh"])


MEASURES_EXPORT_FORMATS = {"Giá trị": "dec2", "Hạng": "int", "Số đơn vị xếp hạng": "int", "Thay đổi": "dec2",
                           "Thay đổi hạng (+ lên, − xuống)": "int", "Toàn tỉnh": "dec2",
                           "Từ ngày": "date", "Đến ngày": "date"}


def measures_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The same measures with numbers kept as numbers, for the .xlsx export."""
    return pd.DataFrame({
        "Nhóm": frame["dataset"].map(metrics.DATASET_SHORT),
        "Chỉ số": frame["metric"].map(_label),
        "Từ ngày": frame["period_start"],
        "Đến ngày": frame["period_end"],
        "Giá trị": frame["value"],
        "Hạng": frame["rank"],
        "Số đơn vị xếp hạng": frame["units_ranked"],
        "Thay đổi": frame["change"],
        "Thay đổi hạng (+ lên, − xuống)": frame["rank_change"],
        "Toàn tỉnh": frame["province_value"],
    })


def wide_table(frame: pd.DataFrame, names: list[str], moved: tuple[str, ...] = ()) -> pd.DataFrame:
    """Measures pivoted per commune (queries._wide) as shown: each measure's value, its rank x/n (the province's own
    rank where the warehouse does not hold the full table, marked '*') and, for the measures `moved`, its movement
    since the previous period."""
    out = {"Đơn vị": frame["commune_name"]}
    for metric in map(metrics.get, names):
        name, short = metric.name, metric.short_label
        out[short] = frame[name].map(metric.format)
        out[f"Hạng {short.lower()}"] = _ranks_shown(frame, name)
        if name in moved:
            out[f"Thay đổi hạng {short.lower()}"] = frame[f"{name}_rank_change"].map(metrics.movement)
    return pd.DataFrame(out)


def _ranks_shown(frame: pd.DataFrame, name: str) -> list[str]:
    """A measure's rank x/n per row of a wide frame, '*' where it is the province's own (rank_source 'official')."""
    return [_rank(r, n) + ("*" if source == "official" else "")
            for r, n, source in zip(frame[f"{name}_rank"], frame[f"{name}_units_ranked"], frame[f"{name}_rank_source"],
                                    strict=True)]


def ranking_bars(frame: pd.DataFrame, name: str, first: int | None = None, last: int = 0) -> pd.DataFrame:
    """The ranked units of one measure of a wide frame (queries.bdhvs_rankings), best first, as a ranking chart
    draws them: 'label' ('9. Phường Trà Câu'), the value and its text, rank x/n, the movement; only the `first`
    best and the `last` worst when `first` is given (only those are formatted: 3.321 units take 80 ms). A unit
    whose value is not ranked (a qualified value, 'khoảng …') is left out, as from every ranking."""
    metric = metrics.get(name)
    ranked = frame[frame[f"{name}_rank"].notna()].sort_values([f"{name}_rank", "commune_name"], ignore_index=True)
    if first is not None:
        ranked = ranked[(ranked.index < first) | (ranked.index >= len(ranked) - last)]
    return pd.DataFrame({
        "commune_code": ranked["commune_code"],
        "commune_name": ranked["commune_name"],
        "former_district": ranked["former_district"],
        "label": [f"{int(r)}. {n}" for r, n in zip(ranked[f"{name}_rank"], ranked["commune_name"], strict=True)],
        "value": ranked[name],
        "value_text": ranked[name].map(metric.format),
        "rank_text": _ranks_shown(ranked, name),
        "movement": ranked[f"{name}_rank_change"].map(metrics.movement),
    })


def rank_movers(frame: pd.DataFrame, name: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` units that rose most and the `n` that fell most in one measure's rank since the previous snapshot
    (queries._wide's rank_change: previous rank − rank); ties by today's rank. Only units ranked on both dates
    move (a qualified value is never ranked, so never moves)."""
    change = frame[f"{name}_rank_change"]
    moved = pd.DataFrame({
        "commune_code": frame["commune_code"], "commune_name": frame["commune_name"],
        "rank": frame[f"{name}_rank"], "units_ranked": frame[f"{name}_units_ranked"],
        "rank_change": change, "previous_rank": frame[f"{name}_rank"] + change,
    })[change.notna() & change.ne(0)]
    up = moved[moved["rank_change"] > 0].sort_values(["rank_change", "rank", "commune_name"], ascending=[False, True, True])
    down = moved[moved["rank_change"] < 0].sort_values(["rank_change", "rank", "commune_name"])
    return up.head(n).reset_index(drop=True), down.head(n).reset_index(drop=True)


def bdhvs_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The same ranking with numbers kept as numbers, for the .xlsx export: value, rank, n and change per measure."""
    out = {"Đơn vị": frame["commune_name"]}
    for metric in metrics.of_dataset("bdhvs"):
        name, short = metric.name, metric.short_label
        out[short] = frame[name]
        out[f"Hạng {short.lower()}"] = frame[f"{name}_rank"]
        out[f"Số đơn vị xếp hạng ({short.lower()})"] = frame[f"{name}_units_ranked"]
        out[f"Thay đổi hạng {short.lower()} (+ lên, − xuống)"] = frame[f"{name}_rank_change"]
    return pd.DataFrame(out)


def former_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures of units from before the merger (queries.former_unit_values) as shown: whose, which measure, which
    period, the value as reported, the units it went into."""
    return pd.DataFrame({
        "Đơn vị cũ": frame["former_name"],
        "Chỉ số": frame["metric"].map(_label),
        "Kỳ": [metrics.period_label(d, s, e) for d, s, e in zip(frame["dataset"], frame["period_start"],
                                                                  frame["period_end"], strict=True)],
        "Giá trị": [_value_as_written(m, v, q) for m, v, q in zip(frame["metric"], frame["value"], frame["qualifier"],
                                                              strict=True)],
        "Nay thuộc": frame["went_into"],
    })


def _value_as_written(metric: str, value: object, qualifier: object) -> str:
    return qualified(_format(metric, value), qualifier)


def target_text(row) -> str:
    """The target of a row of the targets marts, as written ('≥ 70 %')."""
    return metrics.target_label(row["comparator"], row["target_value"], row["target_upper"], row["unit"],
                                row["target_text"])


def commune_targets_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One commune's targets of a year (queries.commune_targets), the province's plan's and its own: met or missed,
    by how much."""
    rows = []
    for _, r in frame.iterrows():
        rows.append({
            "Kế hoạch": "của tỉnh" if r["plan_unit"] == "province" else "riêng của đơn vị",
            "Chỉ tiêu": f"{r['indicator_code']}. {r['indicator_name']}",
            "Đo bằng": _label(r["metric"]) + (" (gần đúng)" if r["is_proxy"] else ""),
            "Mục tiêu": target_text(r),
            "Thực tế": qualified(_format(r["metric"], r["actual"]), r["qualifier"]),
            "Kết quả": metrics.status_label(r["status"]),
            "Còn thiếu": _still_to_go(r),
        })
    return pd.DataFrame(rows, columns=["Kế hoạch", "Chỉ tiêu", "Đo bằng", "Mục tiêu", "Thực tế", "Kết quả", "Còn thiếu"])


def qualified(text: str, qualifier: object) -> str:
    """A value as the report wrote it: '> 75,0 %' for "trên 75%", '≈ 62,0 %' for "khoảng 62%"."""
    return f"{qualifier} {text}" if isinstance(qualifier, str) and text != "–" else text


def _still_to_go(row) -> str:
    """What is left: the shortfall of a missed target; for one not yet due, the share of the way come."""
    if row["status"] == "missed":
        return _shortfall(row)
    if row["status"] == "not_due" and not pd.isna(row["progress_pct"]):
        return f"đạt {formatting.number(row['progress_pct'], 0)} % chặng đường"
    return "–"


def _shortfall(row) -> str:
    return shortfall_text(_metric(row["metric"]), row["shortfall"])


def shortfall_text(metric: metrics.Metric | None, value: object) -> str:
    """How far below the target: '6,6 điểm %' for a rate, '12,5' otherwise; '–' when met or unknown."""
    if pd.isna(value) or value == 0:
        return "–"
    if metric and metric.unit == "pct":
        return f"{formatting.number(value, 1)} điểm %"
    return formatting.number(value, 1)


def summary_table(frame: pd.DataFrame, unit: str = "toàn tỉnh") -> pd.DataFrame:
    """A plan's indicators of a year (queries.target_summary): the attainment of the plan's unit (`unit`: 'toàn
    tỉnh', or the unit whose own plan it is, heads its columns) and the communes meeting it. Indicators no measure
    of the warehouse tracks are listed as such."""
    value, result = unit[0].upper() + unit[1:], f"Kết quả {unit}"
    rows = []
    for _, r in frame.iterrows():
        tracked = bool(r["is_tracked"])
        communes = (f"{int(r['communes_met'])}/{int(r['communes_with_data'])}"
                    if tracked and not pd.isna(r["communes_with_data"]) and r["communes_with_data"] else "–")
        rows.append({
            "STT": r["indicator_code"],
            "Chỉ tiêu": r["indicator_name"],
            "Mục tiêu": target_text(r),
            "Đo bằng": (_label(r["metric"]) + (" (gần đúng)" if r["is_proxy"] else "")) if tracked else "–",
            value: _format(r["metric"], r["unit_actual"]) if tracked else "–",
            result: metrics.status_label(r["unit_status"]) if tracked else UNTRACKED,
            "Số xã đạt": communes,
        })
    return pd.DataFrame(rows, columns=["STT", "Chỉ tiêu", "Mục tiêu", "Đo bằng", value, result, "Số xã đạt"])


def plan_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """The whole plan as the appendix writes it: one row per indicator, one column per year (queries.plan_targets)."""
    if frame.empty:
        return pd.DataFrame(columns=["STT", "Chỉ tiêu", "Đơn vị", "Đo bằng"])
    first = frame.drop_duplicates(["indicator_code", "year"]).copy()
    first["label"] = [target_text(r) for _, r in first.iterrows()]
    wide = first.pivot(index="indicator_code", columns="year", values="label")
    wide.columns = [f"Năm {year}" for year in wide.columns]
    tracked = frame[frame["is_tracked"]].drop_duplicates(["indicator_code", "metric"])
    tracked = tracked.assign(label=[_label(m) + (" (gần đúng)" if proxy else "")
                                    for m, proxy in zip(tracked["metric"], tracked["is_proxy"], strict=True)])
    measured = tracked.groupby("indicator_code", sort=False)["label"].agg("; ".join)
    info = first.drop_duplicates("indicator_code").set_index("indicator_code")
    out = pd.DataFrame({
        "STT": info.index,
        "Chỉ tiêu": info["indicator_name"].to_numpy(),
        "Đơn vị": info["unit"].fillna("").to_numpy(),
        "Đo bằng": [measured.get(code, UNTRACKED) for code in info.index],
    })
    return out.join(wide.reindex(info.index).fillna("–").reset_index(drop=True))


def laggards_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The laggards (queries.target_laggards) wide: one row per commune, its value on each tracked measure and
    how many targets it misses; with a same-shaped mask of the cells whose target is missed."""
    if frame.empty:
        empty = pd.DataFrame(columns=["Hạng", "Đơn vị", "Huyện cũ", "Chưa đạt"])
        return empty, empty.astype(bool)
    frame = frame.assign(
        cell=[_format(m, a) for m, a in zip(frame["metric"], frame["actual"], strict=True)],
        missed=frame["met"].eq(False).fillna(False).astype(bool),
        column=[f"{code} · {_label(m)}" for code, m in zip(frame["indicator_code"], frame["metric"], strict=True)],
    )
    order = list(dict.fromkeys(frame["column"]))
    head = frame.drop_duplicates("commune_code").set_index("commune_code")
    out = pd.DataFrame({
        "Hạng": head["laggard_rank"].astype(int),
        "Đơn vị": head["commune_name"],
        "Huyện cũ": head["former_district"].fillna("–"),
        "Chưa đạt": [f"{int(m)}/{int(j)}" for m, j in zip(head["targets_missed"], head["targets_judged"], strict=True)],
    })
    cells = frame.pivot(index="commune_code", columns="column", values="cell")[order]
    missed = frame.pivot(index="commune_code", columns="column", values="missed")[order].fillna(False).astype(bool)
    table = out.join(cells).reset_index(drop=True)
    mask = pd.DataFrame(False, index=out.index, columns=out.columns).join(missed).reset_index(drop=True)
    return table, mask.astype(bool)
