-- one row per plan, indicator, tracking measure, target year and scope; key (plan_unit, indicator_code, metric, year,
-- scope, commune_code). Whose plan decides who is judged: the province's plan the province and every current
-- commune; a commune's own plan that commune only (Lý Sơn's appendix is judged for Lý Sơn, not for 95 others).
-- The actual for year Y is the value at the measure's latest period (province-wide) ending in or before Y that
-- has a province value, so targets of later years are judged on the newest data, and every commune on the same
-- period. Reached as the macro meets says: "≥ x" and a bare "x" when actual ≥ x; a range "75-80" when actual reaches
-- its lower bound (the plan asks for 75 to 80 %: 75 is reached, more is not a failure); "≤ x" when actual ≤ x.
-- shortfall: how far from meeting it, in the measure's unit (0 when met); gap = actual - target_value.
-- status says what may honestly be said, and met is true or false only for 'met' and 'missed':
--   met | missed     judged on a measured value;
--   not_due          not reached yet, but the target year is after the year of the newest data (progress_pct:
--                    how much of the way the actual has come, actual / target × 100);
--   proxy            the measure only approximates the indicator (3.4 counts dossiers, the plan procedures):
--                    shown for reference, never judged;
--   approximate      the value was written "khoảng 62 %" (or "trên 75 %" where that does not settle it);
--   no_data          no value for the judged period.
with targets as (
    select * from mart_plan_targets where is_tracked
),

province as materialized (
    -- read once: the judged periods and the province's actuals both come from it
    select metric, period_start, period_end, value from mart_province_summary
    where metric in (select metric from targets)
),

commune_values as (
    select commune_code, metric, period_start, period_end, value, qualifier from mart_commune_metrics
),

plan_year as (
    select data_year from mart_plan_year
),

communes as (
    select * from stg_communes where is_current
),

judged_periods as (
    select
        targets.plan_unit,
        targets.indicator_code,
        targets.metric,
        targets.year,
        max(province.period_end) as period_end,
    from targets
    inner join province
        on province.metric = targets.metric
        and year(province.period_end) <= targets.year
        and province.value is not null
    group by targets.plan_unit, targets.indicator_code, targets.metric, targets.year
),

targets_with_period as (
    select
        targets.*,
        judged_periods.period_end as judged_period_end,
    from targets
    left join judged_periods
        on judged_periods.plan_unit is not distinct from targets.plan_unit
        and judged_periods.indicator_code = targets.indicator_code
        and judged_periods.metric = targets.metric
        and judged_periods.year = targets.year
),

province_actuals as (
    select
        targets_with_period.*,
        'province' as scope,
        cast(null as varchar) as commune_code,
        'Toàn tỉnh' as commune_name,
        cast(null as varchar) as unit_type,
        cast(null as varchar) as former_province,
        cast(null as varchar) as former_district,
        province.value as actual,
        cast(null as varchar) as qualifier,
        province.period_start as actual_period_start,
        province.period_end as actual_period_end,
    from targets_with_period
    left join province
        on province.metric = targets_with_period.metric
        and province.period_end = targets_with_period.judged_period_end
    where targets_with_period.plan_unit = 'province'
),

commune_actuals as (
    select
        targets_with_period.*,
        'commune' as scope,
        communes.commune_code,
        communes.commune_name,
        communes.unit_type,
        communes.former_province,
        communes.former_district,
        commune_values.value as actual,
        commune_values.qualifier,
        commune_values.period_start as actual_period_start,
        commune_values.period_end as actual_period_end,
    from targets_with_period
    inner join communes
        on targets_with_period.plan_unit = 'province' or communes.commune_code = targets_with_period.plan_unit
    left join commune_values
        on commune_values.commune_code = communes.commune_code
        and commune_values.metric = targets_with_period.metric
        and commune_values.period_end = targets_with_period.judged_period_end
),

unioned as (
    select * from province_actuals
    union all by name
    select * from commune_actuals
),

measured as (
    select
        unioned.*,
        meets(actual, comparator, target_value, qualifier) as reached,  -- sql/macros/meets.sql
        unioned.year > (select data_year from plan_year) as is_future,
    from unioned
),

judged as (
    select
        plan_unit,
        plan_name,
        indicator_code,
        indicator_order,
        indicator_name,
        unit,
        year,
        comparator,
        target_text,
        target_value,
        target_upper,
        target_note,
        metric,
        metric_order,
        is_proxy,
        measure_note,
        scope,
        commune_code,
        commune_name,
        unit_type,
        former_province,
        former_district,
        actual,
        qualifier,
        actual_period_start,
        actual_period_end,
        judged_period_end,
        case
            when actual is null or target_value is null then 'no_data'
            when is_proxy then 'proxy'
            when reached then 'met'
            when is_future then 'not_due'
            when reached is null then 'approximate'
            else 'missed'
        end as status,
        case when not is_proxy and not (is_future and not coalesce(reached, false)) then reached end as met,
        actual - target_value as gap,
        case
            when comparator = '≤' then greatest(actual - target_value, 0)
            else greatest(target_value - actual, 0)
        end as shortfall,
        case when comparator <> '≤' and target_value > 0 then 100.0 * actual / target_value end as progress_pct,
    from measured
)

select * from judged
