"""Bình dân học vụ số at a glance (issue 12): the province's totals, the ranking chart, who moved, a table that fits.

Values checked by hand on the sample workbook (data/samples/bdhvs.xlsx, 96 units a date): on 18/11/2025 the
learners add up to 229.301 (154.941 on 03/11: +74.360), 229.301 / 2.175.008 inhabitants × 1.000 = 105,4 per
1.000, and 229.301 / 96 = 2.389 learners per unit; Phường Trà Câu rose from 20th to 9th (+11), Xã Đăk Rơ Wa fell
from 9th to 15th and Xã Sơn Tịnh from 10th to 16th (−6 each).
"""

import functools
import json
from datetime import date

import pyarrow as pa
import pytest

from warehouse import db, leader, load, queries

BDHVS = "app_pages/bdhvs.py"
MAIN_WIDTH_1366 = 1366 - 300 - 2 * 80  # the wide layout's main column beside the sidebar, less its padding


@pytest.fixture
def app(open_page):
    return functools.partial(open_page, BDHVS)


def chart(at) -> tuple[dict, "pa.Table"]:
    """The ranking chart's Vega-Lite spec and the rows it draws."""
    [element] = [e for e in at.get("vega_lite_chart") if e.key == "bdhvs_chart"]
    return json.loads(element.proto.spec), pa.ipc.open_stream(element.proto.data.data).read_all().to_pandas()


def test_province_totals_with_the_change_since_the_previous_snapshot(app):
    at = app(date="2025-11-18")
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["Số học viên tham gia"] == ("229.301", "+74.360")
    assert cards["Học viên / 1.000 dân"] == ("105,4", "+34,2")  # a ratio of sums, not a mean of rates
    assert "96 đơn vị có số liệu · thay đổi so với ngày 03/11/2025" in [c.value for c in at.caption]


def test_ranking_chart_top_ten_bottom_ten_all(app):
    at = app(date="2025-11-18")
    spec, rows = chart(at)
    assert rows["label"].tolist()[:2] == ["1. Xã Bình Sơn", "2. Phường Kon Tum"] and len(rows) == 10
    assert spec["layer"][0]["params"][0]["select"]["fields"] == ["commune_code"]  # a click opens the profile
    assert spec["layer"][-1]["data"]["values"][0]["text"] == "Trung bình mỗi đơn vị: 2.389"  # the line's label
    at.segmented_control(key="bdhvs_show").set_value("bottom").run()
    assert chart(at)[1]["label"].iloc[-1] == "96. Xã Cà Đam" and at.query_params["show"] == "bottom"
    at.segmented_control(key="bdhvs_show").set_value("all").run()
    spec, rows = chart(at)
    assert len(rows) == 96
    assert [layer["encoding"]["x"]["axis"]["orient"] for layer in spec["layer"][:2]] == ["top", "bottom"]


def test_biggest_movers_up_and_down(app):
    at = app(date="2025-11-18")
    texts = [m.value for m in at.markdown]
    up = texts[texts.index("**Tăng hạng nhiều nhất**") + 1].split("  \n")
    down = texts[texts.index("**Giảm hạng nhiều nhất**") + 1].split("  \n")
    assert up[0] == ":green[:material/arrow_upward: **11**] Phường Trà Câu · hạng 9/96 (trước: 20)"
    assert down[:2] == [":red[:material/arrow_downward: **6**] Xã Đăk Rơ Wa · hạng 15/96 (trước: 9)",
                        ":red[:material/arrow_downward: **6**] Xã Sơn Tịnh · hạng 16/96 (trước: 10)"]
    assert len(up) == len(down) == 5


def test_first_snapshot_has_no_movers_and_no_deltas(app):
    at = app(date="2025-10-06", metric="learners_per_1000")
    assert at.segmented_control(key="bdhvs_metric").value == "learners_per_1000"
    assert [m.delta for m in at.metric] == [""] * 4
    assert any("chưa có kỳ trước" in c.value for c in at.caption)


def test_full_table_has_short_headers_with_help_and_fits_a_laptop(app):
    at = app(date="2025-11-18")
    table = at.dataframe[0]
    config = json.loads(table.proto.columns)
    assert config["Hạng học viên"]["label"] == "Hạng" and config["Hạng học viên"]["help"].startswith("Hạng học viên.")
    assert config["Học viên/1.000 dân"]["label"] == "Theo dân số"
    columns = table.value.columns.tolist()
    assert sum(config[c]["width"] for c in columns) <= MAIN_WIDTH_1366  # every column sized, none cut off


def test_a_qualified_value_is_neither_ranked_nor_moved(seeded_copy, make_xlsx):
    """Trà Câu's 18/11 figure written 'khoảng 6.674': out of the ranking, so not the top mover any more."""
    rows = [["Tên xã", "Ngày số liệu", "Số học viên tham gia"], ["Phường Trà Câu", "18/11/2025", "khoảng 6.674"]]
    result = load.load_path(make_xlsx(rows, "bdhvs_tra_cau.xlsx"), "bdhvs", db_file=seeded_copy, loaded_by="test")
    assert result.status == load.LOADED, result.summary()
    _, con = db.Snapshots(seeded_copy).connection()
    frame = queries.bdhvs_rankings(con.cursor(), date(2025, 11, 18))
    assert "Phường Trà Câu" not in leader.ranking_bars(frame, "learners")["commune_name"].tolist()
    up, _ = leader.rank_movers(frame, "learners")
    assert "Phường Trà Câu" not in up["commune_name"].tolist()
    assert up.iloc[0][["commune_name", "rank", "units_ranked", "previous_rank"]].tolist() == ["Phường Sa Huỳnh", 13, 95, 23]


def test_profile_trend_axis_reads_a_weekly_snapshot_by_its_day(open_page):
    at = open_page("app_pages/profile.py", commune="21421")
    specs = [json.loads(e.proto.spec) for e in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart")]
    axes = [s["spec"]["encoding"]["x"]["axis"] for s in specs if "facet" in s]
    assert axes and "'%d/%m'" in axes[0]["labelExpr"] and "'%m/%Y'" in axes[0]["labelExpr"]
