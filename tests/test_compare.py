"""So sánh xã: the view a URL names, the target and province lines, the second measure's period,
allow-lists; the target in force; the placeholder profile page the charts open."""

import functools
import json
from datetime import date

import pyarrow as pa
import pytest

from warehouse import load, queries

COMPARE = "app_pages/compare.py"


@pytest.fixture
def app(open_page):
    return functools.partial(open_page, COMPARE)


def charts(at) -> dict:
    """Vega-Lite charts by key: (spec, {dataset name: rows})."""
    out = {}
    for element in at.get("vega_lite_chart"):
        rows = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in element.proto.datasets}
        out[element.key] = (json.loads(element.proto.spec), rows)
    return out


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


def test_ranked_view_with_province_and_target(app):
    at = app(metric="online_rate_pct", period="2025-10-30")
    assert "chỉ tiêu đến năm 2025: ≥ 70 %" in captions(at)
    table = at.dataframe[0].value
    mo_cay = table[table["Đơn vị"] == "Xã Mỏ Cày"].iloc[0]
    assert mo_cay["Tỷ lệ hồ sơ tiếp nhận trực tuyến"] == pytest.approx(86.644, abs=1e-3)
    assert mo_cay["So với chỉ tiêu"] == "Đạt"
    assert ((table["Tỷ lệ hồ sơ tiếp nhận trực tuyến"] >= 70) == (table["So với chỉ tiêu"] == "Đạt")).all()
    spec, _ = charts(at)["compare_rank_chart"]
    legend = spec["layer"][-1]["encoding"]["color"]["scale"]["domain"]
    assert legend[0].startswith("Toàn tỉnh: ") and legend[1] == "Chỉ tiêu 2025: ≥ 70 %"
    assert spec["params"][0]["name"] == "commune" and spec["params"][0]["select"]["fields"] == ["commune_code"]


def test_distribution_view(app):
    at = app(metric="online_rate_pct", period="2025-10-30", chart="dist")
    found = charts(at)
    assert len(found) == 2 and "compare_strip_chart" in found  # the histogram, the strip of communes
    _, rows = found["compare_strip_chart"]
    assert sum(len(r) for r in rows.values()) == 96
    assert "Trung vị" in captions(at)


def test_scatter_takes_the_second_measures_latest_period_at_or_before(app):
    at = app(metric="learners", period="2025-11-18", chart="scatter", metric2="online_rate_pct")
    assert at.selectbox(key="compare_metric2").value == "online_rate_pct"
    assert "Trục dọc: Tỷ lệ hồ sơ tiếp nhận trực tuyến, kỳ 30/10/2025" in captions(at)
    table = at.dataframe[0].value
    mo_cay = table[table["Đơn vị"] == "Xã Mỏ Cày"].iloc[0]
    assert mo_cay["Số học viên tham gia (18/11/2025)"] == 4365 and mo_cay["Hạng (1)"] == 11
    assert mo_cay["Tỷ lệ hồ sơ tiếp nhận trực tuyến (30/10/2025)"] == pytest.approx(86.644, abs=1e-3)
    assert "compare_scatter_chart" in charts(at)


def test_scatter_says_when_the_second_measure_has_nothing_that_early(app):
    at = app(metric="online_rate_pct", period="2025-06-30", chart="scatter", metric2="learners")
    assert at.info and "không có số liệu ở kỳ 30/06/2025 hoặc trước đó" in at.info[0].value


def test_url_values_outside_the_allow_lists_fall_back(app):
    at = app(chart="pie", metric2="drop table", province="Hà Nội", district="x'; --")
    assert at.segmented_control(key="compare_chart").value == "rank"
    assert at.multiselect(key="compare_province").value == [] and at.multiselect(key="compare_district").value == []
    assert len(at.dataframe[0].value) == 96


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
    assert "chỉ tiêu đến năm 2025: 75–80 %" in captions(at)
    spec, _ = charts(at)["compare_rank_chart"]
    assert "rect" in [layer["mark"]["type"] for layer in spec["layer"]]
