"""The province's own reported figures, computed by the marts of the seeded sample warehouse."""

import pytest

MO_CAY, LY_SON = "21421", "21548"


def one(con, sql, params=()):
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None, sql
    return row


def measures(con, commune_code: str, period_end: str, *names: str, column: str = "value",
             mart: str = "mart_commune_metrics") -> tuple:
    """`column` of a commune's measures `names` at one period, in that order."""
    rows = dict(con.execute(f"""
        select metric, {column} from {mart} where commune_code = ? and period_end = cast(? as date)
    """, [commune_code, period_end]).fetchall())
    return tuple(rows.get(name) for name in names)


def test_mo_cay_dvctt_rates_as_reported(seeded_con):
    online, on_time, full, digitized = measures(
        seeded_con, MO_CAY, "2025-10-30", "online_rate_pct", "on_time_rate_pct", "full_online_rate_pct",
        "digitized_dossiers_pct")
    assert round(online, 1) == 86.6       # 3.276 / 3.781
    assert round(on_time, 2) == 99.95     # 3.679 / 3.681
    assert round(full, 1) == 99.7         # 783 / 785
    assert digitized == 100.0


@pytest.mark.parametrize("snapshot, ranks", [
    ("2025-11-03", (7, 6, 6, 11)),
    ("2025-11-18", (11, 10, 10, 17)),
])
def test_mo_cay_bdhvs_ranks_as_reported(seeded_con, snapshot, ranks):
    row = measures(seeded_con, MO_CAY, snapshot, "learners", "topics_completed", "certificates", "learners_per_1000",
                   column="rank")
    assert row == ranks
    assert measures(seeded_con, MO_CAY, snapshot, "learners", column="units_ranked") == (96,)


def test_mo_cay_rank_movement_between_reported_snapshots(seeded_con):
    change = measures(seeded_con, MO_CAY, "2025-11-18", "learners", "learners_per_1000", column="rank_change",
                      mart="mart_commune_trends")
    assert change == (7 - 11, 11 - 17)  # fell four and six places
    previous = measures(seeded_con, MO_CAY, "2025-11-18", "learners", column="previous_period_end",
                        mart="mart_commune_trends")
    assert str(previous[0]) == "2025-11-03"


def test_ly_son_fibre_households_as_reported(seeded_con):
    fibre, coverage_4g, bts = measures(seeded_con, LY_SON, "2025-11-30", "fibre_household_pct", "coverage_4g_pct",
                                       "bts_stations")
    assert round(fibre, 1) == 73.4  # 4.520 / 6.160
    assert coverage_4g == 100.0
    assert bts == 28


def test_province_online_rate_is_a_ratio_of_sums(seeded_con):
    province, numerator, denominator = one(seeded_con, """
        select value, numerator, denominator from mart_province_summary
        where metric = 'online_rate_pct' and period_end = date '2025-10-30'
    """)
    sums = one(seeded_con, """
        select sum(received_online), sum(received_total), avg(100.0 * received_online / received_total)
        from stg_dvctt where period_end = date '2025-10-30'
    """)
    assert (numerator, denominator) == (sums[0], sums[1])
    assert province == pytest.approx(100.0 * sums[0] / sums[1])
    assert province != pytest.approx(sums[2], abs=1e-6)  # not the mean of the commune rates


def test_every_sample_commune_is_ranked_in_every_period(seeded_con):
    counts = seeded_con.execute("""
        select dataset, count(distinct period_end), min(units_ranked), max(units_ranked)
        from mart_commune_metrics where not is_former group by dataset order by dataset
    """).fetchall()
    assert counts == [("bdhvs", 4, 96, 96), ("broadband", 6, 96, 96), ("dvctt", 4, 96, 96)]
