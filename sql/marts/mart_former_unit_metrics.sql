-- one row per unit from before 1 July 2025, measure and period a report gave for it; key (commune_code, metric,
-- period_end). The "before the merger" table: "Huyện Minh Long" reported for the first half of 2025 is shown as
-- Minh Long's (the former district's), on the profiles of the units it went into (went_into), never ranked with
-- or credited to one of today's units.
with former_values as (
    select * from mart_commune_metrics where is_former and value is not null
),

went_into as (
    select
        former_code,
        any_value(kind) as kind,
        list(commune_code order by commune_code) as went_into,
    from stg_former_units
    group by former_code
)

select
    former_values.commune_code,
    former_values.commune_name,
    went_into.kind,
    went_into.went_into,
    former_values.dataset,
    former_values.metric,
    former_values.period_start,
    former_values.period_end,
    former_values.value,
    former_values.value_source,
    former_values.qualifier,
from former_values
left join went_into on went_into.former_code = former_values.commune_code
