-- one row per commune and snapshot date; key (commune_code, snapshot_date)
select * from latest_counted('raw.bdhvs', ['commune_code', 'snapshot_date'])
