-- one row per administrative unit (latest accepted version); key (commune_code)
with source as (
    select * from raw.communes
),

counted_loads as (
    select load_id from stg_loads where is_counted
),

latest_load_wins as (
    select
        source.*,
        row_number() over (partition by commune_code order by source.load_id desc) as version_rank,
    from source
    where source.load_id in (select load_id from counted_loads)
),

latest as (
    select
        * exclude (version_rank),
        valid_to is null or valid_to > current_date as is_current,
    from latest_load_wins
    where version_rank = 1
)

select * from latest
