-- one row per plan indicator, target year and scope (the province, then each current commune);
-- key (indicator_code, year, scope, commune_code). The actual for year Y is the value at the latest
-- period ending in or before Y, so targets of later years are judged on the newest data.
with targets as (
    select * from stg_targets where metric is not null
),

province as (
    select * from mart_province_summary
),

commune_values as (
    select * from mart_commune_metrics
),

communes as (
    select * from stg_communes where is_current
),

province_actuals as (
    select
        targets.*,
        'province' as scope,
        cast(null as varchar) as commune_code,
        'Toàn tỉnh' as commune_name,
        province.value as actual,
        province.period_end as actual_period_end,
    from targets
    left join province
        on province.metric = targets.metric
        and year(province.period_end) <= targets.year
    qualify row_number() over (
        partition by targets.indicator_code, targets.year order by province.period_end desc nulls last
    ) = 1
),

commune_actuals as (
    select
        targets.*,
        'commune' as scope,
        communes.commune_code,
        communes.commune_name,
        commune_values.value as actual,
        commune_values.period_end as actual_period_end,
    from targets
    cross join communes
    left join commune_values
        on commune_values.metric = targets.metric
        and commune_values.commune_code = communes.commune_code
        and year(commune_values.period_end) <= targets.year
    qualify row_number() over (
        partition by targets.indicator_code, targets.year, communes.commune_code
        order by commune_values.period_end desc nulls last
    ) = 1
),

unioned as (
    select * from province_actuals
    union all by name
    select * from commune_actuals
),

judged as (
    select
        indicator_code,
        indicator_name,
        unit,
        year,
        comparator,
        target_text,
        target_value,
        target_upper,
        metric,
        scope,
        commune_code,
        commune_name,
        actual,
        actual_period_end,
        case comparator
            when '≤' then actual <= target_value
            else actual >= target_value
        end as met,
        actual - target_value as gap,
    from unioned
)

select * from judged
