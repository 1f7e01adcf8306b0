-- one row per plan indicator, target year and tracking measure (metric null: no measure of the warehouse tracks it);
-- key (plan_unit, indicator_code, year, metric). unit_*: the attainment of the plan's own unit (the province for the
-- province's plan, the commune for its own); how many of the communes it judges meet the target.
with plan as (
    select * from mart_plan_targets
),

attainment as materialized (
    select * from mart_target_attainment
),

own_unit as (
    select * from attainment
    where scope = 'province' or (plan_unit <> 'province' and commune_code = plan_unit)
),

commune_counts as (
    select
        plan_unit,
        indicator_code,
        metric,
        year,
        count(*) as communes_total,
        count(actual) as communes_with_data,
        count(*) filter (where met) as communes_met,
        count(*) filter (where not met) as communes_missed,
        count(*) filter (where status = 'not_due') as communes_not_due,
    from attainment
    where scope = 'commune'
    group by plan_unit, indicator_code, metric, year
),

summary as (
    select
        plan.*,
        own_unit.actual as unit_actual,
        own_unit.actual_period_start,
        own_unit.actual_period_end,
        own_unit.met as unit_met,
        own_unit.status as unit_status,
        own_unit.progress_pct as unit_progress_pct,
        own_unit.gap as unit_gap,
        own_unit.shortfall as unit_shortfall,
        commune_counts.communes_total,
        commune_counts.communes_with_data,
        commune_counts.communes_met,
        commune_counts.communes_missed,
        commune_counts.communes_not_due,
    from plan
    left join own_unit
        on own_unit.plan_unit = plan.plan_unit
        and own_unit.indicator_code = plan.indicator_code
        and own_unit.metric = plan.metric
        and own_unit.year = plan.year
    left join commune_counts
        on commune_counts.plan_unit = plan.plan_unit
        and commune_counts.indicator_code = plan.indicator_code
        and commune_counts.metric = plan.metric
        and commune_counts.year = plan.year
)

select * from summary
