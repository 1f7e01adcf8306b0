"""The province's own reported figures, computed by the marts of the seeded sample warehouse."""

import pytest

MO_CAY, LY_SON = "21421", "21548"


def one(con, sql, params=()):
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None, sql
    return row


def test_mo_cay_dvctt_rates_as_reported(seeded_con):
    online, on_time, full, digitized = one(seeded_con, """
        select online_rate_pct, on_time_rate_pct, full_online_rate_pct, digitized_dossiers_pct
        from mart_dvctt_rates
        where commune_code = ? and period_start = date '2025-07-01' and period_end = date '2025-10-30'
    """, [MO_CAY])
    assert round(online, 1) == 86.6       # 3.276 / 3.781
    assert round(on_time, 2) == 99.95     # 3.679 / 3.681
    assert round(full, 1) == 99.7         # 783 / 785
    assert digitized == 100.0


@pytest.mark.parametrize("snapshot, ranks", [
    ("2025-11-03", (7, 6, 6, 11)),
    ("2025-11-18", (11, 10, 10, 17)),
])
def test_mo_cay_bdhvs_ranks_as_reported(seeded_con, snapshot, ranks):
    row = one(seeded_con, """
        select rank_learners, rank_topics, rank_certificates, rank_per_population, units_ranked
        from mart_bdhvs_rankings where commune_code = ? and snapshot_date = ?
    """, [MO_CAY, snapshot])
    assert row[:4] == ranks
    assert row[4] == 96


def test_mo_cay_rank_movement_between_reported_snapshots(seeded_con):
    change = one(seeded_con, """
        select rank_learners_change, rank_per_population_change, prev_snapshot_date
        from mart_bdhvs_rankings where commune_code = ? and snapshot_date = date '2025-11-18'
    """, [MO_CAY])
    assert change[:2] == (7 - 11, 11 - 17)  # fell four and six places
    assert str(change[2]) == "2025-11-03"


def test_ly_son_fibre_households_as_reported(seeded_con):
    fibre, coverage_4g, bts = one(seeded_con, """
        select fibre_household_pct, coverage_4g_pct, bts_stations
        from mart_broadband_coverage where commune_code = ? and period = date '2025-11-30'
    """, [LY_SON])
    assert round(fibre, 1) == 73.4  # 4.520 / 6.160
    assert coverage_4g == 100.0
    assert bts == 28


def test_province_online_rate_is_a_ratio_of_sums(seeded_con):
    province, numerator, denominator = one(seeded_con, """
        select value, numerator, denominator from mart_province_summary
        where metric = 'online_rate_pct' and period_end = date '2025-10-30'
    """)
    sums = one(seeded_con, """
        select sum(received_online), sum(received_total), avg(online_rate_pct)
        from mart_dvctt_rates where period_end = date '2025-10-30'
    """)
    assert (numerator, denominator) == (sums[0], sums[1])
    assert province == pytest.approx(100.0 * sums[0] / sums[1])
    assert province != pytest.approx(sums[2], abs=1e-6)  # not the mean of the commune rates


def test_every_sample_commune_is_ranked_in_every_period(seeded_con):
    counts = seeded_con.execute("""
        select dataset, count(distinct period_end), min(units_ranked), max(units_ranked)
        from mart_commune_metrics group by dataset order by dataset
    """).fetchall()
    assert counts == [("bdhvs", 4, 96, 96), ("broadband", 6, 96, 96), ("dvctt", 4, 96, 96)]
