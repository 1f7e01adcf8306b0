"""Named read queries the pages use. Values are bound parameters, never formatted in.

Each function takes a DuckDB connection (or cursor) first and returns a
DataFrame or plain values; none of them writes.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from warehouse import datasets, metrics, trends
from warehouse.plans import PROVINCE

Con = duckdb.DuckDBPyConnection


def _df(con: Con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def has_sample_data(con: Con) -> bool:
    row = con.execute("""
        select count(*) from meta.loads
        where is_sample and status = 'loaded' and retracted_at is null
    """).fetchone()
    return bool(row[0])


def metric_periods(con: Con, metric: str) -> dict[date, date | None]:
    """The periods a metric has data for, newest first: {period_end: period_start} (the start null where the
    dataset has a single date), so that a chooser keyed on the end writes the whole period (Metric.period_text)."""
    rows = con.execute("""
        select period_end, min(period_start) from mart_commune_metrics
        where metric = ? and value is not null and not is_former
        group by period_end
        order by period_end desc
    """, [metric]).fetchall()
    return dict(rows)


def filter_options(con: Con) -> dict[str, list[str]]:
    """Distinct former provinces, former districts and unit types of the current communes."""
    frame = _df(con, "select former_province, former_district, unit_type from stg_communes where is_current")
    return {col: sorted(v for v in frame[col].dropna().unique()) for col in frame.columns}


# the province plan's targets in force in a year (parameter), one per tracked measure: the first target year at
# or after it; _TARGET_IN_FORCE: one measure's (parameters: year, metric)
_TARGETS_IN_FORCE = """
    select metric, year, comparator, target_value, target_upper, target_text, indicator_code, indicator_name, unit,
           is_proxy,
    from mart_plan_targets
    where plan_unit = 'province' and is_tracked and year >= ? and target_value is not null
    qualify row_number() over (partition by metric order by year, indicator_order) = 1
"""
_TARGET_IN_FORCE = f"select * exclude (metric) from ({_TARGETS_IN_FORCE}) where metric = ?"


def commune_metric(con: Con, metric: str, period_end: date, former_province: list[str] | None = None,
                   former_district: list[str] | None = None, unit_type: list[str] | None = None) -> pd.DataFrame:
    """One metric for every commune at one period, filtered; with rank x/n among all reporting communes, and
    whether it meets the province plan's target in force that year (met, as the macro meets judges; null without
    a target or on a qualified value)."""
    return _df(con, f"""
        with target as ({_TARGET_IN_FORCE})
        select commune_code, commune_name, unit_type, former_province, former_district,
               period_start, period_end, value, qualifier, rank, units_ranked,
               meets(value, target.comparator, target.target_value, qualifier) as met,
        from mart_commune_metrics
        left join target on true
        where metric = ? and period_end = ? and not is_former
          and (? is null or list_contains(?, former_province))
          and (? is null or list_contains(?, former_district))
          and (? is null or list_contains(?, unit_type))
        order by value desc nulls last, commune_name
    """, [pd.Timestamp(period_end).year, metric, metric, period_end, former_province or None, former_province or None,
          former_district or None, former_district or None, unit_type or None, unit_type or None])


def province_reference(con: Con, metric: str, period_end: date) -> float | None:
    """The province line drawn next to communes: the rate (ratio of sums), or for a count the mean per unit."""
    row = con.execute("""
        select case when denominator is null then value / nullif(units_reporting, 0) else value end
        from mart_province_summary where metric = ? and period_end = ?
    """, [metric, period_end]).fetchone()
    return row[0] if row else None


def bdhvs_snapshots(con: Con) -> list[date]:
    rows = con.execute(
        "select distinct period_end from mart_commune_metrics where dataset = 'bdhvs' order by 1 desc").fetchall()
    return [r[0] for r in rows]


def _wide(con: Con, names: list[str], where: str, params: list) -> pd.DataFrame:
    """Measures of mart_commune_trends pivoted to one row per commune: for each measure m, m (value), m_rank,
    m_units_ranked (its n), m_rank_change (+ up) and m_rank_source ('official': the province's own rank)."""
    return _df(con, f"""
        pivot (
            select commune_code, metric, value, rank, units_ranked, rank_change, rank_source
            from mart_commune_trends
            inner join (select commune_code, metric, period_end, rank_source from mart_commune_metrics)
                using (commune_code, metric, period_end)
            where {where}
        )
        on metric in ({", ".join("'" + n + "'" for n in names)})
        using first(value) as value, first(rank) as rank, first(units_ranked) as units_ranked,
              first(rank_change) as rank_change, first(rank_source) as rank_source
        group by commune_code
    """, params).rename(columns={f"{n}_value": n for n in names})


def bdhvs_rankings(con: Con, snapshot_date: date) -> pd.DataFrame:
    """The Bình dân học vụ số table of one snapshot (_wide: each measure's value, rank, n, change), best learners
    rank first, with the snapshot it moved from (previous_period_end)."""
    wide = _wide(con, [m.name for m in metrics.of_dataset("bdhvs")], "dataset = 'bdhvs' and period_end = ?",
                 [snapshot_date])
    previous = con.execute("select max(period_end) from mart_commune_metrics where dataset = 'bdhvs' and period_end < ?",
                           [snapshot_date]).fetchone()[0]
    wide["previous_period_end"] = pd.Timestamp(previous) if previous else pd.NaT
    units = _df(con, "select commune_code, commune_name, unit_type, former_district, population from stg_communes")
    return (units.merge(wide, on="commune_code")
            .sort_values(["learners_rank", "commune_name"], na_position="last", ignore_index=True))


def bdhvs_province(con: Con, snapshot_date: date) -> pd.DataFrame:
    """The province's Bình dân học vụ số figures of one snapshot (mart_province_summary: counts summed, the rate
    a ratio of sums) with their change since the previous snapshot, and the reference a ranking chart draws (the
    rate, or for a count the mean per unit); in catalogue order."""
    return _df(con, """
        select metric, value, previous_period_end, previous_value, change, units_reporting, province_method,
               case when denominator is null then value / nullif(units_reporting, 0) else value end as reference,
        from mart_province_summary
        where dataset = 'bdhvs' and period_end = ?
        order by array_position(?, metric)
    """, [snapshot_date, list(metrics.METRICS)])


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


def value_sources(con: Con, load_id: int) -> pd.DataFrame:
    """For a load from a report (meta.value_sources): each value loaded with its row's commune and period, the
    report's sentence it was read from, where, as written, and whether the analyst typed over it; empty otherwise."""
    sources = _df(con, """
        select source_row, column_name, sentence, location, written, is_corrected
        from meta.value_sources where load_id = ?
    """, [load_id])
    found = con.execute("select dataset from meta.loads where load_id = ?", [load_id]).fetchone()
    ds = datasets.DATASETS.get(found[0]) if found else None
    if ds is None or sources.empty:
        return sources.assign(commune_code=None, value=None)
    raw = _df(con, f"select * from raw.{ds.name} where load_id = ?", [load_id]).set_index("source_row")
    keys = [c for c in ds.key if c in raw.columns]
    sources = sources.join(raw[keys], on="source_row")
    sources["value"] = [raw.at[r, c] if r in raw.index and c in raw.columns else None
                        for r, c in zip(sources["source_row"], sources["column_name"], strict=True)]
    order = {c.name: i for i, c in enumerate(ds.columns)}
    return sources.sort_values(["source_row", "column_name"], key=lambda s: s.map(order) if s.name == "column_name" else s,
                               ignore_index=True)


def known_metrics(con: Con) -> list[str]:
    """Metrics of the catalogue that have data, in catalogue order."""
    present = {r[0] for r in con.execute(
        "select distinct metric from mart_commune_metrics where value is not null and not is_former").fetchall()}
    return [name for name in metrics.METRICS if name in present]


def former_unit_values(con: Con, commune_code: str | None = None, metric: str | None = None) -> pd.DataFrame:
    """Figures reported for units from before the merger (mart_former_unit_metrics): those that went into one
    current commune, or those of one measure; the former unit, its kind, the units it went into (names)."""
    return _df(con, """
        select former.commune_name as former_name, former.kind, former.dataset, former.metric, former.period_start,
               former.period_end, former.value, former.value_source, former.qualifier,
               (select string_agg(commune_name, ', ' order by commune_name collate vi) from stg_communes
                where list_contains(former.went_into, commune_code)) as went_into,
        from mart_former_unit_metrics as former
        where (? is null or list_contains(former.went_into, ?)) and (? is null or former.metric = ?)
        order by former.commune_name collate vi, former.metric, former.period_end
    """, [commune_code, commune_code, metric, metric])


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
    """The province plan's target in force for `year`: the first target year at or after it, for this metric.

    Returns year, comparator (≥ ≤ = range), target_value, target_upper, target_text,
    indicator_code, indicator_name, unit (the plan's: '%'), is_proxy (the measure only approximates the
    indicator: never judged); None when the plan sets no target for the metric.
    Read from mart_plan_targets (an indicator may be tracked by several measures, e.g. 3.3 by
    digitized dossiers and digitized results).
    """
    cursor = con.execute(_TARGET_IN_FORCE, [year, metric])
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))


def metric_targets(con: Con, year: int) -> pd.DataFrame:
    """The province plan's target in force for `year` of every measure it sets one for (as metric_target), by metric."""
    return _df(con, _TARGETS_IN_FORCE, [year]).set_index("metric")


def commune_metric_pair(con: Con, metric_x: str, period_x: date, metric_y: str, period_y: date,
                        former_province: list[str] | None = None, former_district: list[str] | None = None,
                        unit_type: list[str] | None = None) -> pd.DataFrame:
    """Two measures side by side for each commune reporting both, each at its own period; filtered; with their
    Pearson correlation over the communes shown (`correlation`, the same on every row) and `extremity`: 1 for the
    point farthest from the others (the sum of its squared distances from the means, in standard deviations), 2
    for the next, … — the points a scatter names."""
    return _df(con, """
        with x as (
            select * from mart_commune_metrics where metric = ? and period_end = ? and value is not null and not is_former
        ),
        y as (
            select commune_code, value, rank, units_ranked
            from mart_commune_metrics where metric = ? and period_end = ? and value is not null and not is_former
        ),
        paired as (
            select x.commune_code, x.commune_name, x.unit_type, x.former_province, x.former_district,
                   x.value as x_value, x.rank as x_rank, x.units_ranked as x_units_ranked,
                   y.value as y_value, y.rank as y_rank, y.units_ranked as y_units_ranked,
            from x
            inner join y using (commune_code)
            where (? is null or list_contains(?, x.former_province))
              and (? is null or list_contains(?, x.former_district))
              and (? is null or list_contains(?, x.unit_type))
        ),
        scored as (
            select *,
                   corr(x_value, y_value) over () as correlation,
                   coalesce(power((x_value - avg(x_value) over ()) / nullif(stddev_pop(x_value) over (), 0), 2), 0)
                   + coalesce(power((y_value - avg(y_value) over ()) / nullif(stddev_pop(y_value) over (), 0), 2), 0)
                       as distance,
            from paired
        )
        select * exclude (distance),
               row_number() over (order by distance desc, commune_name collate vi) as extremity,
        from scored
        order by commune_name collate vi
    """, [metric_x, period_x, metric_y, period_y, former_province or None, former_province or None,
          former_district or None, former_district or None, unit_type or None, unit_type or None])


def map_values(con: Con, metric: str, period_end: date) -> pd.DataFrame:
    """Every current commune with the metric's value and rank at one period (NULL where none reported), and whether
    it meets the province plan's target in force that year (met; null without a value, a target, on a qualified
    value or where the measure only approximates the indicator)."""
    return _df(con, f"""
        with target as ({_TARGET_IN_FORCE}),
        communes as (
            select commune_code, commune_name, unit_type, former_district from stg_communes where is_current
        ),
        values_at as (
            select commune_code, value, qualifier, rank, units_ranked
            from mart_commune_metrics
            where metric = ? and period_end = ?
        )
        select communes.*, values_at.value, values_at.rank, values_at.units_ranked,
               case when not target.is_proxy
                    then meets(values_at.value, target.comparator, target.target_value, values_at.qualifier) end as met,
        from communes
        left join values_at using (commune_code)
        left join target on true
        order by communes.commune_name collate vi
    """, [pd.Timestamp(period_end).year, metric, metric, period_end])


def map_features(con: Con, metric: str, period_end: date) -> list[dict]:
    """The communes' GeoJSON features with the metric's value and rank in their properties."""
    from warehouse import geo

    return geo.with_values(geo.features(), map_values(con, metric, period_end), metrics.get(metric).format)


def map_labels(con: Con, largest: int = 9) -> list[dict]:
    """The names the map writes: the `largest` current units by area (from the boundaries) and every đặc khu,
    with their points (geo.labels)."""
    from warehouse import geo

    communes = _df(con, "select commune_code, commune_name, unit_type from stg_communes where is_current")
    return geo.labels(communes, largest)


def data_status(con: Con) -> pd.DataFrame:
    """Per dataset: latest period in the data, latest accepted load (date, file) and the warnings it carried."""
    return _df(con, """
        with periods as (
            select 'broadband' as dataset, cast(null as date) as latest_period_start, max(period) as latest_period
            from stg_broadband
            union all
            select 'dvctt', max(period_start) filter (where period_end = (select max(period_end) from stg_dvctt)),
                   max(period_end)
            from stg_dvctt
            union all
            select 'bdhvs', null, max(snapshot_date) from stg_bdhvs
        ),
        latest_loads as (
            select dataset, load_id, file_name, loaded_at, n_warnings, is_sample,
            from meta.loads
            where status = 'loaded' and retracted_at is null
            qualify row_number() over (partition by dataset order by load_id desc) = 1
        )
        select
            latest_loads.dataset,
            periods.latest_period_start,
            periods.latest_period,
            latest_loads.load_id as latest_load_id,
            latest_loads.file_name as latest_file_name,
            latest_loads.loaded_at as last_loaded_at,
            coalesce(latest_loads.n_warnings, 0) as latest_load_warnings,
            latest_loads.is_sample,
        from latest_loads
        left join periods using (dataset)
        order by array_position(['broadband', 'dvctt', 'bdhvs', 'targets', 'communes'], latest_loads.dataset)
    """)


def plan_year(con: Con) -> dict:
    """{'data_year', 'target_year', 'latest_period_end'}: the year of the newest data and the plan year judged."""
    row = con.execute("select data_year, target_year, latest_period_end from mart_plan_year").fetchone()
    return {"data_year": row[0], "target_year": row[1], "latest_period_end": row[2]}


def overview_kpis(con: Con, year: int | None = None) -> pd.DataFrame:
    """Each measure's province value at its latest period, its change since the previous period, and the
    target of `year` (default: the plan year of mart_plan_year) it is judged against (the first indicator
    tracking it), met or not."""
    return _df(con, """
        with latest as (
            select * from mart_province_summary
            qualify row_number() over (partition by dataset, metric order by period_end desc) = 1
        ),
        targets as (
            select summary.*
            from mart_target_summary as summary
            inner join (select coalesce(?, target_year) as year from mart_plan_year) as plan on plan.year = summary.year
            where summary.is_tracked and summary.plan_unit = 'province'
            qualify row_number() over (partition by summary.metric order by summary.indicator_order) = 1
        )
        select
            latest.dataset, latest.metric, latest.period_start, latest.period_end, latest.value,
            latest.previous_period_end, latest.previous_value, latest.change, latest.units_reporting,
            targets.indicator_code, targets.indicator_name, targets.year as target_year, targets.comparator,
            targets.target_text, targets.target_value, targets.target_upper, targets.unit as target_unit,
            targets.is_proxy, targets.unit_met as met, targets.unit_status as status,
            targets.unit_progress_pct as progress_pct, targets.communes_met, targets.communes_with_data,
        from latest
        left join targets using (metric)
    """, [year])


def province_series(con: Con) -> pd.DataFrame:
    """Every measure's province value per period, oldest first (for sparklines and trend lines)."""
    return _df(con, """
        select dataset, metric, period_start, period_end, value, units_reporting,
               case when denominator is null then value / nullif(units_reporting, 0) else value end as reference,
        from mart_province_summary
        order by dataset, metric, period_end
    """)


def current_communes(con: Con) -> pd.DataFrame:
    """The current communes (the allow-list of the profile), in Vietnamese alphabetical order."""
    return _df(con, """
        select commune_code, commune_name, unit_type, former_district
        from stg_communes
        where is_current
        order by commune_name collate vi, commune_code
    """)


def commune_profile(con: Con, commune_code: str) -> dict | None:
    """The communes dimension's row of one current commune, merged_from as a list; None when unknown."""
    frame = _df(con, """
        select commune_code, commune_name, unit_type, former_province, former_district, population, area_km2,
               list_filter(list_transform(string_split(coalesce(merged_from, ''), ';'), lambda name: trim(name)),
                           lambda name: name <> '') as merged_from,
               valid_from,
        from stg_communes
        where is_current and commune_code = ?
    """, [commune_code])
    return None if frame.empty else frame.iloc[0].to_dict()


def commune_measures(con: Con, commune_code: str) -> pd.DataFrame:
    """Every measure of one commune at its dataset's latest period: value, rank x/n, change since the previous
    period and the rank movement, with the province value beside it; in catalogue order."""
    return _df(con, """
        with latest_periods as (
            select dataset, max(period_end) as period_end from mart_province_summary group by dataset
        ),
        province as (
            select metric, period_end,
                   case when denominator is null then value / nullif(units_reporting, 0) else value end as province_value,
            from mart_province_summary
        )
        select
            trends.dataset, trends.metric, trends.period_start, trends.period_end, trends.value, trends.rank,
            trends.units_ranked, trends.previous_period_end, trends.previous_value, trends.change,
            trends.previous_rank, trends.rank_change, province.province_value,
        from mart_commune_trends as trends
        inner join latest_periods using (dataset, period_end)
        left join province using (metric, period_end)
        where trends.commune_code = ?
        order by array_position(?, trends.metric)
    """, [commune_code, list(metrics.METRICS)])


def commune_trends(con: Con, commune_code: str) -> pd.DataFrame:
    """One commune's value of every measure over all periods, with the province reference for the same period
    (the rate, or for a count the mean per unit); long form, one row per measure, period and series."""
    return _df(con, """
        with commune as (
            select metric, period_end, value, rank, units_ranked, 'commune' as series,
            from mart_commune_trends
            where commune_code = ?
        ),
        province as (
            select metric, period_end,
                   case when denominator is null then value / nullif(units_reporting, 0) else value end as value,
                   null as rank, null as units_ranked, 'province' as series,
            from mart_province_summary
            where metric in (select metric from commune)
        )
        select * from commune
        union all
        select * from province
        order by array_position(?, metric), series, period_end
    """, [commune_code, list(metrics.METRICS)])


def commune_trend_chart(con: Con, commune_code: str, commune_name: str) -> pd.DataFrame:
    """The rows of a commune's trend charts (trends.chart_data): its values and the province's over the periods, the
    targets of the year of its latest period; empty when it has no data."""
    trend = commune_trends(con, commune_code)
    if trend.empty:
        return trend
    year = pd.Timestamp(trend["period_end"].max()).year
    return trends.chart_data(trend, metric_targets(con, year), commune_name)


def commune_targets(con: Con, commune_code: str, year: int) -> pd.DataFrame:
    """The targets of one year that judge one commune (the province's plan and the commune's own, plan_name):
    target, actual, met or missed (tracked indicators only)."""
    return _df(con, """
        select plan_unit, plan_name, indicator_code, indicator_name, unit, year, comparator, target_text, target_value, target_upper,
               metric, is_proxy, measure_note, actual, qualifier, actual_period_start, actual_period_end, met, status,
               progress_pct, gap, shortfall,
        from mart_target_attainment
        where scope = 'commune' and commune_code = ? and year = ?
        order by plan_unit = 'province' desc, indicator_order, metric_order
    """, [commune_code, year])


PEER_MEASURES = ["online_rate_pct", "coverage_4g_pct", "fibre_household_pct", "learners_per_1000"]


def commune_peers(con: Con, commune_code: str) -> pd.DataFrame:
    """The current communes of the same former district (the commune itself included, is_self), with the headline
    measures of PEER_MEASURES at each dataset's latest period (_wide: value, rank, n)."""
    district = _df(con, """
        select commune_code, commune_name, unit_type, population, commune_code = ? as is_self,
        from stg_communes
        where is_current and former_district = (select former_district from stg_communes where commune_code = ?)
        order by commune_name collate vi
    """, [commune_code, commune_code])
    wide = _wide(con, PEER_MEASURES, """(dataset, period_end) in (
        select (dataset, max(period_end)) from mart_commune_metrics group by dataset)""", [])
    return district.merge(wide, on="commune_code", how="left")


def indicator_counts(con: Con, year: int, commune_code: str | None = None, plan: str | None = None) -> dict:
    """How the indicators of `year` stand for the province (commune_code None) or one commune, each counted once
    (mart_indicator_attainment), in one plan or (None) every plan that judges it:
    {'tracked', 'judged', 'met', 'missed', 'not_due', 'unjudged'}."""
    row = con.execute("""
        select count(*), count(met), count(*) filter (where met), count(*) filter (where not met),
               count(*) filter (where status = 'not_due'), count(*) filter (where status in ('proxy', 'approximate'))
        from mart_indicator_attainment
        where year = ? and scope = (case when ? is null then 'province' else 'commune' end)
          and commune_code is not distinct from ? and (? is null or plan_unit = ?)
    """, [year, commune_code, commune_code, plan, plan]).fetchone()
    return dict(zip(("tracked", "judged", "met", "missed", "not_due", "unjudged"), row, strict=True))


def plans(con: Con) -> dict[str, str]:
    """The plans loaded, the province's first: plan_unit → 'Toàn tỉnh' or the unit whose own plan it is."""
    rows = con.execute("""
        select plan_unit, any_value(plan_name) from mart_plan_targets where plan_unit is not null
        group by plan_unit order by plan_unit <> 'province', any_value(plan_name) collate vi
    """).fetchall()
    return dict(rows)


def target_years(con: Con, plan: str = PROVINCE) -> list[int]:
    """The years a plan sets targets for, ascending."""
    return [r[0] for r in con.execute(
        "select distinct year from stg_targets where plan_unit = ? order by year", [plan]).fetchall()]


def plan_targets(con: Con, plan: str = PROVINCE) -> pd.DataFrame:
    """A whole plan, long: indicator × year × tracking measure (metric null: not tracked by the warehouse)."""
    return _df(con, """
        select indicator_code, indicator_name, unit, year, comparator, target_text, target_value, target_upper,
               target_note, responsible_unit, monitoring_unit, metric, is_tracked, is_proxy, measure_note,
        from mart_plan_targets
        where plan_unit = ?
        order by indicator_order, year, metric_order
    """, [plan])


def target_summary(con: Con, year: int, plan: str = PROVINCE) -> pd.DataFrame:
    """A plan's indicators with a target in `year`: the province's attainment and how many communes meet it."""
    return _df(con, """
        select * exclude (indicator_order)
        from mart_target_summary
        where year = ? and plan_unit = ?
        order by indicator_order, metric_order
    """, [year, plan])


def target_history(con: Con, indicator_code: str, metric: str, plan: str = PROVINCE) -> pd.DataFrame:
    """One tracked indicator's targets across years with the province's and communes' attainment."""
    return _df(con, """
        select year, comparator, target_text, target_value, target_upper, unit, unit_actual,
               actual_period_start, actual_period_end, unit_met, unit_status, unit_progress_pct,
               communes_met, communes_with_data, communes_total,
        from mart_target_summary
        where indicator_code = ? and metric = ? and plan_unit = ?
        order by year
    """, [indicator_code, metric, plan])


def target_communes(con: Con, indicator_code: str, metric: str, year: int, plan: str = PROVINCE) -> pd.DataFrame:
    """Every commune a plan judges (all current ones for the province's, the unit itself for its own) against one
    target: met or not and by how much, furthest below first."""
    return _df(con, """
        select commune_code, commune_name, unit_type, former_province, former_district, actual,
               actual_period_start, actual_period_end, target_value, target_upper, comparator, met, status, qualifier,
               progress_pct, gap, shortfall,
        from mart_target_attainment
        where scope = 'commune' and indicator_code = ? and metric = ? and year = ? and plan_unit = ?
        order by met nulls first, shortfall desc nulls first, actual, commune_name collate vi
    """, [indicator_code, metric, year, plan])


def target_laggards(con: Con, year: int, former_province: list[str] | None = None,
                    former_district: list[str] | None = None, unit_type: list[str] | None = None,
                    limit: int = 10) -> pd.DataFrame:
    """The communes furthest below the year's targets: most targets missed, then the largest mean relative
    shortfall (shortfall / target); long form, one row per commune and tracked measure, laggards first."""
    return _df(con, """
        with attainment as (
            select * from mart_target_attainment
            where scope = 'commune' and year = ? and plan_unit = 'province'
              and (? is null or list_contains(?, former_province))
              and (? is null or list_contains(?, former_district))
              and (? is null or list_contains(?, unit_type))
        ),
        per_commune as (
            select
                commune_code,
                count(distinct indicator_code) filter (where met is not null) as targets_judged,  -- indicators, once
                count(distinct indicator_code) filter (where not met) as targets_missed,
                coalesce(avg(shortfall / nullif(target_value, 0)) filter (where not met), 0) as mean_relative_shortfall,
                any_value(commune_name) as commune_name,
            from attainment
            group by commune_code
        ),
        ranked as (
            select
                per_commune.* exclude (commune_name),
                row_number() over (
                    order by targets_missed desc, mean_relative_shortfall desc, commune_name collate vi, commune_code
                ) as laggard_rank,
            from per_commune
            where targets_missed > 0
        )
        select
            ranked.laggard_rank, attainment.commune_code, attainment.commune_name, attainment.unit_type,
            attainment.former_province, attainment.former_district, ranked.targets_judged, ranked.targets_missed,
            ranked.mean_relative_shortfall, attainment.indicator_code, attainment.metric, attainment.comparator,
            attainment.target_text, attainment.target_value, attainment.target_upper, attainment.unit, attainment.actual,
            attainment.met,
            attainment.shortfall,
        from ranked
        inner join attainment using (commune_code)
        where ranked.laggard_rank <= ?
        order by ranked.laggard_rank, attainment.indicator_order, attainment.metric_order
    """, [year, former_province or None, former_province or None, former_district or None, former_district or None,
          unit_type or None, unit_type or None, limit])


def plan_matrix(con: Con, plan: str = PROVINCE) -> pd.DataFrame:
    """A whole plan as its appendix is written (indicator × year, targets as written), shaped once per snapshot."""
    from warehouse import leader

    return leader.plan_matrix(plan_targets(con, plan))


def brief_html(con: Con, year: int, former_province: list[str] | None = None, former_district: list[str] | None = None,
               unit_type: list[str] | None = None, limit: int = 10, today: date | None = None) -> str:
    """The printable one-page brief (warehouse.brief) as a self-contained HTML document."""
    from warehouse import brief

    return brief.render(con, year=year, former_province=former_province, former_district=former_district,
                        unit_type=unit_type, limit=limit, today=today)


# ---------------------------------------------------------------- who has sent figures; a file loaded before


# a unit of the former districts given (parameters: the list twice), any of its own: 'TP Quảng Ngãi; H. Bình Sơn'
_OF_DISTRICTS = "(? is null or list_has_any(?, list_transform(string_split(former_district, ';'), lambda d: trim(d))))"


def reporting_periods(con: Con, former_district: list[str] | None = None) -> pd.DataFrame:
    """Per measured dataset (in page order) and reporting period, newest first: how many current units (of the former
    districts given) sent figures (units_with_data), how many did not (units_missing), of units_total."""
    return _df(con, f"""
        select dataset, period_start, period_end,
               count(*) filter (where has_data) as units_with_data,
               count(*) filter (where not has_data) as units_missing,
               count(*) as units_total,
        from mart_reporting_status
        where {_OF_DISTRICTS}
        group by dataset, period_start, period_end
        order by array_position(?, dataset), period_end desc, period_start desc nulls last
    """, [former_district or None, former_district or None, list(datasets.MEASURED)])


def reporting_units(con: Con, dataset: str, period_end: date, period_start: date | None = None,
                    former_district: list[str] | None = None) -> pd.DataFrame:
    """Every current unit (of the former districts given) at one period of a dataset: has_data and the load that
    brought it, or the last period it sent (null: never) and periods_missing; the units without figures first."""
    return _df(con, f"""
        select commune_code, commune_name, unit_type, former_district, has_data, load_id, loaded_at,
               last_period_start, last_period_end, periods_missing,
        from mart_reporting_status
        where dataset = ? and period_end = ? and period_start is not distinct from ? and {_OF_DISTRICTS}
        order by has_data, former_district collate vi, commune_name collate vi
    """, [dataset, period_end, period_start, former_district or None, former_district or None])


def file_loads(con: Con, sha256: str) -> pd.DataFrame:
    """The loads that brought in this very file (its sha256) and still count, oldest first: a load of it again is a
    duplicate (load.find_duplicate) unless another sheet, period or plan's unit is chosen."""
    return _df(con, """
        select load_id, dataset, sheet, file_name, rows_loaded, loaded_by, loaded_at, is_sample,
        from meta.loads
        where sha256 = ? and status = 'loaded' and retracted_at is null
        order by load_id
    """, [sha256])


def export_sources(con: Con, dataset_names: tuple[str, ...] = (), load_id: int | None = None) -> pd.DataFrame:
    """The loads an export draws on: of each dataset, the loads whose rows its staging view holds (accepted, not
    retracted, not wholly superseded), in the order the datasets are given; and the load `load_id` in any state.
    Columns: dataset, load_id, file_name, loaded_at, is_sample, status, retracted_at."""
    used = " union all ".join(f"select distinct load_id from stg_{datasets.get(name).name}" for name in dataset_names)
    return _df(con, f"""
        with used as ({used or "select null::bigint as load_id where false"})
        select dataset, load_id, file_name, loaded_at, is_sample, status, retracted_at,
        from meta.loads
        where load_id in (select load_id from used) or load_id = ?
        order by coalesce(list_position(?::varchar[], dataset), 0), load_id
    """, [load_id, list(dataset_names)])
