"""So sánh xã: the answer first (how many units miss the target), the ten last / ten first / all, the target and
province lines labelled on the charts, the scatter's overlapping periods, its named outliers and padded scales,
periods written one way; allow-lists; the target in force."""

import functools
import json
from datetime import date

import pyarrow as pa
import pytest

from warehouse import comparison, load, metrics, queries

COMPARE = "app_pages/compare.py"


@pytest.fixture
def app(open_page):
    return functools.partial(open_page, COMPARE)


def charts(at) -> dict:
    """Vega-Lite charts by key (a chart without a selection has none: by its place, '#0'): (spec, its data's rows)."""
    return {element.key or f"#{i}": (json.loads(element.proto.spec),
                                     pa.ipc.open_stream(element.proto.data.data).read_all().to_pandas())
            for i, element in enumerate(at.get("vega_lite_chart"))}


def written_on(spec: dict) -> list[str]:
    """The texts written on the chart's reference lines (text layers with their own data)."""
    return [row["text"] for layer in spec["layer"] if layer["mark"]["type"] == "text" and "data" in layer
            for row in layer["data"]["values"]]


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("metric, year, expected", [
    ("online_rate_pct", 2025, (2025, "≥", 70.0, None)),
    ("online_rate_pct", 2026, (2030, "≥", 85.0, None)),  # the next milestone of the plan
    ("coverage_5g_pct", 2025, (2025, "=", 50.0, None)),
    ("online_rate_pct", 2046, None),
    ("learners", 2025, None),  # the plan sets no target for it
])
def test_target_in_force(seeded_con, metric, year, expected):
    target = queries.metric_target(seeded_con, metric, year)
    got = target and (target["year"], target["comparator"], target["target_value"], target["target_upper"])
    assert got == expected


def test_resolved_rate_is_a_measure(seeded_con):
    """Mỏ Cày, 01/07–30/10/2025: 3.681 resolved of 3.781 received = 97,4 % (report 004)."""
    assert "resolved_rate_pct" in queries.known_metrics(seeded_con)
    frame = queries.commune_metric(seeded_con, "resolved_rate_pct", date(2025, 10, 30))
    mo_cay = frame[frame["commune_code"] == "21421"].iloc[0]
    assert mo_cay["value"] == pytest.approx(100 * 3681 / 3781)


@pytest.mark.parametrize("dataset, start, end, expected", [
    ("dvctt", date(2025, 7, 1), date(2025, 10, 30), "01/07–30/10/2025"),
    ("dvctt", date(2024, 12, 1), date(2025, 6, 30), "01/12/2024–30/06/2025"),  # across a new year: both years
    ("broadband", None, date(2025, 11, 30), "tháng 11/2025"),
    ("bdhvs", None, date(2025, 11, 18), "ngày 18/11/2025"),
])
def test_a_period_is_written_one_way(dataset, start, end, expected):
    assert metrics.period_label(dataset, start, end) == expected
    assert metrics.of_dataset(dataset)[0].period_text(end, start) == expected


PERIODS = {  # of the sample: DVCTT periods {end: start}, broadband months, BDHVS snapshots
    "online_rate_pct": {date(2025, 10, 30): date(2025, 7, 1), date(2025, 6, 30): date(2025, 4, 1)},
    "coverage_5g_pct": {date(2025, 11, 30): None, date(2025, 10, 31): None, date(2025, 6, 30): None},
    "learners": {date(2025, 11, 18): None, date(2025, 11, 3): None, date(2025, 10, 20): None},
}


@pytest.mark.parametrize("metric, start, end, other, expected", [
    # DVCTT 01/07–30/10/2025 against monthly broadband: October shares days with it, November does not
    ("online_rate_pct", date(2025, 7, 1), date(2025, 10, 30), "coverage_5g_pct", date(2025, 10, 31)),
    # … against weekly BDHVS snapshots: 20/10 lies inside, 03/11 and 18/11 after its end
    ("online_rate_pct", date(2025, 7, 1), date(2025, 10, 30), "learners", date(2025, 10, 20)),
    ("learners", None, date(2025, 11, 18), "coverage_5g_pct", date(2025, 11, 30)),  # the snapshot's month
    ("learners", None, date(2025, 11, 18), "online_rate_pct", None),  # no DVCTT period reaches November
    ("coverage_5g_pct", None, date(2025, 6, 30), "online_rate_pct", date(2025, 6, 30)),  # June within 01/04–30/06
])
def test_the_second_measure_is_paired_only_with_an_overlapping_period(metric, start, end, other, expected):
    got = metrics.latest_overlapping(metrics.get(metric), end, start, metrics.get(other), PERIODS[other])
    assert got == expected


def test_a_measures_periods_know_their_start(seeded_con):
    periods = queries.metric_periods(seeded_con, "online_rate_pct")
    assert list(periods)[0] == date(2025, 10, 30) and periods[date(2025, 10, 30)] == date(2025, 7, 1)
    assert queries.metric_periods(seeded_con, "learners")[date(2025, 11, 18)] is None


def test_ranked_view_opens_with_the_answer_and_the_ten_last(app):
    """23 of the sample's 96 units are under 70 % (checked in mart_commune_metrics); the last is Xã Đăk Sao, 63,4 %."""
    at = app(metric="online_rate_pct", period="2025-10-30")
    assert at.subheader[0].value.replace("\\", "") == "23/96 đơn vị chưa đạt chỉ tiêu 2025: ≥ 70 %"
    assert "96 đơn vị có số liệu 01/07–30/10/2025 · toàn tỉnh: 81,7 % · chỉ tiêu 2025: ≥ 70 %" in captions(at)
    assert at.selectbox(key="compare_period").options[:2] == ["01/07–30/10/2025", "01/04–30/06/2025"]
    assert at.segmented_control(key="compare_show").value == "bottom"
    table = at.dataframe[0].value
    assert table["Hạng"].tolist() == list(range(87, 97)) and set(table["So với chỉ tiêu"]) == {"Chưa đạt"}
    assert table.iloc[-1]["Đơn vị"] == "Xã Đăk Sao"
    assert table.iloc[-1]["Tỷ lệ hồ sơ tiếp nhận trực tuyến"] == pytest.approx(63.360, abs=1e-3)
    spec, bars = charts(at)["compare_rank_chart"]
    assert bars["label"].iloc[-1] == "96. Xã Đăk Sao" and len(bars) == 10
    assert written_on(spec) == ["Chỉ tiêu 2025: ≥ 70 %", "Toàn tỉnh: 81,7 %"]  # on the lines, not in a legend
    bar = spec["layer"][0]
    assert bar["encoding"]["x"]["axis"]["orient"] == "bottom"  # ten bars: the scale under them
    assert bar["params"][0]["name"] == "commune" and bar["params"][0]["select"]["fields"] == ["commune_code"]


def test_ten_first_and_all_are_one_click_away_and_in_the_url(app):
    at = app(metric="online_rate_pct", period="2025-10-30", show="all")
    table = at.dataframe[0].value
    assert len(table) == 96
    mo_cay = table[table["Đơn vị"] == "Xã Mỏ Cày"].iloc[0]
    assert mo_cay["Tỷ lệ hồ sơ tiếp nhận trực tuyến"] == pytest.approx(86.644, abs=1e-3)
    assert mo_cay["So với chỉ tiêu"] == "Đạt"
    assert ((table["Tỷ lệ hồ sơ tiếp nhận trực tuyến"] >= 70) == (table["So với chỉ tiêu"] == "Đạt")).all()
    spec, _ = charts(at)["compare_rank_chart"]
    assert [spec["layer"][i]["encoding"]["x"]["axis"]["orient"] for i in (0, 1)] == ["top", "bottom"]  # 96 bars
    at.segmented_control(key="compare_show").set_value("top").run()
    assert at.query_params["show"] == "top"
    table = at.dataframe[0].value
    assert table["Hạng"].tolist() == list(range(1, 11)) and table.iloc[0]["Đơn vị"] == "Phường Sa Huỳnh"


def test_distribution_view(app):
    at = app(metric="online_rate_pct", period="2025-10-30", chart="dist")
    assert at.subheader[0].value.startswith("23/96 đơn vị chưa đạt")
    found = charts(at)
    histogram, _ = found["#0"]
    assert written_on(histogram) == ["Chỉ tiêu 2025: ≥ 70 %", "Toàn tỉnh: 81,7 %"]
    strip, rows = found["compare_strip_chart"]
    assert len(rows) == 96 and len(at.dataframe[0].value) == 96
    low, high = strip["encoding"]["x"]["scale"]["domain"]
    assert low < 63.36 and high > 99.01  # the first and the last tick inside the frame
    assert "Trung vị" in captions(at)


def test_scatter_pairs_overlapping_periods_names_outliers_and_draws_both_targets(app):
    """Online rate 01/07–30/10/2025 against learners: the snapshot of 20/10/2025 (the last inside the period), where
    Mỏ Cày has 2.742 learners (7th) and Bình Sơn the most, 9.117: the point farthest from the rest."""
    at = app(metric="online_rate_pct", period="2025-10-30", chart="scatter", metric2="learners")
    assert ("Trục ngang: Tỷ lệ hồ sơ tiếp nhận trực tuyến, 01/07–30/10/2025. Trục dọc: Số học viên tham gia, "
            "ngày 20/10/2025") in captions(at)
    table = at.dataframe[0].value
    mo_cay = table[table["Đơn vị"] == "Xã Mỏ Cày"].iloc[0]
    assert mo_cay["Học viên (ngày 20/10/2025)"] == 2742 and mo_cay["Hạng (2)"] == 7
    assert mo_cay["HS trực tuyến (01/07–30/10/2025)"] == pytest.approx(86.644, abs=1e-3)
    r = table["HS trực tuyến (01/07–30/10/2025)"].corr(table["Học viên (ngày 20/10/2025)"])
    assert at.subheader[0].value == f"Tương quan thuận mạnh (r = {r:.2f}) trên 96 đơn vị".replace(".", ",")
    spec, points = charts(at)["compare_scatter_chart"]
    assert points.sort_values("extremity")["commune_name"].iloc[0] == "Xã Bình Sơn"
    assert sum("datum.extremity <= 5" in str(layer.get("transform")) for layer in spec["layer"]) == 2  # names
    assert set(written_on(spec)) == {"Chỉ tiêu 2025: ≥ 70 %", "Toàn tỉnh: 81,7 %", "Trung bình mỗi đơn vị: 1.387"}
    x_low, x_high = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    y_low, y_high = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert x_low < points["x_value"].min() and x_high > points["x_value"].max()  # no point on the frame
    assert y_low < points["y_value"].min() and y_high > 9117

    at.selectbox(key="compare_metric2").set_value("coverage_5g_pct").run()  # a target on the vertical axis
    assert "Trục dọc: Tỷ lệ phủ sóng 5G, tháng 10/2025" in captions(at)  # not November: it starts after 30/10
    spec, _ = charts(at)["compare_scatter_chart"]
    horizontal = [layer for layer in spec["layer"] if "data" in layer and layer["mark"]["type"] == "text"
                  and "y" in layer["encoding"] and "field" in layer["encoding"]["y"]]
    assert [layer["data"]["values"][0]["text"] for layer in horizontal][-1] == "Chỉ tiêu 2025: 50 %"


def test_scatter_says_when_no_period_of_the_second_measure_overlaps(app):
    at = app(metric="learners", period="2025-11-18", chart="scatter", metric2="online_rate_pct")
    assert at.info and ("«Tỷ lệ hồ sơ tiếp nhận trực tuyến» không có kỳ số liệu nào trùng với ngày 18/11/2025"
                        in at.info[0].value)
    assert "01/07–30/10/2025" in at.info[0].value and not charts(at)


def test_url_values_outside_the_allow_lists_fall_back(app):
    at = app(chart="pie", metric2="drop table", province="Hà Nội", district="x'; --", show="1=1")
    assert at.segmented_control(key="compare_chart").value == "rank"
    assert at.segmented_control(key="compare_show").value == "bottom"
    assert at.multiselect(key="compare_province").value == [] and at.multiselect(key="compare_district").value == []
    assert len(charts(at)["compare_rank_chart"][1]) == 10


def test_choices_go_to_the_url(app):
    at = app()
    at.selectbox(key="compare_metric").set_value("online_rate_pct").run()
    at.segmented_control(key="compare_chart").set_value("scatter").run()
    at.multiselect(key="compare_district").set_value(["H. Mộ Đức"]).run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params["metric"] == "online_rate_pct" and params["period"] == "2025-10-30"
    assert params["chart"] == "scatter" and params["metric2"] and params["district"] == "H. Mộ Đức"
    assert set(at.dataframe[0].value["Huyện cũ"]) == {"H. Mộ Đức"}


def test_a_range_target_is_drawn_as_a_band(app, seeded_copy, make_xlsx):
    rows = [["STT", "Tên chỉ tiêu", "Đơn vị", "Đến hết năm 2025"], ["1.1", "Tỷ lệ phủ sóng 5G trên địa bàn", "%", "75-80"]]
    result = load.load_path(make_xlsx(rows, "chi_tieu.xlsx"), "targets", db_file=seeded_copy, loaded_by="test",
                            unit="tỉnh")  # the province's plan: its targets are the compare page's lines
    assert result.status == load.LOADED, result.summary()
    at = app(db=seeded_copy, metric="coverage_5g_pct", period="2025-11-30")
    assert "chỉ tiêu 2025: 75–80 %" in captions(at)
    spec, _ = charts(at)["compare_rank_chart"]
    assert "rect" in [layer["mark"]["type"] for layer in spec["layer"]]
    assert "Chỉ tiêu 2025: 75–80 %" in written_on(spec)


@pytest.mark.parametrize("r, n, expected", [
    (0.666, 96, "Tương quan thuận mạnh (r = 0,67) trên 96 đơn vị"),
    (-0.35, 40, "Tương quan nghịch vừa (r = -0,35) trên 40 đơn vị"),
    (0.05, 96, "Gần như không có tương quan (r = 0,05) trên 96 đơn vị"),
    (None, 2, "2 đơn vị có cả hai số liệu: quá ít để tính tương quan"),
])
def test_correlation_is_said_in_words(r, n, expected):
    assert comparison.correlation_text(r, n) == expected
