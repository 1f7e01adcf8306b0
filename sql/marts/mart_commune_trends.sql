-- one row per commune, measure and period, with the change since the measure's previous period (the latest
-- earlier period any unit reported it for); key (commune_code, metric, period_end)
-- change = value - previous_value; rank_change = previous_rank - rank (positive: moved up that many places).
-- A commune without a value in the previous period has no change: movement is always since the same snapshot.
-- Names and districts are left to the communes dimension (narrow rows join twice as fast at national scale).
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

periods as (
    select
        metric,
        period_end,
        lag(period_end) over (partition by metric order by period_end) as previous_period_end,
    from (select distinct metric, period_end from commune_values)
),

changes as (
    select
        current_values.*,
        periods.previous_period_end,
        previous.value as previous_value,
        previous.rank as previous_rank,
        current_values.value - previous.value as change,
        previous.rank - current_values.rank as rank_change,
    from commune_values as current_values
    inner join periods
        on periods.metric = current_values.metric
        and periods.period_end = current_values.period_end
    left join commune_values as previous
        on previous.commune_code = current_values.commune_code
        and previous.metric = current_values.metric
        and previous.period_end = periods.previous_period_end
)

select * from changes
