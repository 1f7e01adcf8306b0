-- one row per dataset, period and measure for the whole province; key (dataset, metric, period_end)
-- How a province value is made is the measure's `province` in the catalogue (sql/seeds/ref_measures.csv), and
-- province_method says it for the page:
--   sum                  the sum of the units' counts;
--   ratio                a ratio of sums over the units that give both counts (never a mean of rates); a unit that
--                        gives only a rate is not in it (units_reported_only counts them); with no counts, empty;
--   population_weighted  the units' rates weighted by their population (5G, which operators give as a rate).
with measures as (
    select * from ref_measures
),

commune_values as (
    select * from mart_commune_metrics where not is_former  -- a former unit's figures are in today's units' already
),

sums as (
    select
        commune_values.dataset,
        commune_values.metric,
        commune_values.period_start,
        commune_values.period_end,
        any_value(measures.province) as method,
        any_value(measures.factor) as factor,
        count(commune_values.value) as units_reporting,
        count(*) filter (where commune_values.value_source = 'reported') as units_reported_only,
        sum(commune_values.numerator) filter (where commune_values.value_source = 'counts') as counted_numerator,
        sum(commune_values.denominator) filter (where commune_values.value_source = 'counts') as counted_denominator,
        sum(commune_values.value * commune_values.denominator) filter (where commune_values.value is not null)
            as weighted_numerator,
        sum(commune_values.denominator) filter (where commune_values.value is not null) as weighted_denominator,
    from commune_values
    inner join measures on measures.metric = commune_values.metric
    group by all
),

valued as (
    select
        dataset,
        period_start,
        period_end,
        metric,
        case method
            when 'sum' then counted_numerator
            when 'ratio' then factor * counted_numerator / nullif(counted_denominator, 0)
            when 'population_weighted' then weighted_numerator / nullif(weighted_denominator, 0)
        end as value,
        case method when 'population_weighted' then weighted_numerator / factor else counted_numerator end
            as numerator,
        case method
            when 'sum' then null
            when 'population_weighted' then weighted_denominator
            else counted_denominator
        end as denominator,
        method as province_method,
        units_reporting,
        units_reported_only,
    from sums
),

with_previous as (
    -- the change since the measure's previous period (period-over-period)
    select
        *,
        lag(period_end) over (partition by dataset, metric order by period_end) as previous_period_end,
        lag(value) over (partition by dataset, metric order by period_end) as previous_value,
        value - lag(value) over (partition by dataset, metric order by period_end) as change,
    from valued
)

select * from with_previous
