"""Bản đồ: the project's boundaries for the 96 communes, values and ranks on each shape, grey where
there is no data, the view from the URL, nothing fetched over the network."""

import csv
import functools
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from warehouse import geo, load, metrics

ROOT = Path(__file__).resolve().parent.parent
MAP = "app_pages/map.py"
MAIN_WIDTH_1366 = 1366 - 300 - 2 * 80  # the wide layout's main column beside the sidebar, less its padding
TABLE_WIDTH_1366 = (MAIN_WIDTH_1366 - 16) * 2 / 5  # the table's column: st.columns([3, 2]), a 1rem gap


@pytest.fixture
def map_page(open_page):
    return functools.partial(open_page, MAP)


def map_spec(at) -> dict:
    [element] = at.get("vega_lite_chart")
    return json.loads(element.proto.spec)


def shapes(at) -> dict[str, dict]:
    """The features drawn, by commune code: their properties."""
    return {f["properties"]["commune_code"]: f["properties"] for f in map_spec(at)["datasets"]["communes"]}


def test_boundaries_are_the_96_communes_of_the_dimension():
    with open(ROOT / "data" / "reference" / "communes.csv", encoding="utf-8") as fh:
        codes = {row["commune_code"] for row in csv.DictReader(fh)}
    assert geo.codes() == codes and len(codes) == 96


def test_values_go_on_the_shapes_and_missing_ones_say_so():
    frame = pd.DataFrame({"commune_code": ["21421", "21292"], "commune_name": ["Xã Mỏ Cày", "Xã Sơn Hạ"],
                          "former_district": ["H. Mộ Đức", "H. Sơn Hà"], "value": [86.644, None],
                          "rank": [40, None], "units_ranked": [96, None]})
    shaped = geo.with_values(geo.features(), frame, metrics.get("online_rate_pct").format)
    by_code = {f["properties"]["commune_code"]: f["properties"] for f in shaped}
    assert by_code["21421"]["value"] == pytest.approx(86.644) and by_code["21421"]["value_text"] == "86,6 %"
    assert by_code["21421"]["rank_text"] == "40/96"
    assert by_code["21292"]["value"] is None and by_code["21292"]["value_text"] == "không có số liệu"
    assert by_code["21025"]["value"] is None and by_code["21025"]["commune_name"] == "21025"  # not in the frame
    assert "geometry" in geo.features()[0]  # the cached shapes keep their geometry


def test_map_of_a_measure_and_period_from_the_url(map_page):
    at = map_page(metric="online_rate_pct", period="2025-10-30")
    assert at.selectbox(key="map_metric").value == "online_rate_pct"
    assert at.selectbox(key="map_period").value.isoformat() == "2025-10-30"
    drawn = shapes(at)
    assert len(drawn) == 96 and all(p["value"] is not None for p in drawn.values())
    mo_cay = drawn["21421"]
    assert mo_cay["commune_name"] == "Xã Mỏ Cày" and mo_cay["value_text"] == "86,6 %"
    assert mo_cay["rank_text"].endswith("/96")
    table = at.dataframe[0].value
    assert len(table) == 96 and table.iloc[0]["Hạng"] == 1
    assert table[table["Đơn vị"] == "Xã Mỏ Cày"].iloc[0]["Hạng"] == int(mo_cay["rank_text"].split("/")[0])


def test_map_fetches_nothing(map_page):
    spec = map_spec(map_page())
    text = json.dumps({k: v for k, v in spec.items() if k != "$schema"})
    assert "http" not in text and '"url"' not in text
    assert spec["projection"]["type"] == "mercator"


def test_communes_without_data_are_grey_and_counted(map_page, db_file, make_xlsx):
    rows = [["Mã xã", "Từ ngày", "Đến ngày", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến"]]
    rows += [[code, "01/07/2025", "30/10/2025", 1000, online]
             for code, online in (("21025", 900), ("21028", 800), ("21421", 866), ("21292", 500))]
    result = load.load_path(make_xlsx(rows, "dvctt.xlsx"), "dvctt", db_file=db_file, loaded_by="test")
    assert result.status == load.LOADED, result.summary()
    at = map_page(db=db_file, metric="online_rate_pct")
    drawn = shapes(at)
    missing = [p for p in drawn.values() if p["value"] is None]
    assert len(missing) == 92 and {p["value_text"] for p in missing} == {"không có số liệu"}
    assert drawn["21421"]["value_text"] == "86,6 %" and drawn["21421"]["rank_text"] == "2/4"
    assert any("4/96 đơn vị có số liệu" in c.value for c in at.caption)
    grey = map_spec(at)["layer"][0]["encoding"]["color"]["scale"]
    assert grey == {"domain": ["không có số liệu"], "range": ["#d0d0d0"]}


def test_map_ignores_values_outside_the_allow_lists(map_page):
    at = map_page(metric="'; drop table raw.dvctt; --", period="yesterday")
    assert at.selectbox(key="map_metric").value == "coverage_4g_pct"
    assert at.query_params["metric"] == "coverage_4g_pct"


def inside(lon: float, lat: float, geometry: dict) -> bool:
    """Ray casting: whether a point is inside a (multi)polygon (an odd number of edges crossed to its east)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    crossings = 0
    for ring in (ring for polygon in polygons for ring in polygon):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def test_areas_and_name_points_come_from_the_boundaries():
    area = geo.areas()
    # communes.csv gives Mô Rai 583,92 km², Kon Plông 556,80, Lý Sơn 10,4 (the file's simplified coast: 9,5)
    assert area["23536"] == pytest.approx(583.92, rel=0.01) and area["23476"] == pytest.approx(556.80, rel=0.01)
    assert area["21548"] == pytest.approx(10.4, rel=0.1)
    communes = pd.read_csv(ROOT / "data" / "reference" / "communes.csv", dtype=str)
    labels = geo.labels(communes, largest=9)
    assert [label["name"] for label in labels][:3] == ["Ia Tơi", "Mô Rai", "Kon Plông"]  # 681, 583, 562 km²
    assert len(labels) == 10 and labels[-1]["name"] == "Lý Sơn" and labels[-1]["special"] and labels[-1]["small"]
    assert labels[-1]["anchor"] == "right"  # the island at the east edge: its name written west of it
    shapes = {f["properties"]["commune_code"]: f["geometry"] for f in geo.features()}
    assert all(inside(label["lon"], label["lat"], shapes[label["commune_code"]]) for label in labels)


def outlines(spec: dict) -> list[dict]:
    """The layers of shapes drawn as outlines only."""
    return [layer for layer in spec["layer"] if layer["mark"] == {**layer["mark"], "type": "geoshape", "filled": False}]


def test_units_under_the_target_are_outlined_and_counted(map_page):
    at = map_page(metric="online_rate_pct", period="2025-10-30")
    drawn = shapes(at)
    under = {code for code, p in drawn.items() if p["met"] is False}
    assert under == {code for code, p in drawn.items() if p["value"] < 70} and len(under) == 23  # the plan: ≥ 70 %
    assert drawn["21421"]["met"] is True  # Mỏ Cày, 86,6 %
    assert (drawn["23416"]["commune_name"], drawn["23416"]["value_text"], drawn["23416"]["met"]) == (
        "Xã Đăk Sao", "63,4 %", False)  # the lowest
    assert any("23/96 đơn vị chưa đạt chỉ tiêu 2025: ≥ 70 %" in m.value for m in at.markdown)
    spec = map_spec(at)
    [outline] = outlines(spec)
    assert {"filter": "datum.properties.met === false"} in outline["transform"]
    assert outline["encoding"]["stroke"]["scale"] == {"domain": ["Chưa đạt chỉ tiêu 2025: ≥ 70 %"],
                                                      "range": ["#b71c1c"]}  # its line in the legend
    table = at.dataframe[0]
    assert (table.value["Chỉ tiêu"] == "Chưa đạt").sum() == 23
    config = json.loads(table.proto.columns)
    assert sum(config[c]["width"] for c in table.value.columns) <= TABLE_WIDTH_1366  # none cut off at 1.366 px
    assert config["Tỷ lệ hồ sơ tiếp nhận trực tuyến"]["label"] == "HS trực tuyến"  # short, the full name in help
    assert config["Tỷ lệ hồ sơ tiếp nhận trực tuyến"]["help"] == "Tỷ lệ hồ sơ tiếp nhận trực tuyến"
    # names written on the map: the largest units and the đặc khu, Lý Sơn ringed
    assert all(layer["data"] == {"name": "labels"} for layer in spec["layer"] if layer["mark"]["type"] == "text")
    [element] = at.get("vega_lite_chart")
    [labels] = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in element.proto.datasets
                if d.name == "labels"]  # a table: sent as Arrow beside the spec
    names = set(labels["name"])
    assert {"Ia Tơi", "Mô Rai", "Kon Plông", "Lý Sơn"} <= names and len(names) == 10
    assert any(layer["mark"]["type"] == "point" and {"filter": "datum.small"} in layer["transform"]
               for layer in spec["layer"])


@pytest.mark.parametrize("metric, period, said", [
    ("full_online_rate_pct", "2025-10-30", "chỉ được đo gần đúng bằng chỉ số này"),  # 3.4: a proxy, never judged
    ("learners", "2025-11-18", "Kế hoạch của tỉnh không đặt chỉ tiêu cho chỉ số này."),
])
def test_no_outline_where_the_plan_judges_nothing(map_page, metric, period, said):
    at = map_page(metric=metric, period=period)
    assert all(p["met"] is None for p in shapes(at).values())
    assert not outlines(map_spec(at))
    assert any(said in c.value for c in at.caption) and "Chỉ tiêu" not in at.dataframe[0].value.columns
