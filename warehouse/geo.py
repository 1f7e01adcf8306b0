"""The communes' boundaries (data/reference/quang_ngai_communes.geojson) for the map.

The file is read once per process (and again when it changes on disk); features are
keyed by `properties.commune_code`. Charts get the features as inline values: nothing
is fetched over the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from warehouse import db, formatting

GEOJSON = db.PROJECT_ROOT / "data" / "reference" / "quang_ngai_communes.geojson"
NO_DATA = "không có số liệu"


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    return tuple(f for f in collection["features"] if f.get("properties", {}).get("commune_code"))


def features(path: Path = GEOJSON) -> list[dict]:
    """The boundary features; each a new dict, so a caller may replace its properties (not edit them)."""
    path = Path(path)
    return [dict(f) for f in _read(str(path), path.stat().st_mtime_ns)]


def with_values(shapes: list[dict], frame: pd.DataFrame,
                fmt: Callable[[object], str] = formatting.number) -> list[dict]:
    """Features with each commune's name, value, value_text and rank_text ('7/96') put in their properties.

    `frame` has commune_code, commune_name, value, rank, units_ranked; a commune
    missing from it or without a value gets value None and the text 'không có số liệu'.
    """
    rows = frame.set_index("commune_code").to_dict("index")
    out = []
    for feature in shapes:
        code = feature["properties"]["commune_code"]
        row = rows.get(code, {})
        value = row.get("value")
        has_value = value is not None and not pd.isna(value)
        feature["properties"] = {
            "commune_code": code,
            "commune_name": row.get("commune_name") or code,
            "former_district": row.get("former_district") or "",
            "value": float(value) if has_value else None,
            "value_text": fmt(value) if has_value else NO_DATA,
            "rank_text": formatting.rank(row.get("rank"), row.get("units_ranked")) if has_value else "–",
        }
        out.append(feature)
    return out


def codes(path: Path = GEOJSON) -> set[str]:
    """The commune codes the boundary file draws."""
    return {f["properties"]["commune_code"] for f in features(path)}
