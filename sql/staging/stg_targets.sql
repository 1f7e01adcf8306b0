-- one row per plan (its unit: 'province' or a commune's code), indicator and target year, the target text parsed;
-- key (plan_unit, indicator_code, year). A load from before plans had units has plan_unit null: listed, never judged.
-- "≥ 80" → (≥, 80); "75-80" → (range, 75, 80); "50" → (=, 50); "đạt 1" → (≥, 1);
-- "100 (Các hệ thống … thông minh.)" → (=, 100) with the note kept; "-" or text without a number → no target that year.
with latest as (
    select * from latest_counted('raw.targets', ['plan_unit', 'indicator_code', 'year'])
),

indicator_metrics as (
    select * from ref_indicator_metrics
),

normalised as (
    -- '≥ 0,60' → '>=0.60'; '75 - 80' → '75-80'; 'đạt 1' → '>=1'; a trailing '(note)' set aside
    select
        *,
        nullif(trim(regexp_extract(target_text, '\((.*)\)\s*$', 1)), '') as target_note,
        replace(replace(replace(replace(replace(replace(
            lower(trim(regexp_replace(target_text, '\s*\(.*\)\s*$', ''))),
            ' ', ''), ',', '.'), '≥', '>='), '≤', '<='), '–', '-'), 'đạt', '>=')
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
        plan_unit,
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
        target_note,
        responsible_unit,
        monitoring_unit,
        -- the first measure of the reviewed mapping; the plan-targets mart lists every one
        (
            select indicator_metrics.metric
            from indicator_metrics
            where strip_accents(lower(indicator_name)) like strip_accents(indicator_metrics.indicator_pattern)
            order by indicator_metrics.metric_order, indicator_metrics.metric
            limit 1
        ) as metric,
        -- '1.10' after '1.9', '10' after '9'
        list_transform(string_split(indicator_code, '.'), lambda part: try_cast(part as integer)) as indicator_order,
        load_id,
        source_row,
    from parsed
    where parts.low <> ''
)

select * from typed
