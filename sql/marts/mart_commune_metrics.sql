-- one row per commune, measure and period: every measure of the catalogue (sql/seeds/ref_measures.csv) with its
-- rank; key (commune_code, metric, period_end)
-- value: from the counts where the row gives them (numerator / denominator × factor, or the count itself), else the
-- rate the report gives (value_source 'counts' | 'reported'). qualifier: '>', '<', '≈' where the figure was written
-- "trên …", "dưới …", "khoảng …" (the number loaded is the one written).
-- rank: the province's competition ranking (1, 2, 2, 4) among the units that have the measure in that period,
-- n = units_ranked. Never ranked: a qualified value, and a unit from before the merger ('cu:H. Minh Long',
-- is_former), which keeps its figures under its own code and name (the "before the merger" mart).
-- Where the warehouse holds fewer units for that period than the official rank's n (one commune's own file), the
-- official rank and its n are what is shown (rank_source 'official'); where it holds the full table, the computed
-- rank stands and official_rank keeps the province's, to compare (rank_differs).
with measures as (
    select * from ref_measures
),

inputs as (
    select * from stg_measure_inputs
),

official as (
    select * from stg_official_ranks
),

communes as (
    select * from stg_communes
),

roles as (
    -- which figure plays which part in which measure: an equi-join key for the inputs
    select metric, dataset, 'numerator' as role, numerator as field from measures where numerator is not null
    union all
    select metric, dataset, 'denominator', denominator from measures where denominator is not null
    union all
    select metric, dataset, 'reported', reported from measures where reported is not null
    union all
    select metric, dataset, 'population_from_report', 'population_from_report' from measures
    where denominator = 'population'
),

parts as (
    select
        inputs.commune_code,
        inputs.dataset,
        roles.metric,
        inputs.period_start,
        inputs.period_end,
        max(inputs.amount) filter (where roles.role = 'numerator') as numerator,
        max(inputs.amount) filter (where roles.role = 'denominator') as denominator,
        max(inputs.amount) filter (where roles.role = 'reported') as reported,
        max(inputs.qualifier) filter (where roles.role in ('numerator', 'denominator')) as counts_qualifier,
        max(inputs.qualifier) filter (where roles.role = 'reported') as reported_qualifier,
        max(inputs.amount) filter (where roles.role = 'population_from_report') = 1 as population_from_report,
    from inputs
    inner join roles on roles.dataset = inputs.dataset and roles.field = inputs.field
    group by all
),

valued as (
    select
        parts.*,
        measures.higher_is_better,
        case
            when measures.factor is null then parts.numerator
            when parts.numerator is not null and parts.denominator > 0
                then measures.factor * parts.numerator / parts.denominator
            else parts.reported
        end as value,
        case
            when measures.factor is null and parts.numerator is not null then 'counts'
            when parts.numerator is not null and parts.denominator > 0 then 'counts'
            when parts.reported is not null then 'reported'
        end as value_source,
        case
            when measures.factor is null or (parts.numerator is not null and parts.denominator > 0)
                then parts.counts_qualifier
            else parts.reported_qualifier
        end as qualifier,
        measures.denominator = 'population' and parts.population_from_report as population_from_report,
    from parts
    inner join measures on measures.metric = parts.metric
),

ranked_values as (
    -- narrow rows, the ranked ones only: a window sorts its whole rows, and these sort several times faster
    select
        commune_code,
        metric,
        period_start,
        period_end,
        rank() over (
            partition by metric, period_start, period_end
            order by case when higher_is_better then -value else value end
        ) as computed_rank,
    from valued
    where value is not null and qualifier is null and not starts_with(commune_code, 'cu:')
),

units_ranked as (
    select metric, period_start, period_end, count(*) as units_with_value,
    from ranked_values
    group by all
),

ranked as (
    select
        valued.*,
        ranked_values.computed_rank,
        units_ranked.units_with_value,
    from valued
    left join ranked_values using (commune_code, metric, period_end)
    left join units_ranked
        on units_ranked.metric = valued.metric
        and units_ranked.period_end = valued.period_end
        and units_ranked.period_start is not distinct from valued.period_start
),

with_official as (
    select
        ranked.*,
        official.official_rank,
        official.official_n,
        official.official_n is not null and ranked.units_with_value < official.official_n as use_official,
    from ranked
    left join official
        on official.commune_code = ranked.commune_code
        and official.metric = ranked.metric
        and official.period_end = ranked.period_end
)

select
    with_official.commune_code,
    coalesce(communes.commune_name, former.former_name) as commune_name,
    starts_with(with_official.commune_code, 'cu:') as is_former,
    communes.unit_type,
    communes.former_province,
    communes.former_district,
    with_official.dataset,
    with_official.metric,
    with_official.period_start,
    with_official.period_end,
    with_official.value,
    with_official.value_source,
    with_official.qualifier,
    with_official.numerator,
    with_official.denominator,
    with_official.reported,
    coalesce(with_official.population_from_report, false) as population_from_report,
    case when use_official then official_rank else computed_rank end as rank,
    case when use_official then official_n else units_with_value end as units_ranked,
    case when use_official then 'official' when computed_rank is not null then 'computed' end as rank_source,
    with_official.official_rank,
    with_official.official_n,
    not use_official and official_rank is not null and official_rank <> computed_rank as rank_differs,
from with_official
left join communes on communes.commune_code = with_official.commune_code
left join (select distinct former_code, former_name from stg_former_units) as former
    on former.former_code = with_official.commune_code
