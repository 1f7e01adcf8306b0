-- one row per administrative unit (latest accepted version); key (commune_code)
with latest as (
    select * from latest_counted('raw.communes', ['commune_code'])
),

with_validity as (
    select
        *,
        valid_to is null or valid_to > current_date as is_current,
    from latest
)

select * from with_validity
