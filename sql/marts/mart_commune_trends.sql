-- one row per commune, measure and period, with the change since the commune's previous period of that measure;
-- key (commune_code, metric, period_end)
-- change = value - previous_value; rank_change = previous_rank - rank (positive: moved up that many places),
-- as mart_bdhvs_rankings counts BDHVS movement.
with commune_values as (
    select * from mart_commune_metrics
),

with_previous as (
    select
        *,
        lag(period_end) over by_commune_metric as previous_period_end,
        lag(value) over by_commune_metric as previous_value,
        lag(rank) over by_commune_metric as previous_rank,
    from commune_values
    window by_commune_metric as (partition by commune_code, metric order by period_end)
),

changes as (
    select
        *,
        value - previous_value as change,
        previous_rank - rank as rank_change,
    from with_previous
)

select * from changes
