"""Chỉ tiêu: targets as written, attainment per year, untracked indicators listed, the view in the URL."""

import functools
import json

import pandas as pd
import pyarrow as pa
import pytest

from warehouse import metrics, target_charts

PAGE = "app_pages/targets.py"


@pytest.fixture
def targets(open_page):
    return functools.partial(open_page, PAGE)


@pytest.mark.parametrize("args, text", [
    (("≥", 70, None, "%", "≥70"), "≥ 70 %"), (("≥", 70, None, "%", "≥ 70"), "≥ 70 %"),
    (("range", 75, 80, "%", "75-80"), "75–80 %"), (("=", 50, None, "%", "50"), "50 %"),
    (("≥", 0.6, None, None, "≥ 0,60"), "≥ 0,60"), (("≥", 1.5, None, "%", "≥1,5"), "≥ 1,5 %"),
    (("=", 0.5, None, "%", "0,5"), "0,5 %"), (("≤", 5, None, "%", "≤ 5"), "≤ 5 %"), (("=", None, None, "%", "-"), "–"),
])
def test_target_label_as_written(args, text):
    assert metrics.target_label(*args) == text


def test_defaults_to_the_plan_year_and_writes_the_view_to_the_url(targets):
    at = targets()
    assert at.selectbox(key="targets_year").value == 2025
    assert at.selectbox(key="targets_indicator").value == "1.1|coverage_5g_pct"
    assert dict(at.query_params) == {"plan": "province", "year": "2025", "indicator": "1.1", "measure": "coverage_5g_pct"}
    assert "Các xã so với mục tiêu: 3/96 đạt" in [s.value for s in at.subheader]


def test_year_summary_lists_untracked_indicators(targets):
    table = targets().dataframe[0].value.set_index("STT")
    assert len(table) == 19 and table.index.tolist()[:3] == ["1.1", "1.2", "2.1"]
    assert tuple(table.loc["1.2", ["Mục tiêu", "Đo bằng", "Toàn tỉnh", "Kết quả toàn tỉnh"]]) == (
        "60 %", "–", "–", "Chưa có số đo trong kho")
    assert tuple(table.loc["1.1", ["Mục tiêu", "Toàn tỉnh", "Kết quả toàn tỉnh", "Số xã đạt"]]) == (
        "50 %", "10,5 %", "Chưa đạt", "3/96")  # weighted by population: 5G only in phường and industrial parks
    assert table.loc["3.4", "Đo bằng"] == "Tỷ lệ trực tuyến của DVCTT toàn trình (gần đúng)"
    assert table.loc["3.3", "Đo bằng"].tolist() == ["Tỷ lệ hồ sơ được số hóa khi tiếp nhận",
                                                    "Tỷ lệ kết quả giải quyết được số hóa"]


def test_view_from_the_url(targets):
    at = targets(year="2030", indicator="3.5")
    assert at.selectbox(key="targets_year").value == 2030
    assert at.selectbox(key="targets_indicator").value == "3.5|online_rate_pct"
    assert "Các xã so với mục tiêu: 16/96 đạt" in [s.value for s in at.subheader]  # ≥ 85 % by 2030
    per_year = at.dataframe[1].value
    assert per_year["Mục tiêu"].tolist() == ["≥ 70 %", "≥ 85 %", "≥ 90 %", "≥ 95 %", "≥ 95 %"]
    # the newest data is of 2025: later targets not reached yet are not missed
    assert per_year["Kết quả toàn tỉnh"].tolist() == ["Đạt", "Chưa đến hạn", "Chưa đến hạn", "Chưa đến hạn",
                                                      "Chưa đến hạn"]
    communes = at.dataframe[2].value
    assert communes["Kết quả"].iloc[0] == "Chưa đến hạn" and communes["Kết quả"].iloc[-1] == "Đạt"  # 2030: not due
    assert communes["Còn thiếu"].iloc[0] == communes["Còn thiếu"].max()  # furthest below first


def test_second_measure_of_an_indicator(targets):
    at = targets(indicator="3.3", measure="digitized_results_pct")
    assert at.selectbox(key="targets_indicator").value == "3.3|digitized_results_pct"
    assert at.query_params["measure"] == "digitized_results_pct"


@pytest.mark.parametrize("params", [{"year": "1999"}, {"indicator": "1.2"}, {"indicator": "x';--", "measure": "y"},
                                    {"year": "2025", "indicator": "3.5", "measure": "coverage_5g_pct"}])
def test_values_outside_the_allow_lists_fall_back(targets, params):
    at = targets(**params)
    assert at.selectbox(key="targets_year").value in (2025, 2030, 2035, 2040, 2045)
    chosen = at.selectbox(key="targets_indicator").value
    assert chosen == ("3.5|online_rate_pct" if params.get("indicator") == "3.5" else "1.1|coverage_5g_pct")


def test_plan_as_written(targets):
    at = targets()
    plan = at.dataframe[-1].value.set_index("STT")
    assert tuple(plan.loc["1.3", ["Năm 2025", "Năm 2035"]]) == ("–", "50 %")
    assert tuple(plan.loc["2.3", ["Năm 2025", "Năm 2030"]]) == ("75–80 %", "100 %")
    assert tuple(plan.loc["3.1", ["Năm 2025", "Năm 2045"]]) == ("≥ 0,60", "≥ 1")
    assert plan.loc["3.3", "Đo bằng"] == "Tỷ lệ hồ sơ được số hóa khi tiếp nhận; Tỷ lệ kết quả giải quyết được số hóa"


def vega_charts(at) -> list[tuple[dict, dict]]:
    """The page's Vega-Lite charts in order: (spec, {dataset name: rows}; the chart's own data under "")."""
    def rows(data) -> pd.DataFrame:
        return pa.ipc.open_stream(data).read_all().to_pandas()

    return [(json.loads(e.proto.spec), {d.name: rows(d.data.data) for d in e.proto.datasets}
             | ({"": rows(e.proto.data.data)} if e.proto.data.data else {})) for e in at.get("vega_lite_chart")]


def line_texts(spec: dict) -> list[str]:
    """The texts written on a chart's reference lines (each line's layers carry their own data)."""
    return [row["text"] for layer in spec["layer"] if layer["mark"]["type"] == "text" and "data" in layer
            for row in layer["data"]["values"]]


def test_goal_lines_are_labelled_on_the_line_and_periods_read_whole(targets):
    at = targets(year="2030", indicator="3.5")
    (trend, trend_data), (communes, communes_data) = vega_charts(at)
    assert line_texts(trend) == line_texts(communes) == ["Mục tiêu 2030: ≥ 85 %"]
    assert trend["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 100]  # a rate on 0–100 %
    periods = next(rows for rows in trend_data.values() if "period_text" in rows)["period_text"].tolist()
    assert periods[-1].startswith("01/07") and periods[-1].endswith("30/10/2025")  # DVCTT's period, not its end


def test_the_units_under_the_goal_come_first_under_the_axis_and_a_bar_opens_the_profile(targets):
    at = targets(year="2025", indicator="3.5")
    communes, rows = vega_charts(at)[1]
    bars = communes["layer"][0]
    assert bars["encoding"]["y"]["sort"] is None and bars["encoding"]["x"]["axis"]["orient"] == "top"
    missed = rows[""]["status"].eq("Chưa đạt")
    assert missed.sum() == 23 and missed.iloc[:23].all()  # 23/96 under ≥ 70 %, as the compare page says
    assert bars["params"][0]["select"]["fields"] == ["commune_code"]  # clicked: ui.open_clicked_profile


def test_more_units_than_bars_draws_a_histogram_with_its_goal(targets, monkeypatch):
    monkeypatch.setattr(target_charts, "MAX_BARS", 50)  # 96 units stand for a national warehouse's thousands
    at = targets(year="2025", indicator="3.5")
    assert not at.exception, [e.value for e in at.exception]
    histogram, rows = vega_charts(at)[1]
    assert histogram["layer"][0]["encoding"]["x"]["bin"] and "params" not in histogram["layer"][0]
    assert line_texts(histogram) == ["Mục tiêu 2025: ≥ 70 %"] and len(rows[""]) == 96


def test_the_tables_fit_a_laptop_screen_with_short_headers_and_their_help(targets):
    at = targets(year="2030", indicator="3.5")
    summary = at.dataframe[0].proto
    config = json.loads(summary.columns)
    assert sum(c.get("width", 0) for c in config.values()) <= 900  # a 1.366 px laptop leaves ≈ 905 px beside the sidebar
    result = config["Kết quả toàn tỉnh"]
    assert result["label"] == "Kết quả" and "«Chưa có số đo»: chỉ tiêu chưa có số đo" in result["help"]


def test_results_read_as_tags_met_green_missed_red_long_ones_shortened(targets):
    """Tags the browser colours (no Styler on every run); a tag does not wrap, so the long ones are shortened and
    the column's help says what they mean."""
    at = targets(year="2025", indicator="3.5")
    for table, column in ((at.dataframe[0], "Kết quả toàn tỉnh"), (at.dataframe[1], "Kết quả toàn tỉnh"),
                          (at.dataframe[2], "Kết quả")):
        config = json.loads(table.proto.columns)[column]
        tags = {o["value"]: o for o in config["type_config"]["options"]}
        assert set(table.value[column]) <= set(tags), set(table.value[column]) - set(tags)
        assert (tags["Đạt"]["color"], tags["Chưa đạt"]["color"]) == ("#1b7f3b", "#c62828")
        assert "color" not in tags["Chưa đến hạn"] and tags["Chưa có số đo trong kho"]["label"] == "Chưa có số đo"
        assert "«Tham khảo»: số đo chỉ gần đúng" in config["help"]
    assert {"Đạt", "Chưa đạt"} <= set(at.dataframe[2].value["Kết quả"])  # 23/96 under ≥ 70 %
