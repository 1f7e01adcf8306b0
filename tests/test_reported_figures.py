"""Figures as the reports give them (issue 8): rates without counts, the report's own population, official
ranks, qualified values; each loaded from a file written the way an office writes it, read back from the marts
and the pages. Hand-checked values from ../shared/reference/reported_figures.md."""

import pytest

from warehouse import db, load
from warehouse.findings import WARNING

MO_CAY, LY_SON, MINH_LONG = "21421", "21548", "21361"


def loaded(path, db_file, dataset=None):
    result = load.load_path(path, dataset, db_file=db_file, loaded_by="test")
    assert result.status == load.LOADED, result.summary()
    return result


def mart(db_file, sql, params=()):
    _, con = db.Snapshots(db_file, prepare=db.prepare_snapshot).connection()
    return con.execute(sql, list(params)).fetchall()


def measure(db_file, commune, metric, columns="value, value_source, rank, units_ranked"):
    rows = mart(db_file, f"select {columns} from mart_commune_metrics where commune_code = ? and metric = ?",
                [commune, metric])
    assert len(rows) == 1, rows
    return rows[0]


TITLE = ["BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (Từ ngày 01/7/2025 đến 30/10/2025)"]


def test_rates_without_counts_load_as_reported_and_read_back(db_file, make_xlsx):
    """Minh Long's half-year report gives digitisation only as rates: 99,92 % and 99,74 %."""
    path = make_xlsx([TITLE, [], ["Đơn vị", "Tỷ lệ số hóa hồ sơ (%)", "Tỷ lệ số hóa kết quả (%)",
                                   "Tỷ lệ thanh toán trực tuyến (%)"],
                      ["Xã Minh Long", "99,92%", "99,74%", "93%"]])
    loaded(path, db_file)
    assert measure(db_file, MINH_LONG, "digitized_dossiers_pct") == (99.92, "reported", 1, 1)
    assert measure(db_file, MINH_LONG, "online_payment_pct")[:2] == (93.0, "reported")
    province = mart(db_file, """select value, province_method, units_reporting, units_reported_only
                                from mart_province_summary where metric = 'digitized_dossiers_pct'""")
    assert province == [(None, "ratio", 1, 1)]  # no counts anywhere: empty, never a mean of rates


def test_counts_win_and_a_rate_that_disagrees_is_a_warning_naming_both(db_file, make_xlsx):
    header = ["Mã xã", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Tỷ lệ tiếp nhận trực tuyến (%)"]
    path = make_xlsx([TITLE, [], header, [MO_CAY, 3781, 3276, "86,6%"], ["21400", 1000, 500, 90]])
    result = loaded(path, db_file)
    warned = [f for f in result.findings if f.rule == "reported_rate"]
    assert [(f.severity, f.row, f.value) for f in warned] == [(WARNING, 5, "90")]  # 86,6 is 86,64 rounded
    assert "500 / 1.000 = 50,00" in warned[0].message and warned[0].column == "Tỷ lệ tiếp nhận trực tuyến (%)"
    assert measure(db_file, "21400", "online_rate_pct")[:2] == (50.0, "counts")
    value = measure(db_file, MO_CAY, "online_rate_pct")[0]
    assert value == pytest.approx(100 * 3276 / 3781)


def test_the_reports_own_population_divides_per_100_measures(db_file, make_xlsx):
    """Lý Sơn, November 2025: 18.019 mobile subscriptions for 19.080 people, 94,4 per 100."""
    path = make_xlsx([["HẠ TẦNG SỐ THÁNG 11/2025"], [],
                      ["Đơn vị", "Thuê bao di động", "Dân số", "Thuê bao băng rộng cố định/100 dân"],
                      ["Đặc khu Lý Sơn", 18019, 19080, 25]])
    loaded(path, db_file)
    value, source, population_from_report = measure(db_file, LY_SON, "mobile_subs_per_100",
                                                    "value, value_source, population_from_report")
    assert round(value, 1) == 94.4 and source == "counts" and population_from_report
    assert measure(db_file, LY_SON, "fixed_broadband_per_100")[:2] == (25.0, "reported")


def test_one_communes_file_keeps_the_official_rank_never_one_of_one(db_file, make_xlsx, open_page):
    """Mỏ Cày's own BDHVS table: 4.365 learners, ranked 11/96 by the province on 18/11/2025."""
    path = make_xlsx([["SỐ LIỆU BÌNH DÂN HỌC VỤ SỐ TÍNH ĐẾN NGÀY 18/11/2025"], [],
                      ["Đơn vị", "Số học viên tham gia", "Xếp hạng học viên", "Số chứng nhận đạt được",
                       "Xếp hạng chứng nhận"],
                      ["Xã Mỏ Cày", "4.365", "11/96", "2.993", "10 / 96"]])
    loaded(path, db_file)
    assert measure(db_file, MO_CAY, "learners", "value, rank, units_ranked, rank_source") == (4365, 11, 96, "official")
    assert measure(db_file, MO_CAY, "certificates", "rank, units_ranked") == (10, 96)
    topics = mart(db_file, "select count(value) from mart_commune_metrics where metric = 'topics_completed'")
    assert topics == [(0,)]
    at = open_page("app_pages/bdhvs.py", db=db_file, date="2025-11-18")
    row = at.dataframe[0].value.iloc[0]
    assert (row["Học viên"], row["Hạng học viên"], row["Hạng chứng nhận"]) == ("4.365", "11/96*", "10/96*")


def test_an_official_rank_that_differs_from_the_full_table_is_flagged(seeded_con):
    """The sample holds all 96 units and Mỏ Cày's report ranks: they agree (report 004)."""
    rows = seeded_con.execute("""
        select metric, rank, official_rank, rank_source, rank_differs from mart_commune_metrics
        where commune_code = ? and period_end = date '2025-11-18' and official_rank is not null order by metric
    """, [MO_CAY]).fetchall()
    assert rows == [("certificates", 10, 10, "computed", False), ("learners", 11, 11, "computed", False),
                    ("learners_per_1000", 17, 17, "computed", False), ("topics_completed", 10, 10, "computed", False)]


def test_a_rank_is_counted_among_the_units_that_have_the_measure(db_file, make_xlsx):
    """Three units report payments, six report dossiers: the payment rank reads x/3, not x/6."""
    header = ["Mã xã", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Hồ sơ có phí", "Thanh toán trực tuyến"]
    rows = [[code, 100, 50 + i, 10 if i < 3 else None, 5 + i if i < 3 else None]
            for i, code in enumerate(["21421", "21400", "21433", "21025", "21040", "21028"])]
    loaded(make_xlsx([TITLE, [], header, *rows]), db_file)
    assert measure(db_file, "21433", "online_payment_pct", "rank, units_ranked") == (1, 3)
    assert measure(db_file, "21433", "online_rate_pct", "rank, units_ranked") == (4, 6)


def test_qualified_values_keep_their_word_and_are_never_ranked_or_judged(db_file, make_xlsx):
    path = make_xlsx([TITLE, [], ["Đơn vị", "Tỷ lệ tiếp nhận trực tuyến (%)"],
                      ["Xã Mỏ Cày", "khoảng 62%"], ["Xã Mộ Đức", "trên 75%"], ["Xã Lân Phong", "80%"]])
    result = loaded(path, db_file)
    assert sum(f.severity == WARNING and f.column == "Tỷ lệ tiếp nhận trực tuyến (%)" for f in result.findings) >= 2
    assert measure(db_file, MO_CAY, "online_rate_pct", "value, qualifier, rank") == (62.0, "≈", None)
    assert measure(db_file, "21400", "online_rate_pct", "value, qualifier, rank") == (75.0, ">", None)
    assert measure(db_file, "21433", "online_rate_pct", "value, qualifier, rank, units_ranked") == (80.0, None, 1, 1)


# ---------------------------------------------------------------- whose plan

PLAN = [["STT", "Tên chỉ tiêu", "Đơn vị", "Đến hết năm 2025", "Đến năm 2030"],
        ["3.5", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "%", "≥70", "≥85"]]


@pytest.mark.parametrize("letterhead, unit", [
    (["ỦY BAN NHÂN DÂN", "XÃ MỎ CÀY"], MO_CAY),
    (["(Kèm theo Quyết định ban hành Kế hoạch hành động số /QĐ-UBND ngày /7/2025 của UBND đặc khu)"], LY_SON),
    (["UBND TỈNH QUẢNG NGÃI", "KẾ HOẠCH CHUYỂN ĐỔI SỐ"], "province"),
])
def test_a_plans_unit_is_read_from_its_letterhead(db_file, make_xlsx, letterhead, unit):
    result = loaded(make_xlsx([[line] for line in letterhead] + PLAN), db_file, "targets")
    assert result.table.plan_unit == unit and "đọc từ tiêu đề" in result.summary()
    judged = mart(db_file, "select scope, count(distinct commune_code) from mart_target_attainment group by all order by all")
    assert judged == ([("commune", 96), ("province", 0)] if unit == "province" else [("commune", 1)])


def test_a_plan_without_a_letterhead_is_refused_until_its_unit_is_given(db_file, make_xlsx, tmp_path):
    path = make_xlsx([["KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2025"]] + PLAN)
    refused = load.load_path(path, "targets", db_file=db_file, loaded_by="test")
    assert refused.status == load.REJECTED
    assert [f.rule for f in refused.errors] == ["plan_unit"] and "--unit" in refused.errors[0].message
    given = load.load_path(path, "targets", db_file=db_file, loaded_by="test", unit="Xã Mỏ Cày")
    assert given.status == load.LOADED and given.table.plan_unit == MO_CAY


def test_a_commune_plan_target_not_yet_due_is_not_missed(db_file, make_xlsx):
    """Mỏ Cày's own plan, 3.5 ≥ 85 % by 2030, with 2025 data at 86,6 %: met; ≥ 90 % by 2030: not due yet."""
    plan = [["ỦY BAN NHÂN DÂN XÃ MỎ CÀY"], PLAN[0], ["3.5", PLAN[1][1], "%", "≥70", "≥90"]]
    loaded(make_xlsx(plan), db_file, "targets")
    header = ["Mã xã", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến"]
    loaded(make_xlsx([TITLE, [], header, [MO_CAY, 3781, 3276]], "dvctt.xlsx"), db_file)
    rows = mart(db_file, """select year, status, met, round(progress_pct) from mart_target_attainment
                            where commune_code = ? order by year""", [MO_CAY])
    assert rows == [(2025, "met", True, 124.0), (2030, "not_due", None, 96.0)]


# ---------------------------------------------------------------- units from before the merger


def test_a_former_districts_figures_are_its_own_never_credited_or_ranked(db_file, make_xlsx, open_page):
    """Minh Long's half-year report (002): 1.686 dossiers, 1.644 online, for Huyện Minh Long, now Xã Minh Long and
    Xã Sơn Mai. Loaded as the former district's, shown on both profiles, in no ranking and in no province value."""
    title = ["BÁO CÁO 6 THÁNG ĐẦU NĂM 2025 (Từ ngày 01/01/2025 đến 30/06/2025)"]
    header = ["Đơn vị", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến"]
    result = loaded(make_xlsx([title, [], header, ["Huyện Minh Long", "1.686", "1.644"], ["Xã Mỏ Cày", 100, 80]]),
                    db_file)
    warned = [f for f in result.findings if f.rule == "commune_former"]
    assert len(warned) == 1 and "Xã Minh Long" in warned[0].message and "Xã Sơn Mai" in warned[0].message
    row = measure(db_file, "cu:H. Minh Long", "online_rate_pct", "value, rank, is_former, commune_name")
    assert (round(row[0], 1), row[1], row[2], row[3]) == (97.5, None, True, "H. Minh Long")
    assert measure(db_file, MO_CAY, "online_rate_pct", "rank, units_ranked") == (1, 1)
    province = mart(db_file, "select numerator, denominator from mart_province_summary where metric = 'online_rate_pct'")
    assert province == [(80.0, 100.0)]
    for code in (MINH_LONG, "21349"):
        at = open_page("app_pages/profile.py", db=db_file, commune=code)
        assert "Trước sáp nhập" in [s.value for s in at.subheader]
        former = at.dataframe[-2].value if len(at.dataframe) > 1 else at.dataframe[0].value
        assert "H. Minh Long" in set(former["Đơn vị cũ"])


def test_a_former_commune_renamed_whole_is_credited_to_its_successor(communes_with_former):
    """A former unit that alone became today's unit (H. Lý Sơn → Đặc khu Lý Sơn) is today's unit, with a warning;
    a former commune merged with others (Xã Đức Chánh, part of Mỏ Cày) is not."""
    renamed = communes_with_former.resolve_name("Huyện Lý Sơn")
    assert renamed.code == LY_SON and renamed.warning
    part = communes_with_former.resolve_name("Xã Đức Chánh")
    assert part.code == "cu:Xã Đức Chánh" and "Xã Mỏ Cày" in part.warning
