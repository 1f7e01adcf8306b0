-- one row per plan indicator and target year, the target text parsed; key (indicator_code, year)
with source as (
    select * from raw.targets
),

counted_loads as (
    select load_id from stg_loads where is_counted
),

latest_load_wins as (
    select
        source.*,
        row_number() over (partition by indicator_code, year order by source.load_id desc) as version_rank,
    from source
    where source.load_id in (select load_id from counted_loads)
),

latest as (
    select * exclude (version_rank) from latest_load_wins where version_rank = 1
),

normalised as (
    -- '≥ 0,60' → '>=0.60'; '75 - 80' → '75-80'
    select
        *,
        replace(replace(replace(replace(replace(lower(trim(target_text)), ' ', ''), ',', '.'), '≥', '>='), '≤', '<='), '–', '-')
            as target_clean,
    from latest
),

parsed as (
    select
        *,
        regexp_extract(target_clean, '^(>=|<=|>|<)?([0-9]+(\.[0-9]+)?)(-([0-9]+(\.[0-9]+)?))?%?$', ['op', 'low', 'x', 'y', 'high'])
            as parts,
    from normalised
),

typed as (
    select
        indicator_code,
        indicator_name,
        unit,
        year,
        target_text,
        case
            when parts.high <> '' then 'range'
            when parts.op in ('>=', '>') then '≥'
            when parts.op in ('<=', '<') then '≤'
            else '='
        end as comparator,
        try_cast(nullif(parts.low, '') as double) as target_value,
        try_cast(nullif(parts.high, '') as double) as target_upper,
        responsible_unit,
        monitoring_unit,
        case
            when indicator_name ilike '%phủ sóng 5G%' then 'coverage_5g_pct'
            when indicator_name ilike '%hồ sơ%xử lý trực tuyến%' then 'online_rate_pct'
            when indicator_name ilike '%số hóa%' and indicator_name ilike '%hồ sơ%' then 'digitized_dossiers_pct'
        end as metric,
        load_id,
        source_row,
    from parsed
    where parts.low <> ''
)

select * from typed
