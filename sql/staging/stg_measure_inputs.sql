-- one row per commune, dataset, period and figure: every number the counted loads hold, in long form, with the
-- population the per-100 / per-1.000 measures divide by; key (commune_code, dataset, period_end, field)
-- The marts compute every measure of ref_measures (sql/seeds/ref_measures.csv) from these rows: its numerator,
-- denominator and reported rate are fields here, so a new measure is a line of the catalogue, not a new column.
-- Periods have one scheme: period_start (null where the dataset has a single date) and period_end.
-- population: the report's own ("Dân số" in the row) when given, else the communes dimension's; the field
-- population_from_report is 1 when the report's was used. Official ranks ('7/96', text) are in stg_official_ranks.
-- qualifier: '>', '<' or '≈' where the cell was written "trên 75 %", "dưới 5 %", "khoảng 62 %" (meta.qualifiers).
with communes as (
    select commune_code, population from stg_communes
),

broadband as (
    select
        'broadband' as dataset,
        cast(null as date) as period_start,
        period as period_end,
        * exclude (period),
    from stg_broadband
),

dvctt as (
    select 'dvctt' as dataset, * from stg_dvctt
),

bdhvs as (
    select
        'bdhvs' as dataset,
        cast(null as date) as period_start,
        snapshot_date as period_end,
        columns(lambda c: c <> 'snapshot_date' and c not like '%\_official\_rank' escape '\'),
    from stg_bdhvs
),

with_population as (
    select
        rows.* exclude (reported_population),
        coalesce(rows.reported_population, communes.population) as population,
        cast(rows.reported_population is not null as integer) as population_from_report,
    from (
        select * from broadband
        union all by name
        select * from dvctt
        union all by name
        select * from bdhvs
    ) as rows
    left join communes on communes.commune_code = rows.commune_code
),

long as (
    unpivot with_population
    on columns(* exclude (dataset, commune_code, period_start, period_end, load_id, source_row))
    into name field value amount
),

qualifiers as (
    select * from meta.qualifiers
),

qualified as (
    select
        long.dataset,
        long.commune_code,
        long.period_start,
        long.period_end,
        long.field,
        long.amount,
        qualifiers.qualifier,
    from long
    left join qualifiers
        on qualifiers.load_id = long.load_id
        and qualifiers.source_row = long.source_row
        and qualifiers.column_name = long.field
)

select * from qualified
