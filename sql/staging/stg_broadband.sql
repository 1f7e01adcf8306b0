-- one row per commune and month reported; key (commune_code, period)
with source as (
    select * from raw.broadband
),

counted_loads as (
    select load_id from stg_loads where is_counted
),

latest_load_wins as (
    select
        source.*,
        row_number() over (partition by commune_code, period order by source.load_id desc) as version_rank,
    from source
    where source.load_id in (select load_id from counted_loads)
),

latest as (
    select
        * exclude (version_rank),
    from latest_load_wins
    where version_rank = 1
)

select * from latest
