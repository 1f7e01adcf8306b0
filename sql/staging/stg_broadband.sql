-- one row per commune and month reported; key (commune_code, period)
select * from latest_counted('raw.broadband', ['commune_code', 'period'])
