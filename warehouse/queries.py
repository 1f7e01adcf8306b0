"""Named read queries the pages use. Values are bound parameters, never formatted in.

Each function takes a DuckDB connection (or cursor) first and returns a
DataFrame or plain values; none of them writes.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from warehouse import datasets, metrics

Con = duckdb.DuckDBPyConnection


def _df(con: Con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def data_freshness(con: Con) -> pd.DataFrame:
    """Per dataset: latest period in the data, latest accepted load, warnings in those loads, sample or not."""
    return _df(con, """
        with periods as (
            select 'broadband' as dataset, max(period) as latest_period from stg_broadband
            union all select 'dvctt', max(period_end) from stg_dvctt
            union all select 'bdhvs', max(snapshot_date) from stg_bdhvs
            union all select 'targets', null from stg_targets
            union all select 'communes', null from stg_communes
        ),
        loads as (
            select
                dataset,
                max(loaded_at) as last_loaded_at,
                sum(n_warnings) as warnings,
                bool_or(is_sample) as has_sample,
            from meta.loads
            where status = 'loaded' and retracted_at is null
            group by dataset
        )
        select periods.dataset, periods.latest_period, loads.last_loaded_at, loads.warnings, loads.has_sample
        from periods left join loads using (dataset)
    """)


def has_sample_data(con: Con) -> bool:
    row = con.execute("""
        select count(*) from meta.loads
        where is_sample and status = 'loaded' and retracted_at is null
    """).fetchone()
    return bool(row[0])


def province_kpis(con: Con) -> pd.DataFrame:
    """Each metric's province value at its dataset's latest period, with the previous period's value."""
    return _df(con, """
        with summary as (
            select * from mart_province_summary
        ),
        ordered as (
            select
                *,
                lag(value) over (partition by dataset, metric order by period_end) as previous_value,
                lag(period_end) over (partition by dataset, metric order by period_end) as previous_period_end,
                row_number() over (partition by dataset, metric order by period_end desc) as recency,
            from summary
        )
        select dataset, metric, period_start, period_end, value, previous_value, previous_period_end, units_reporting
        from ordered
        where recency = 1
    """)


def metric_periods(con: Con, metric: str) -> list[date]:
    """The periods (period_end) a metric has data for, newest first."""
    rows = con.execute("""
        select distinct period_end from mart_commune_metrics
        where metric = ? and value is not null
        order by period_end desc
    """, [metric]).fetchall()
    return [r[0] for r in rows]


def filter_options(con: Con) -> dict[str, list[str]]:
    """Distinct former provinces, former districts and unit types of the current communes."""
    frame = _df(con, "select former_province, former_district, unit_type from stg_communes where is_current")
    return {col: sorted(v for v in frame[col].dropna().unique()) for col in frame.columns}


def commune_metric(con: Con, metric: str, period_end: date, former_province: list[str] | None = None,
                   former_district: list[str] | None = None, unit_type: list[str] | None = None) -> pd.DataFrame:
    """One metric for every commune at one period, filtered; with rank x/n among all reporting communes."""
    return _df(con, """
        select commune_code, commune_name, unit_type, former_province, former_district,
               period_start, period_end, value, rank, units_ranked
        from mart_commune_metrics
        where metric = ? and period_end = ?
          and (? is null or list_contains(?, former_province))
          and (? is null or list_contains(?, former_district))
          and (? is null or list_contains(?, unit_type))
        order by value desc nulls last, commune_name
    """, [metric, period_end, former_province or None, former_province or None,
          former_district or None, former_district or None, unit_type or None, unit_type or None])


def province_reference(con: Con, metric: str, period_end: date) -> float | None:
    """The province line drawn next to communes: the rate (ratio of sums), or for a count the mean per unit."""
    row = con.execute("""
        select case when denominator is null then value / nullif(units_reporting, 0) else value end
        from mart_province_summary where metric = ? and period_end = ?
    """, [metric, period_end]).fetchone()
    return row[0] if row else None


def bdhvs_snapshots(con: Con) -> list[date]:
    rows = con.execute("select distinct snapshot_date from mart_bdhvs_rankings order by 1 desc").fetchall()
    return [r[0] for r in rows]


def bdhvs_rankings(con: Con, snapshot_date: date) -> pd.DataFrame:
    """The Bình dân học vụ số table of one snapshot, best learners rank first."""
    return _df(con, """
        select commune_code, commune_name, unit_type, former_district, population,
               learners, topics_completed, certificates, learners_per_1000,
               rank_learners, rank_topics, rank_certificates, rank_per_population,
               rank_learners_change, rank_topics_change, rank_certificates_change, rank_per_population_change,
               prev_snapshot_date, units_ranked
        from mart_bdhvs_rankings
        where snapshot_date = ?
        order by rank_learners nulls last, commune_name
    """, [snapshot_date])


def load_history(con: Con, limit: int = 200) -> pd.DataFrame:
    """The newest loads first, accepted and rejected."""
    return _df(con, """
        select load_id, dataset, file_name, status, rows_read, rows_loaded, n_errors, n_warnings,
               loaded_by, loaded_at, retracted_at, retracted_by, is_sample, sha256
        from meta.loads
        order by load_id desc
        limit ?
    """, [limit])


def load_findings(con: Con, load_id: int) -> pd.DataFrame:
    """The findings recorded for one load, errors first."""
    return _df(con, """
        with findings as (
            select unnest(from_json(findings, '["json"]')) as f from meta.loads where load_id = ?
        )
        select
            f->>'severity' as severity,
            f->>'sheet' as sheet,
            cast(f->>'row' as integer) as row,
            f->>'column' as "column",
            f->>'value' as value,
            f->>'message' as message,
        from findings
        order by severity = 'warning', row nulls first
    """, [load_id])


def known_metrics(con: Con) -> list[str]:
    """Metrics of the catalogue that have data, in catalogue order."""
    present = {r[0] for r in con.execute("select distinct metric from mart_commune_metrics where value is not null").fetchall()}
    return [name for name in metrics.METRICS if name in present]


def load_detail(con: Con, load_id: int) -> dict | None:
    """One load's record (file, sheet, who, when, where the original is kept), or None."""
    frame = _df(con, """
        select load_id, dataset, file_name, sha256, sheet, status, rows_read, rows_loaded, n_errors, n_warnings,
               loaded_by, loaded_at, retracted_at, retracted_by, stored_path, is_sample
        from meta.loads
        where load_id = ?
    """, [load_id])
    return None if frame.empty else frame.iloc[0].to_dict()


def rows_in_use(con: Con) -> pd.DataFrame:
    """Per counted load: how many of its raw rows are still the latest for their key (staging's rule)."""
    latest = " union all ".join(f"""
        select load_id, row_number() over (partition by {", ".join(ds.key)} order by load_id desc) as version_rank
        from raw.{ds.name}
        where load_id in (select load_id from stg_loads where is_counted)""" for ds in datasets.DATASETS.values())
    return _df(con, f"""
        with versions as ({latest}
        )
        select load_id, cast(count(*) as integer) as rows_in_use
        from versions
        where version_rank = 1
        group by load_id
    """)


# ---------------------------------------------------------------- compare, map (leader's view)


def metric_target(con: Con, metric: str, year: int) -> dict | None:
    """The plan's target in force for `year`: the first target year at or after it, for this metric.

    Returns year, comparator (≥ ≤ = range), target_value, target_upper, target_text,
    indicator_code, indicator_name; None when the plan sets no target for the metric.
    Read from stg_targets, the rows mart_target_attainment judges against (the mart also
    crosses every commune, which a reference line does not need).
    """
    row = con.execute("""
        select year, comparator, target_value, target_upper, target_text, indicator_code, indicator_name
        from stg_targets
        where metric = ? and year >= ? and target_value is not null
        order by year, indicator_code
        limit 1
    """, [metric, year]).fetchone()
    if row is None:
        return None
    names = ("year", "comparator", "target_value", "target_upper", "target_text", "indicator_code", "indicator_name")
    return dict(zip(names, row, strict=True))


def commune_metric_pair(con: Con, metric_x: str, period_x: date, metric_y: str, period_y: date,
                        former_province: list[str] | None = None, former_district: list[str] | None = None,
                        unit_type: list[str] | None = None) -> pd.DataFrame:
    """Two measures side by side for each commune reporting both, each at its own period; filtered."""
    return _df(con, """
        with x as (
            select * from mart_commune_metrics where metric = ? and period_end = ? and value is not null
        ),
        y as (
            select commune_code, value, rank, units_ranked
            from mart_commune_metrics where metric = ? and period_end = ? and value is not null
        )
        select x.commune_code, x.commune_name, x.unit_type, x.former_province, x.former_district,
               x.value as x_value, x.rank as x_rank, x.units_ranked as x_units_ranked,
               y.value as y_value, y.rank as y_rank, y.units_ranked as y_units_ranked,
        from x
        inner join y using (commune_code)
        where (? is null or list_contains(?, x.former_province))
          and (? is null or list_contains(?, x.former_district))
          and (? is null or list_contains(?, x.unit_type))
        order by x.commune_name collate vi
    """, [metric_x, period_x, metric_y, period_y, former_province or None, former_province or None,
          former_district or None, former_district or None, unit_type or None, unit_type or None])


def map_values(con: Con, metric: str, period_end: date) -> pd.DataFrame:
    """Every current commune with the metric's value and rank at one period (NULL where none reported)."""
    return _df(con, """
        with communes as (
            select commune_code, commune_name, unit_type, former_district from stg_communes where is_current
        ),
        values_at as (
            select commune_code, value, rank, units_ranked
            from mart_commune_metrics
            where metric = ? and period_end = ?
        )
        select communes.*, values_at.value, values_at.rank, values_at.units_ranked
        from communes
        left join values_at using (commune_code)
        order by communes.commune_name collate vi
    """, [metric, period_end])


def map_features(con: Con, metric: str, period_end: date) -> list[dict]:
    """The communes' GeoJSON features with the metric's value and rank in their properties."""
    from warehouse import geo

    return geo.with_values(geo.features(), map_values(con, metric, period_end), metrics.get(metric).format)


def commune_directory(con: Con) -> pd.DataFrame:
    """Code, name, unit type and former district of every current commune, in Vietnamese order."""
    return _df(con, """
        select commune_code, commune_name, unit_type, former_province, former_district
        from stg_communes
        where is_current
        order by commune_name collate vi
    """)
