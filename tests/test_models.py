"""SQL models on hand-made rows: latest load wins, retract, ranks with ties, NULLs, ratio of sums, targets."""

from datetime import datetime

import duckdb
import pytest

from warehouse import db, models

COMMUNES = [("00001", "Xã A", "xã", 1000), ("00002", "Xã B", "xã", 3000), ("00003", "Phường C", "phường", 2000),
            ("00004", "Xã D", "xã", 4000)]


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "m.duckdb"))
    db.ensure_schema(connection)
    add_load(connection, 1, "communes")
    connection.executemany(
        "insert into raw.communes (commune_code, commune_name, unit_type, population, load_id) values (?, ?, ?, ?, 1)",
        COMMUNES)
    models.build(connection)
    yield connection
    connection.close()


def add_load(con, load_id, dataset, status="loaded", retracted=False):
    con.execute("""
        insert into meta.loads (load_id, dataset, file_name, sha256, status, loaded_at, retracted_at)
        values (?, ?, 'f.xlsx', ?, ?, ?, ?)
    """, [load_id, dataset, f"sha{load_id}", status, datetime(2025, 11, 1), datetime(2025, 11, 2) if retracted else None])


def add_dvctt(con, load_id, rows, start="2025-07-01", end="2025-10-30"):
    con.executemany(f"""
        insert into raw.dvctt (commune_code, period_start, period_end, received_total, received_online,
                               resolved_total, resolved_on_time, load_id)
        values (?, date '{start}', date '{end}', ?, ?, ?, ?, {load_id})
    """, rows)


def value(con, sql):
    return con.execute(sql).fetchone()[0]


def test_every_view_builds_with_a_header_and_its_file_name(con):
    for path in models.view_files():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- ") and "key" in text.splitlines()[0] + text.splitlines()[1], path.name
        assert value(con, f"select count(*) from duckdb_views() where view_name = '{path.stem}'") == 1


def test_mo_cay_rates_hand_checked(con):
    add_load(con, 2, "dvctt")
    add_dvctt(con, 2, [("00001", 3781, 3276, 3681, 3679)])
    online, on_time = con.execute("select online_rate_pct, on_time_rate_pct from mart_dvctt_rates").fetchone()
    assert online == pytest.approx(86.644, abs=1e-3) and on_time == pytest.approx(99.946, abs=1e-3)


def test_latest_load_wins_and_retract_restores_and_rejected_never_counts(con):
    add_load(con, 2, "dvctt")
    add_dvctt(con, 2, [("00001", 100, 50, 90, 90)])
    add_load(con, 3, "dvctt")
    add_dvctt(con, 3, [("00001", 100, 80, 90, 90)])
    add_load(con, 4, "dvctt", status="rejected")
    add_dvctt(con, 4, [("00001", 100, 99, 90, 90)])  # a rejected load's rows never count
    online = "select received_online from stg_dvctt where commune_code = '00001'"
    assert value(con, online) == 80
    con.execute("update meta.loads set retracted_at = now() where load_id = 3")
    assert value(con, online) == 50


def test_ranks_are_competition_ranks_with_ties_and_nulls(con):
    add_load(con, 2, "dvctt")
    add_dvctt(con, 2, [("00001", 100, 90, 1, 1), ("00002", 100, 80, 1, 1), ("00003", 100, 80, 1, 1),
                       ("00004", None, 10, 1, 1)])
    ranks = dict(con.execute("select commune_code, rank_online_rate from mart_dvctt_rates").fetchall())
    assert ranks == {"00001": 1, "00002": 2, "00003": 2, "00004": None}
    assert value(con, "select max(units_ranked) from mart_dvctt_rates") == 4
    assert value(con, "select online_rate_pct from mart_dvctt_rates where commune_code = '00004'") is None


def test_province_rate_is_a_ratio_of_sums_not_a_mean_of_rates(con):
    add_load(con, 2, "dvctt")
    add_dvctt(con, 2, [("00001", 100, 100, 1, 1), ("00002", 900, 0, 1, 1)])  # rates 100 % and 0 %
    province = value(con, "select value from mart_province_summary where metric = 'online_rate_pct'")
    assert province == pytest.approx(10.0)  # 100 / 1000, not the mean 50 %


def test_bdhvs_rank_change_and_per_population(con):
    add_load(con, 2, "bdhvs")
    con.executemany("insert into raw.bdhvs (commune_code, snapshot_date, learners, load_id) values (?, ?, ?, 2)", [
        ("00001", "2025-11-03", 100), ("00002", "2025-11-03", 50), ("00001", "2025-11-18", 100), ("00002", "2025-11-18", 300),
    ])
    rows = con.execute("""
        select commune_code, rank_learners, rank_learners_change, learners_per_1000, rank_per_population
        from mart_bdhvs_rankings where snapshot_date = '2025-11-18' order by commune_code
    """).fetchall()
    assert rows == [("00001", 2, -1, 100.0, 1), ("00002", 1, 1, 100.0, 1)]


@pytest.mark.parametrize("text, comparator, low, high", [
    ("≥ 80", "≥", 80, None), ("≥80", "≥", 80, None), (">= 80", "≥", 80, None), ("75-80", "range", 75, 80),
    ("75 - 80", "range", 75, 80), ("0,5", "=", 0.5, None), ("≥ 0,60", "≥", 0.6, None), ("100", "=", 100, None),
    ("≤ 5", "≤", 5, None), ("-", None, None, None), ("đạt 1", None, None, None),
])
def test_target_text_parsing(con, text, comparator, low, high):
    add_load(con, 2, "targets")
    con.execute("insert into raw.targets (indicator_code, indicator_name, year, target_text, load_id) "
                "values ('1.1', 'Tỷ lệ phủ sóng 5G trên địa bàn', 2025, ?, 2)", [text])
    row = con.execute("select comparator, target_value, target_upper from stg_targets").fetchone()
    assert row == ((comparator, low, high) if comparator else None)


@pytest.mark.parametrize("text, actual, met, gap", [
    ("≥70", 86.6, True, 16.6), ("≥ 90", 86.6, False, -3.4), ("80-90", 86.6, True, 6.6), ("≤ 50", 86.6, False, 36.6),
])
def test_attainment_for_province_and_commune(con, text, actual, met, gap):
    add_load(con, 2, "targets")
    con.execute("insert into raw.targets (indicator_code, indicator_name, year, target_text, load_id) "
                "values ('3.5', 'Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến', 2025, ?, 2)", [text])
    add_load(con, 3, "dvctt")
    add_dvctt(con, 3, [("00001", 1000, round(actual * 10), 1, 1)])
    rows = con.execute("""
        select scope, actual, met, gap from mart_target_attainment
        where commune_code is null or commune_code = '00001' order by scope desc
    """).fetchall()
    assert [(r[0], round(r[1], 1), r[2], round(r[3], 1)) for r in rows] == [
        ("province", actual, met, gap), ("commune", actual, met, gap)]
