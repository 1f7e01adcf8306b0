-- one row per dataset, period and measure for the whole province; key (dataset, metric, period_end)
-- a province rate is a ratio of sums over the communes reporting both parts, never a mean of rates
with broadband as (
    select * from mart_broadband_coverage
),

dvctt as (
    select * from mart_dvctt_rates
),

bdhvs as (
    select * from mart_bdhvs_rankings
),

broadband_sums as (
    select
        period as period_end,
        count(*) as units_reporting,
        unnest([
            {metric: 'coverage_4g_pct', factor: 100.0,
             numerator: sum(villages_4g) filter (where villages_total is not null),
             denominator: sum(villages_total) filter (where villages_4g is not null)},
            {metric: 'coverage_5g_pct', factor: 100.0,
             numerator: sum(coverage_5g_pct / 100.0 * population) filter (where population is not null),
             denominator: sum(population) filter (where coverage_5g_pct is not null)},
            {metric: 'fibre_household_pct', factor: 100.0,
             numerator: sum(fibre_households) filter (where households is not null),
             denominator: sum(households) filter (where fibre_households is not null)},
            {metric: 'fixed_broadband_per_100', factor: 100.0,
             numerator: sum(fixed_broadband_subs) filter (where population is not null),
             denominator: sum(population) filter (where fixed_broadband_subs is not null)},
            {metric: 'mobile_subs_per_100', factor: 100.0,
             numerator: sum(mobile_subs) filter (where population is not null),
             denominator: sum(population) filter (where mobile_subs is not null)},
            {metric: 'bts_stations', factor: null, numerator: sum(bts_stations), denominator: null},
        ]) as measure,
    from broadband
    group by period
),

dvctt_sums as (
    select
        period_start,
        period_end,
        count(*) as units_reporting,
        unnest([
            {metric: 'online_rate_pct', factor: 100.0,
             numerator: sum(received_online) filter (where received_total is not null),
             denominator: sum(received_total) filter (where received_online is not null)},
            {metric: 'on_time_rate_pct', factor: 100.0,
             numerator: sum(resolved_on_time) filter (where resolved_total is not null),
             denominator: sum(resolved_total) filter (where resolved_on_time is not null)},
            {metric: 'resolved_rate_pct', factor: 100.0,
             numerator: sum(resolved_total) filter (where received_total is not null),
             denominator: sum(received_total) filter (where resolved_total is not null)},
            {metric: 'full_online_rate_pct', factor: 100.0,
             numerator: sum(full_online) filter (where full_received is not null),
             denominator: sum(full_received) filter (where full_online is not null)},
            {metric: 'partial_online_rate_pct', factor: 100.0,
             numerator: sum(partial_online) filter (where partial_received is not null),
             denominator: sum(partial_received) filter (where partial_online is not null)},
            {metric: 'digitized_dossiers_pct', factor: 100.0,
             numerator: sum(digitized_dossiers) filter (where received_total is not null),
             denominator: sum(received_total) filter (where digitized_dossiers is not null)},
            {metric: 'digitized_results_pct', factor: 100.0,
             numerator: sum(digitized_results) filter (where resolved_total is not null),
             denominator: sum(resolved_total) filter (where digitized_results is not null)},
            {metric: 'online_payment_pct', factor: 100.0,
             numerator: sum(paid_online) filter (where fee_dossiers is not null),
             denominator: sum(fee_dossiers) filter (where paid_online is not null)},
        ]) as measure,
    from dvctt
    group by period_start, period_end
),

bdhvs_sums as (
    select
        snapshot_date as period_end,
        count(*) as units_reporting,
        unnest([
            {metric: 'learners', factor: null, numerator: sum(learners), denominator: null},
            {metric: 'topics_completed', factor: null, numerator: sum(topics_completed), denominator: null},
            {metric: 'certificates', factor: null, numerator: sum(certificates), denominator: null},
            {metric: 'learners_per_1000', factor: 1000.0,
             numerator: sum(learners) filter (where population is not null),
             denominator: sum(population) filter (where learners is not null)},
        ]) as measure,
    from bdhvs
    group by snapshot_date
),

unioned as (
    select 'broadband' as dataset, cast(null as date) as period_start, period_end, units_reporting, measure
    from broadband_sums
    union all
    select 'dvctt', period_start, period_end, units_reporting, measure
    from dvctt_sums
    union all
    select 'bdhvs', cast(null as date), period_end, units_reporting, measure
    from bdhvs_sums
),

valued as (
    select
        dataset,
        period_start,
        period_end,
        measure.metric as metric,
        case
            when measure.factor is null then cast(measure.numerator as double)
            else measure.factor * measure.numerator / nullif(measure.denominator, 0)
        end as value,
        cast(measure.numerator as double) as numerator,
        cast(measure.denominator as double) as denominator,
        units_reporting,
    from unioned
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
