-- one row per commune, dataset, period and measure the province ranked in the commune's own report: the official
-- rank and its n, as written ('7/96'); key (commune_code, dataset, period_end, metric)
-- A column <metric>_official_rank of a dataset holds them (datasets.py); the metric is the column's name less
-- the suffix.
with bdhvs as (
    select
        'bdhvs' as dataset,
        commune_code,
        cast(null as date) as period_start,
        snapshot_date as period_end,
        columns('_official_rank$'),
    from stg_bdhvs
),

long as (
    unpivot bdhvs
    on columns('_official_rank$')
    into name field value written
)

select
    dataset,
    commune_code,
    period_start,
    period_end,
    regexp_replace(field, '_official_rank$', '') as metric,
    cast(split_part(written, '/', 1) as integer) as official_rank,
    cast(split_part(written, '/', 2) as integer) as official_n,
    written as official_rank_text,
from long
