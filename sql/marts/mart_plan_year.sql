-- one row: the year of the newest data and the plan year its figures are judged against; key (none: a single row)
-- data_year = the year of the latest period of any dataset (broadband, dvctt, bdhvs), or today's year without data;
-- target_year = the first target year of the plan not before data_year (the milestone still ahead), else null.
with broadband as (
    select max(period) as period_end from stg_broadband
),

dvctt as (
    select max(period_end) as period_end from stg_dvctt
),

bdhvs as (
    select max(snapshot_date) as period_end from stg_bdhvs
),

targets as (
    select distinct year from stg_targets
),

latest as (
    select
        greatest(broadband.period_end, dvctt.period_end, bdhvs.period_end) as latest_period_end,
    from broadband, dvctt, bdhvs
),

years as (
    select
        latest.latest_period_end,
        coalesce(year(latest.latest_period_end), year(current_date)) as data_year,
    from latest
),

plan_year as (
    select
        years.latest_period_end,
        years.data_year,
        (select min(targets.year) from targets where targets.year >= years.data_year) as target_year,
    from years
)

select * from plan_year
