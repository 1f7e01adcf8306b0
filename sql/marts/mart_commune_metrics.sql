-- one row per commune, measure and period (long form of the three commune marts); key (commune_code, metric, period_end)
with broadband as (
    select * from mart_broadband_coverage
),

dvctt as (
    select * from mart_dvctt_rates
),

bdhvs as (
    select * from mart_bdhvs_rankings
),

communes as (
    select * from stg_communes
),

broadband_long as (
    select
        commune_code,
        'broadband' as dataset,
        cast(null as date) as period_start,
        period as period_end,
        units_ranked,
        unnest([
            {metric: 'coverage_4g_pct', value: coverage_4g_pct, rank: rank_coverage_4g},
            {metric: 'coverage_5g_pct', value: coverage_5g_pct, rank: rank_coverage_5g},
            {metric: 'fibre_household_pct', value: fibre_household_pct, rank: rank_fibre},
            {metric: 'fixed_broadband_per_100', value: fixed_broadband_per_100, rank: rank_fixed_broadband},
            {metric: 'mobile_subs_per_100', value: mobile_subs_per_100, rank: rank_mobile},
            {metric: 'bts_stations', value: cast(bts_stations as double), rank: rank_bts},
        ]) as measure,
    from broadband
),

dvctt_long as (
    select
        commune_code,
        'dvctt' as dataset,
        period_start,
        period_end,
        units_ranked,
        unnest([
            {metric: 'online_rate_pct', value: online_rate_pct, rank: rank_online_rate},
            {metric: 'on_time_rate_pct', value: on_time_rate_pct, rank: rank_on_time_rate},
            {metric: 'resolved_rate_pct', value: resolved_rate_pct, rank: rank_resolved_rate},
            {metric: 'full_online_rate_pct', value: full_online_rate_pct, rank: rank_full_online_rate},
            {metric: 'partial_online_rate_pct', value: partial_online_rate_pct, rank: rank_partial_online_rate},
            {metric: 'digitized_dossiers_pct', value: digitized_dossiers_pct, rank: rank_digitized_dossiers},
            {metric: 'digitized_results_pct', value: digitized_results_pct, rank: rank_digitized_results},
            {metric: 'online_payment_pct', value: online_payment_pct, rank: rank_online_payment},
        ]) as measure,
    from dvctt
),

bdhvs_long as (
    select
        commune_code,
        'bdhvs' as dataset,
        cast(null as date) as period_start,
        snapshot_date as period_end,
        units_ranked,
        unnest([
            {metric: 'learners', value: cast(learners as double), rank: rank_learners},
            {metric: 'topics_completed', value: cast(topics_completed as double), rank: rank_topics},
            {metric: 'certificates', value: cast(certificates as double), rank: rank_certificates},
            {metric: 'learners_per_1000', value: learners_per_1000, rank: rank_per_population},
        ]) as measure,
    from bdhvs
),

unioned as (
    select * from broadband_long
    union all
    select * from dvctt_long
    union all
    select * from bdhvs_long
),

with_communes as (
    select
        unioned.commune_code,
        communes.commune_name,
        communes.unit_type,
        communes.former_province,
        communes.former_district,
        unioned.dataset,
        unioned.measure.metric as metric,
        unioned.period_start,
        unioned.period_end,
        unioned.measure.value as value,
        unioned.measure.rank as rank,
        unioned.units_ranked,
    from unioned
    left join communes on communes.commune_code = unioned.commune_code
)

select * from with_communes
