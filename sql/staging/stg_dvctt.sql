-- one row per commune and reporting period; key (commune_code, period_start, period_end)
select * from latest_counted('raw.dvctt', ['commune_code', 'period_start', 'period_end'])
