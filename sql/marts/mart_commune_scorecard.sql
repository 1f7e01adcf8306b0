-- one row per current commune: the latest value and rank of each headline measure; key (commune_code)
-- "latest" is the latest period of each dataset across the province, not per commune
with commune_values as (
    select * from mart_commune_metrics
),

communes as (
    select * from stg_communes where is_current
),

latest_periods as (
    select dataset, max(period_end) as period_end from commune_values group by dataset
),

latest_values as (
    select commune_values.*
    from commune_values
    inner join latest_periods using (dataset, period_end)
),

pivoted as (
    select
        commune_code,
        max(value) filter (where metric = 'coverage_4g_pct') as coverage_4g_pct,
        max(rank) filter (where metric = 'coverage_4g_pct') as rank_coverage_4g_pct,
        max(value) filter (where metric = 'coverage_5g_pct') as coverage_5g_pct,
        max(rank) filter (where metric = 'coverage_5g_pct') as rank_coverage_5g_pct,
        max(value) filter (where metric = 'fibre_household_pct') as fibre_household_pct,
        max(rank) filter (where metric = 'fibre_household_pct') as rank_fibre_household_pct,
        max(value) filter (where metric = 'fixed_broadband_per_100') as fixed_broadband_per_100,
        max(rank) filter (where metric = 'fixed_broadband_per_100') as rank_fixed_broadband_per_100,
        max(value) filter (where metric = 'mobile_subs_per_100') as mobile_subs_per_100,
        max(rank) filter (where metric = 'mobile_subs_per_100') as rank_mobile_subs_per_100,
        max(value) filter (where metric = 'online_rate_pct') as online_rate_pct,
        max(rank) filter (where metric = 'online_rate_pct') as rank_online_rate_pct,
        max(value) filter (where metric = 'on_time_rate_pct') as on_time_rate_pct,
        max(rank) filter (where metric = 'on_time_rate_pct') as rank_on_time_rate_pct,
        max(value) filter (where metric = 'full_online_rate_pct') as full_online_rate_pct,
        max(rank) filter (where metric = 'full_online_rate_pct') as rank_full_online_rate_pct,
        max(value) filter (where metric = 'digitized_dossiers_pct') as digitized_dossiers_pct,
        max(rank) filter (where metric = 'digitized_dossiers_pct') as rank_digitized_dossiers_pct,
        max(value) filter (where metric = 'learners') as learners,
        max(rank) filter (where metric = 'learners') as rank_learners,
        max(value) filter (where metric = 'learners_per_1000') as learners_per_1000,
        max(rank) filter (where metric = 'learners_per_1000') as rank_learners_per_1000,
        max(units_ranked) filter (where dataset = 'broadband') as broadband_units_ranked,
        max(units_ranked) filter (where dataset = 'dvctt') as dvctt_units_ranked,
        max(units_ranked) filter (where dataset = 'bdhvs') as bdhvs_units_ranked,
    from latest_values
    group by commune_code
),

scorecard as (
    select
        communes.commune_code,
        communes.commune_name,
        communes.unit_type,
        communes.former_province,
        communes.former_district,
        communes.merged_from,
        communes.population,
        communes.area_km2,
        (select period_end from latest_periods where dataset = 'broadband') as broadband_period,
        (select period_end from latest_periods where dataset = 'dvctt') as dvctt_period_end,
        (select period_end from latest_periods where dataset = 'bdhvs') as bdhvs_snapshot_date,
        pivoted.* exclude (commune_code),
    from communes
    left join pivoted on pivoted.commune_code = communes.commune_code
)

select * from scorecard
