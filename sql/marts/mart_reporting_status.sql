-- one row per measured dataset, reporting period and current unit: whether the unit sent figures for that period;
-- key (dataset, period_start, period_end, commune_code)
-- A period is one that at least one current unit sent figures for (a former unit's own period, such as Minh Long's
-- half-year, is not one to chase). has_data: the unit's row of that period holds at least one figure (a row left
-- blank is not a report); load_id, loaded_at: the load that brought it. For a unit without figures:
-- last_period_start, last_period_end, the latest earlier period it sent (null: never), and periods_missing, how many
-- periods in a row it has missed up to this one.
with communes as (
    select commune_code, commune_name, unit_type, former_district from stg_communes where is_current
),

loads as (
    select load_id, loaded_at from stg_loads
),

figures as (
    select * from stg_measure_inputs
    where amount is not null and field not in ('population', 'population_from_report')
),

rows_sent as (
    select 'broadband' as dataset, commune_code, cast(null as date) as period_start, period as period_end, load_id,
    from stg_broadband
    union all
    select 'dvctt', commune_code, period_start, period_end, load_id, from stg_dvctt
    union all
    select 'bdhvs', commune_code, null, snapshot_date, load_id, from stg_bdhvs
),

sent as (
    -- the rows of current units that hold a figure (one per unit and period: staging keeps the latest)
    select rows_sent.dataset, rows_sent.commune_code, rows_sent.period_start, rows_sent.period_end, rows_sent.load_id,
    from rows_sent
    inner join communes using (commune_code)
    semi join figures
        on figures.dataset = rows_sent.dataset
        and figures.commune_code = rows_sent.commune_code
        and figures.period_start is not distinct from rows_sent.period_start
        and figures.period_end = rows_sent.period_end
),

periods as (
    select distinct
        dataset,
        period_start,
        period_end,
        dense_rank() over (partition by dataset order by period_end, period_start nulls first) as period_number,
    from (select distinct dataset, period_start, period_end from sent)
),

grid as (
    select periods.*, communes.*,
    from periods
    cross join communes
),

marked as (
    select
        grid.dataset,
        grid.period_start,
        grid.period_end,
        grid.period_number,
        grid.commune_code,
        grid.commune_name,
        grid.unit_type,
        grid.former_district,
        sent.load_id is not null as has_data,
        sent.load_id,
        loads.loaded_at,
    from grid
    left join sent
        on sent.dataset = grid.dataset
        and sent.commune_code = grid.commune_code
        and sent.period_start is not distinct from grid.period_start
        and sent.period_end = grid.period_end
    left join loads on loads.load_id = sent.load_id
),

with_last as (
    -- the number of the last earlier period the unit sent (periods are numbered in time order: a running max)
    select
        *,
        max(case when has_data then period_number end) over (
            partition by dataset, commune_code order by period_number rows between unbounded preceding and 1 preceding
        ) as last_number,
    from marked
),

final as (
    select
        with_last.dataset,
        with_last.period_start,
        with_last.period_end,
        with_last.commune_code,
        with_last.commune_name,
        with_last.unit_type,
        with_last.former_district,
        with_last.has_data,
        with_last.load_id,
        with_last.loaded_at,
        last_sent.period_start as last_period_start,
        last_sent.period_end as last_period_end,
        case when with_last.has_data then 0 else with_last.period_number - coalesce(with_last.last_number, 0) end
            as periods_missing,
    from with_last
    left join periods as last_sent
        on not with_last.has_data
        and last_sent.dataset = with_last.dataset
        and last_sent.period_number = with_last.last_number
)

select * from final
