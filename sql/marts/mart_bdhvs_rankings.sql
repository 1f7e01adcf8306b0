-- one row per commune and snapshot date; key (commune_code, snapshot_date)
with bdhvs as (
    select * from stg_bdhvs
),

communes as (
    select * from stg_communes
),

snapshots as (
    select
        snapshot_date,
        lag(snapshot_date) over (order by snapshot_date) as prev_snapshot_date,
    from (select distinct snapshot_date from bdhvs)
),

measures as (
    select
        bdhvs.commune_code,
        communes.commune_name,
        communes.unit_type,
        communes.former_province,
        communes.former_district,
        communes.population,
        bdhvs.snapshot_date,
        bdhvs.learners,
        bdhvs.topics_completed,
        bdhvs.certificates,
        1000.0 * bdhvs.learners / nullif(communes.population, 0) as learners_per_1000,
    from bdhvs
    left join communes on communes.commune_code = bdhvs.commune_code
),

ranked as (
    select
        *,
        case when learners is not null
            then rank() over (partition by snapshot_date order by learners desc nulls last) end as rank_learners,
        case when topics_completed is not null
            then rank() over (partition by snapshot_date order by topics_completed desc nulls last) end
            as rank_topics,
        case when certificates is not null
            then rank() over (partition by snapshot_date order by certificates desc nulls last) end
            as rank_certificates,
        case when learners_per_1000 is not null
            then rank() over (partition by snapshot_date order by learners_per_1000 desc nulls last) end
            as rank_per_population,
        count(*) over (partition by snapshot_date) as units_ranked,
    from measures
),

with_previous as (
    select
        ranked.*,
        snapshots.prev_snapshot_date,
        previous.rank_learners - ranked.rank_learners as rank_learners_change,
        previous.rank_topics - ranked.rank_topics as rank_topics_change,
        previous.rank_certificates - ranked.rank_certificates as rank_certificates_change,
        previous.rank_per_population - ranked.rank_per_population as rank_per_population_change,
    from ranked
    inner join snapshots on snapshots.snapshot_date = ranked.snapshot_date
    left join ranked as previous
        on previous.commune_code = ranked.commune_code
        and previous.snapshot_date = snapshots.prev_snapshot_date
)

select * from with_previous
