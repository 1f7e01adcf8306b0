-- one row per load attempt, accepted or rejected; key (load_id)
with loads as (
    select * from meta.loads
),

flagged as (
    select
        load_id,
        dataset,
        file_name,
        status,
        rows_loaded,
        n_errors,
        n_warnings,
        loaded_by,
        loaded_at,
        is_sample,
        retracted_at,
        status = 'loaded' and retracted_at is null as is_counted,
    from loads
)

select * from flagged
