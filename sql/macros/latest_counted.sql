-- the rows of a raw table that count: of each key, the row of the newest load that is counted (accepted, not
-- retracted; stg_loads.is_counted). A newer file for the same keys supersedes an older one; retracting it
-- brings the older one back. Usage: select * from latest_counted('raw.dvctt', ['commune_code', 'period_start', 'period_end'])
create or replace macro latest_counted(raw_table, keys) as table
    select * exclude (version_rank)
    from (
        select
            *,
            row_number() over (partition by row(*columns(keys)) order by load_id desc) as version_rank,
        from query_table(raw_table)
        where load_id in (select load_id from stg_loads where is_counted)
    ) as versions
    where version_rank = 1
