-- one row per commune and month reported; key (commune_code, period)
with broadband as (
    select * from stg_broadband
),

communes as (
    select * from stg_communes
),

measures as (
    select
        broadband.commune_code,
        communes.commune_name,
        communes.unit_type,
        communes.former_province,
        communes.former_district,
        communes.population,
        broadband.period,
        broadband.villages_total,
        broadband.villages_4g,
        broadband.bts_stations,
        broadband.fixed_broadband_subs,
        broadband.households,
        broadband.fibre_households,
        broadband.mobile_subs,
        100.0 * broadband.villages_4g / nullif(broadband.villages_total, 0) as coverage_4g_pct,
        broadband.coverage_5g_pct,
        100.0 * broadband.fixed_broadband_subs / nullif(communes.population, 0) as fixed_broadband_per_100,
        100.0 * broadband.fibre_households / nullif(broadband.households, 0) as fibre_household_pct,
        100.0 * broadband.mobile_subs / nullif(communes.population, 0) as mobile_subs_per_100,
    from broadband
    left join communes on communes.commune_code = broadband.commune_code
),

ranked as (
    select
        *,
        case when coverage_4g_pct is not null
            then rank() over (partition by period order by coverage_4g_pct desc nulls last) end
            as rank_coverage_4g,
        case when coverage_5g_pct is not null
            then rank() over (partition by period order by coverage_5g_pct desc nulls last) end
            as rank_coverage_5g,
        case when fixed_broadband_per_100 is not null
            then rank() over (partition by period order by fixed_broadband_per_100 desc nulls last) end
            as rank_fixed_broadband,
        case when fibre_household_pct is not null
            then rank() over (partition by period order by fibre_household_pct desc nulls last) end
            as rank_fibre,
        case when mobile_subs_per_100 is not null
            then rank() over (partition by period order by mobile_subs_per_100 desc nulls last) end
            as rank_mobile,
        case when bts_stations is not null
            then rank() over (partition by period order by bts_stations desc nulls last) end
            as rank_bts,
        count(*) over (partition by period) as units_ranked,
    from measures
)

select * from ranked
