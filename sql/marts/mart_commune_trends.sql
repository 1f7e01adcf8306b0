-- one row per commune, measure and period, with the change since the commune's previous period of that measure;
-- key (commune_code, metric, period_end)
-- change = value - previous_value; rank_change = previous_rank - rank (positive: moved up that many places),
-- as mart_bdhvs_rankings counts BDHVS movement. Names and districts are left to the communes dimension: the
-- window sorts every row, and narrow rows sort twice as fast at national scale.
with commune_values as (
    select
        commune_code,
        dataset,
        metric,
        period_start,
        period_end,
        value,
        rank,
        units_ranked,
    from mart_commune_metrics
),

with_previous as (
    select
        *,
        lag({period_end: period_end, value: value, rank: rank})
            over (partition by commune_code, metric order by period_end) as previous,
    from commune_values
),

changes as (
    select
        * exclude (previous),
        previous.period_end as previous_period_end,
        previous.value as previous_value,
        previous.rank as previous_rank,
        value - previous.value as change,
        previous.rank - rank as rank_change,
    from with_previous
)

select * from changes
