"""Bản đồ: the project's boundaries for the 96 communes, values and ranks on each shape, grey where
there is no data, the view from the URL, nothing fetched over the network."""

import csv
import functools
import json
from pathlib import Path

import pandas as pd
import pytest

from warehouse import geo, load, metrics

ROOT = Path(__file__).resolve().parent.parent
MAP = "app_pages/map.py"


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
