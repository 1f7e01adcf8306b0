-- one row per plan indicator, target year and scope (the province, each current commune): the indicator judged
-- once, however many measures track it (3.3: digitised dossiers and results); key (plan_unit, indicator_code, year,
-- scope, commune_code)
-- status: met when every judged measure is met; missed when any is missed; not_due when one is not reached yet and
-- the year is still ahead; otherwise what its measures say (proxy, approximate, no_data). met: true/false only for
-- met/missed, so "đạt 4/5" counts indicators, never measurements.
with attainment as (
    select * from mart_target_attainment
),

indicators as (
    select
        plan_unit,
        any_value(plan_name) as plan_name,
        indicator_code,
        any_value(indicator_order) as indicator_order,
        any_value(indicator_name) as indicator_name,
        year,
        scope,
        commune_code,
        any_value(commune_name) as commune_name,
        count(*) as measures,
        count(*) filter (where status = 'met') as measures_met,
        count(*) filter (where status = 'missed') as measures_missed,
        count(*) filter (where status = 'not_due') as measures_not_due,
        count(*) filter (where status in ('met', 'missed', 'not_due')) as measures_judged,
        min(status) filter (where status not in ('met', 'missed', 'not_due')) as other_status,
    from attainment
    group by plan_unit, indicator_code, year, scope, commune_code
)

select
    indicators.*,
    case
        when measures_missed > 0 then 'missed'
        when measures_not_due > 0 then 'not_due'
        when measures_met > 0 and measures_met = measures then 'met'
        when measures_met > 0 then coalesce(other_status, 'met')
        else coalesce(other_status, 'no_data')
    end as status,
    case
        when measures_missed > 0 then false
        when measures_not_due = 0 and measures_met > 0 and measures_met = measures then true
    end as met,
from indicators
