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
    online, on_time = con.execute("""
        select max(value) filter (where metric = 'online_rate_pct'), max(value) filter (where metric = 'on_time_rate_pct')
        from mart_commune_metrics""").fetchone()
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
    online = "from mart_commune_metrics where metric = 'online_rate_pct'"
    ranks = dict(con.execute(f"select commune_code, rank {online}").fetchall())
    assert ranks == {"00001": 1, "00002": 2, "00003": 2, "00004": None}
    assert value(con, f"select max(units_ranked) {online}") == 3  # n: the units that have the measure
    assert value(con, f"select value {online} and commune_code = '00004'") is None


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
        select learners.commune_code, learners.rank, learners.rank_change, per_1000.value, per_1000.rank
        from mart_commune_trends as learners
        join mart_commune_trends as per_1000 using (commune_code, period_end)
        where learners.metric = 'learners' and per_1000.metric = 'learners_per_1000'
          and period_end = '2025-11-18' order by commune_code
    """).fetchall()
    assert rows == [("00001", 2, -1, 100.0, 1), ("00002", 1, 1, 100.0, 1)]


@pytest.mark.parametrize("text, comparator, low, high", [
    ("≥ 80", "≥", 80, None), ("≥80", "≥", 80, None), (">= 80", "≥", 80, None), ("75-80", "range", 75, 80),
    ("75 - 80", "range", 75, 80), ("0,5", "=", 0.5, None), ("≥ 0,60", "≥", 0.6, None), ("100", "=", 100, None),
    ("≤ 5", "≤", 5, None), ("-", None, None, None), ("đạt 1", "≥", 1, None), ("Đạt 1", "≥", 1, None),
    ("100 (Các hệ thống đảng số, chính quyền số vận hành hoàn toàn thông minh.)", "=", 100, None),
    ("chưa xác định", None, None, None),
])
def test_target_text_parsing(con, text, comparator, low, high):
    add_load(con, 2, "targets")
    con.execute("insert into raw.targets (plan_unit, indicator_code, indicator_name, year, target_text, load_id) "
                "values ('province', '1.1', 'Tỷ lệ phủ sóng 5G trên địa bàn', 2025, ?, 2)", [text])
    row = con.execute("select comparator, target_value, target_upper from stg_targets").fetchone()
    assert row == ((comparator, low, high) if comparator else None)


@pytest.mark.parametrize("text, actual, met, gap", [
    ("≥70", 86.6, True, 16.6), ("≥ 90", 86.6, False, -3.4), ("80-90", 86.6, True, 6.6), ("≤ 50", 86.6, False, 36.6),
])
def test_attainment_for_province_and_commune(con, text, actual, met, gap):
    add_load(con, 2, "targets")
    con.execute("insert into raw.targets (plan_unit, indicator_code, indicator_name, year, target_text, load_id) "
                "values ('province', '3.5', 'Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến', 2025, ?, 2)", [text])
    add_load(con, 3, "dvctt")
    add_dvctt(con, 3, [("00001", 1000, round(actual * 10), 1, 1)])
    rows = con.execute("""
        select scope, actual, met, gap from mart_target_attainment
        where commune_code is null or commune_code = '00001' order by scope desc
    """).fetchall()
    assert [(r[0], round(r[1], 1), r[2], round(r[3], 1)) for r in rows] == [
        ("province", actual, met, gap), ("commune", actual, met, gap)]


# ---------------------------------------------------------------- leader's view: targets, trends, plan year


def add_target(con, load_id, code, name, year, text, plan="province"):
    con.execute("insert into raw.targets (plan_unit, indicator_code, indicator_name, unit, year, target_text, load_id) "
                "values (?, ?, ?, '%', ?, ?, ?)", [plan, code, name, year, text, load_id])


@pytest.mark.parametrize("name, expected", [
    ("Tỷ lệ phủ sóng 5G trên địa bàn", {"coverage_5g_pct"}),
    ("Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", {"digitized_dossiers_pct", "digitized_results_pct"}),
    ("Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hoá", {"digitized_dossiers_pct", "digitized_results_pct"}),
    ("Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính có đủ điều kiện.", {"full_online_rate_pct"}),
    ("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", {"online_rate_pct"}),
    ("TỶ LỆ HỒ SƠ THỦ TỤC HÀNH CHÍNH XỬ LÝ TRỰC TUYẾN", {"online_rate_pct"}),
    ("Tỷ lệ thôn, tổ dân phố được phủ sóng 4G", {"coverage_4g_pct"}),
    # measures the warehouse does not hold: listed as not tracked, never approximated by a near name
    ("Tỷ lệ số người sử dụng có khả năng truy cập băng rộng cố định với tốc độ trên 01 Gbps/s.", set()),
    ("Tỷ lệ phủ sóng 6G trên địa bàn", set()),
    ("Tỷ lệ cơ sở dữ liệu được số hóa", set()),
    ("Tỷ lệ thủ tục hành chính được tiếp nhận, giải quyết phi địa giới hành chính giữa các cấp chính quyền.", set()),
    ("Tỷ lệ cán bộ, công chức, viên chức của địa phương được bồi dưỡng kỹ năng số căn bản", set()),
    ("Dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các tổ chức được phép khác", set()),
])
def test_indicator_to_measure_mapping(con, name, expected):
    add_load(con, 2, "targets")
    add_target(con, 2, "9.9", name, 2025, "≥ 70")
    rows = con.execute("select metric, is_tracked from mart_plan_targets").fetchall()
    assert {m for m, _ in rows if m} == expected
    assert all(tracked == bool(expected) for _, tracked in rows) and len(rows) == max(1, len(expected))
    primary = value(con, "select metric from stg_targets")
    assert primary == (min(expected, key=lambda m: (m != "digitized_dossiers_pct", m)) if expected else None)


def test_mapping_names_only_measures_of_the_catalogue(con):
    from warehouse import metrics

    mapped = {r[0] for r in con.execute("select metric from ref_indicator_metrics").fetchall()}
    assert mapped <= set(metrics.METRICS)
    proxies = con.execute("select metric from ref_indicator_metrics where is_proxy").fetchall()
    assert proxies == [("full_online_rate_pct",)]  # 3.4 counts procedures; the warehouse has dossiers


@pytest.mark.parametrize("text, actual, met, shortfall", [
    ("75-80", 75.0, True, 0.0),      # a range is met at its lower bound
    ("75-80", 74.9, False, 0.1),
    ("75-80", 86.6, True, 0.0),      # above the range is not a failure
    ("50", 50.0, True, 0.0),         # a bare number is a level to reach
    ("50", 15.0, False, 35.0),
    ("≥ 70", 69.9, False, 0.1),
    ("≤ 5", 5.0, True, 0.0),
    ("≤ 5", 7.5, False, 2.5),
])
def test_attainment_rules_as_written(con, text, actual, met, shortfall):
    add_load(con, 2, "targets")
    add_target(con, 2, "3.5", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", 2025, text)
    add_load(con, 3, "dvctt")
    add_dvctt(con, 3, [("00001", 1000, round(actual * 10), 1, 1)])
    row = con.execute("select met, shortfall from mart_target_attainment where commune_code = '00001'").fetchone()
    assert (row[0], round(row[1], 1)) == (met, shortfall)


def test_attainment_judges_every_commune_on_the_latest_period_of_the_year(con):
    add_load(con, 2, "targets")
    for year in (2024, 2025, 2030):
        add_target(con, 2, "3.5", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", year, "≥ 70")
    add_load(con, 3, "dvctt")
    add_dvctt(con, 3, [("00001", 100, 60, 1, 1), ("00002", 100, 90, 1, 1)], start="2024-10-01", end="2024-12-31")
    add_dvctt(con, 3, [("00001", 100, 80, 1, 1)], start="2025-07-01", end="2025-10-30")  # 00002 did not report
    rows = con.execute("""
        select year, commune_code, actual, met, actual_period_end from mart_target_attainment
        where scope = 'commune' and commune_code in ('00001', '00002') order by year, commune_code
    """).fetchall()
    assert [(y, c, a, m) for y, c, a, m, _ in rows] == [
        (2024, "00001", 60.0, False), (2024, "00002", 90.0, True),
        (2025, "00001", 80.0, True), (2025, "00002", None, None),  # no report for the period judged: unknown, not missed
        (2030, "00001", 80.0, True), (2030, "00002", None, None),
    ]
    province = con.execute("""
        select year, unit_actual, unit_met, communes_met, communes_missed, communes_with_data, communes_total
        from mart_target_summary order by year
    """).fetchall()
    assert province == [(2024, 75.0, True, 1, 1, 2, 4), (2025, 80.0, True, 1, 0, 1, 4), (2030, 80.0, True, 1, 0, 1, 4)]


def test_untracked_indicators_are_listed_not_judged(con):
    add_load(con, 2, "targets")
    add_target(con, 2, "3.6", "Tỷ lệ cơ sở dữ liệu được số hóa", 2025, "≥50")
    add_target(con, 2, "1.3", "Tỷ lệ phủ sóng 6G trên địa bàn", 2025, "-")  # no target that year: no row
    rows = con.execute("select indicator_code, metric, is_tracked, unit_actual, unit_met from mart_target_summary")
    assert rows.fetchall() == [("3.6", None, False, None, None)]
    assert value(con, "select count(*) from mart_target_attainment") == 0


def test_commune_trends_change_and_rank_movement(con):
    add_load(con, 2, "dvctt")
    add_dvctt(con, 2, [("00001", 100, 50, 1, 1), ("00002", 100, 80, 1, 1)], start="2025-01-01", end="2025-03-31")
    add_dvctt(con, 2, [("00001", 100, 90, 1, 1), ("00002", 100, 85, 1, 1)], start="2025-04-01", end="2025-06-30")
    rows = con.execute("""
        select commune_code, period_end, value, previous_value, change, rank, previous_rank, rank_change
        from mart_commune_trends where metric = 'online_rate_pct' order by commune_code, period_end
    """).fetchall()
    from datetime import date

    q1, q2 = date(2025, 3, 31), date(2025, 6, 30)
    assert rows == [
        ("00001", q1, 50.0, None, None, 2, None, None), ("00001", q2, 90.0, 50.0, 40.0, 1, 2, 1),
        ("00002", q1, 80.0, None, None, 1, None, None), ("00002", q2, 85.0, 80.0, 5.0, 2, 1, -1),
    ]
    province = con.execute("""
        select value, previous_value, change from mart_province_summary
        where metric = 'online_rate_pct' order by period_end
    """).fetchall()
    assert province == [(65.0, None, None), (87.5, 65.0, 22.5)]


@pytest.mark.parametrize("data_end, target_years, expected", [
    ("2025-10-30", (2025, 2030), (2025, 2025)),
    ("2026-03-31", (2025, 2030), (2026, 2030)),   # between milestones: the one still ahead
    ("2046-03-31", (2025, 2030), (2046, None)),   # past the plan: no target
])
def test_plan_year(con, data_end, target_years, expected):
    add_load(con, 2, "targets")
    for year in target_years:
        add_target(con, 2, "3.5", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", year, "≥ 70")
    add_load(con, 3, "dvctt")
    add_dvctt(con, 3, [("00001", 100, 50, 1, 1)], start="2025-01-01", end=data_end)
    assert con.execute("select data_year, target_year from mart_plan_year").fetchone() == expected


def test_plan_year_without_data_is_this_year(con):
    from datetime import date

    assert con.execute("select data_year, target_year from mart_plan_year").fetchone() == (date.today().year, None)


def test_sample_plan_mapping(seeded_con):
    """The reviewed mapping on the sample plan (the appendix of report 001): which indicators the warehouse measures."""
    rows = seeded_con.execute("""
        select indicator_code, list(distinct metric order by metric) filter (where is_tracked)
        from mart_plan_targets group by indicator_code
    """).fetchall()
    tracked = {code: metrics for code, metrics in rows if metrics}
    assert tracked == {"1.1": ["coverage_5g_pct"], "3.3": ["digitized_dossiers_pct", "digitized_results_pct"],
                       "3.4": ["full_online_rate_pct"], "3.5": ["online_rate_pct"]}
    untracked = sorted((code for code, metrics in rows if not metrics), key=lambda c: [int(p) for p in c.split(".")])
    assert untracked == ["1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.6", "4", "5", "6", "7", "8", "9"]


def test_sample_attainment_2025(seeded_con):
    """Mỏ Cày against the 2025 targets: 5G 0 % < 50 % (5G only in urban areas and industrial parks), online
    3.276 / 3.781 = 86,6 % ≥ 70 %."""
    rows = dict(((m, (round(a, 1), met)) for m, a, met in seeded_con.execute("""
        select metric, actual, met from mart_target_attainment where commune_code = '21421' and year = 2025
    """).fetchall()))
    assert rows["coverage_5g_pct"] == (0.0, False)
    assert rows["online_rate_pct"] == (86.6, True)
    assert rows["digitized_dossiers_pct"] == (100.0, True)
    assert rows["full_online_rate_pct"] == (99.7, None)  # 3.4 counts procedures, the measure dossiers: not judged
    online = seeded_con.execute("""
        select communes_met, communes_with_data from mart_target_summary
        where plan_unit = 'province' and indicator_code = '3.5' and year = 2025
    """).fetchone()
    raw = seeded_con.execute("""
        select count(*) filter (where 100.0 * received_online / received_total >= 70), count(*)
        from stg_dvctt where period_end = date '2025-10-30'
    """).fetchone()
    assert online == raw == (73, 96)


def test_a_units_own_plan_is_judged_for_that_unit_only(seeded_con):
    """Lý Sơn's appendix (report 001) judges Lý Sơn; the (sample) province plan judges the province and all 96."""
    rows = seeded_con.execute("""
        select plan_unit, plan_name, scope, count(distinct coalesce(commune_code, '')) from mart_target_attainment
        where year = 2025 and indicator_code = '3.5' group by all order by all
    """).fetchall()
    assert rows == [("21548", "Đặc khu Lý Sơn", "commune", 1), ("province", "Toàn tỉnh", "commune", 96),
                    ("province", "Toàn tỉnh", "province", 1)]


def test_bdhvs_movement_is_since_the_previous_snapshot(seeded_con):
    mo_cay = seeded_con.execute("""
        select rank, previous_rank, rank_change from mart_commune_trends
        where commune_code = '21421' and metric = 'learners' and period_end = date '2025-11-18'
    """).fetchone()
    assert mo_cay == (11, 7, -4)  # reported: 7th on 03/11, 11th on 18/11 → down 4


def raw_columns(con, table: str) -> set[str]:
    return {name for (name,) in con.execute("select column_name from duckdb_columns() where schema_name = 'raw' "
                                            "and table_name = ?", [table]).fetchall()}


def test_a_warehouse_made_before_a_column_or_table_was_added_gains_it(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.write_connection(path) as con:
        con.execute("alter table raw.dvctt drop column received_online")
        con.execute("drop table meta.value_sources")
    with db.write_connection(path) as con:  # the registry's column and the meta table are back, rows kept
        assert "received_online" in raw_columns(con, "dvctt")
        assert con.execute("select count(*) from meta.value_sources").fetchone() == (0,)
        assert db._schema_current(con)
