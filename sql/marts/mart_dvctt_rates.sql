-- one row per commune and reporting period; key (commune_code, period_start, period_end)
with dvctt as (
    select * from stg_dvctt
),

communes as (
    select * from stg_communes
),

rates as (
    select
        dvctt.commune_code,
        communes.commune_name,
        communes.unit_type,
        communes.former_province,
        communes.former_district,
        dvctt.* exclude (commune_code, load_id, source_row),
        100.0 * dvctt.received_online / nullif(dvctt.received_total, 0) as online_rate_pct,
        100.0 * dvctt.resolved_on_time / nullif(dvctt.resolved_total, 0) as on_time_rate_pct,
        100.0 * dvctt.resolved_total / nullif(dvctt.received_total, 0) as resolved_rate_pct,
        100.0 * dvctt.full_online / nullif(dvctt.full_received, 0) as full_online_rate_pct,
        100.0 * dvctt.partial_online / nullif(dvctt.partial_received, 0) as partial_online_rate_pct,
        100.0 * dvctt.digitized_dossiers / nullif(dvctt.received_total, 0) as digitized_dossiers_pct,
        100.0 * dvctt.digitized_results / nullif(dvctt.resolved_total, 0) as digitized_results_pct,
        100.0 * dvctt.paid_online / nullif(dvctt.fee_dossiers, 0) as online_payment_pct,
    from dvctt
    left join communes on communes.commune_code = dvctt.commune_code
),

ranked as (
    select
        *,
        case when online_rate_pct is not null
            then rank() over (partition by period_start, period_end order by online_rate_pct desc nulls last) end
            as rank_online_rate,
        case when on_time_rate_pct is not null
            then rank() over (partition by period_start, period_end order by on_time_rate_pct desc nulls last) end
            as rank_on_time_rate,
        case when resolved_rate_pct is not null
            then rank() over (partition by period_start, period_end order by resolved_rate_pct desc nulls last) end
            as rank_resolved_rate,
        case when full_online_rate_pct is not null
            then rank() over (partition by period_start, period_end order by full_online_rate_pct desc nulls last) end
            as rank_full_online_rate,
        case when partial_online_rate_pct is not null
            then rank() over (partition by period_start, period_end order by partial_online_rate_pct desc nulls last) end
            as rank_partial_online_rate,
        case when digitized_dossiers_pct is not null
            then rank() over (partition by period_start, period_end order by digitized_dossiers_pct desc nulls last) end
            as rank_digitized_dossiers,
        case when digitized_results_pct is not null
            then rank() over (partition by period_start, period_end order by digitized_results_pct desc nulls last) end
            as rank_digitized_results,
        case when online_payment_pct is not null
            then rank() over (partition by period_start, period_end order by online_payment_pct desc nulls last) end
            as rank_online_payment,
        count(*) over (partition by period_start, period_end) as units_ranked,
    from rates
)

select * from ranked
