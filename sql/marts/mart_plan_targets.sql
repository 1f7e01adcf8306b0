-- one row per plan, indicator, target year and warehouse measure tracking it (one row with metric null when none
-- does); key (plan_unit, indicator_code, year, metric). plan_name: 'Toàn tỉnh' or the unit whose own plan it is.
with targets as materialized (
    select * from stg_targets
),

indicator_metrics as (
    select * from ref_indicator_metrics
),

communes as (
    select commune_code, commune_name from stg_communes
),

matched as (
    -- an indicator can match several patterns of the same measure: keep one row per measure
    select
        targets.plan_unit,
        targets.indicator_code,
        targets.year,
        indicator_metrics.metric,
        min(indicator_metrics.metric_order) as metric_order,
        bool_or(indicator_metrics.is_proxy) as is_proxy,
        first(indicator_metrics.measure_note order by indicator_metrics.metric_order) as measure_note,
    from targets
    inner join indicator_metrics
        on strip_accents(lower(targets.indicator_name)) like strip_accents(indicator_metrics.indicator_pattern)
    group by targets.plan_unit, targets.indicator_code, targets.year, indicator_metrics.metric
),

with_measures as (
    select
        targets.plan_unit,
        case when targets.plan_unit = 'province' then 'Toàn tỉnh' else communes.commune_name end as plan_name,
        targets.indicator_code,
        targets.indicator_order,
        targets.indicator_name,
        targets.unit,
        targets.year,
        targets.target_text,
        targets.comparator,
        targets.target_value,
        targets.target_upper,
        targets.target_note,
        targets.responsible_unit,
        targets.monitoring_unit,
        matched.metric,
        coalesce(matched.metric_order, 1) as metric_order,
        matched.metric is not null as is_tracked,
        coalesce(matched.is_proxy, false) as is_proxy,
        matched.measure_note,
    from targets
    left join matched
        on matched.plan_unit is not distinct from targets.plan_unit
        and matched.indicator_code = targets.indicator_code
        and matched.year = targets.year
    left join communes on communes.commune_code = targets.plan_unit
)

select * from with_measures
