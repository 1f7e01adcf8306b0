-- one row per plan indicator, target year and tracking measure (metric null: no measure of the warehouse tracks it);
-- key (plan_unit, indicator_code, year, metric). The province's attainment and how many current communes meet the target.
with plan as (
    select * from mart_plan_targets
),

attainment as materialized (
    select * from mart_target_attainment
),

province as (
    select * from attainment where scope = 'province'
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
        province.actual as province_actual,
        province.actual_period_start,
        province.actual_period_end,
        province.met as province_met,
        province.status as province_status,
        province.progress_pct as province_progress_pct,
        province.gap as province_gap,
        province.shortfall as province_shortfall,
        commune_counts.communes_total,
        commune_counts.communes_with_data,
        commune_counts.communes_met,
        commune_counts.communes_missed,
        commune_counts.communes_not_due,
    from plan
    left join province
        on province.plan_unit = plan.plan_unit
        and province.indicator_code = plan.indicator_code
        and province.metric = plan.metric
        and province.year = plan.year
    left join commune_counts
        on commune_counts.plan_unit = plan.plan_unit
        and commune_counts.indicator_code = plan.indicator_code
        and commune_counts.metric = plan.metric
        and commune_counts.year = plan.year
)

select * from summary
