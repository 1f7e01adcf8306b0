"""The communes' boundaries (data/reference/quang_ngai_communes.geojson) for the map.

The file is read once per process (and again when it changes on disk); features are
keyed by `properties.commune_code`. Charts get the features as inline values: nothing
is fetched over the network. Areas and the points where a unit's name is written are
computed from the boundaries (an equirectangular projection at the unit's latitude:
errors well under 1 % at this size).
"""

from __future__ import annotations

import json
import math
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

    `frame` has commune_code, commune_name, value, rank, units_ranked and may have met (the target in force:
    True, False or null, kept as `met`); a commune missing from it or without a value gets value None and the
    text 'không có số liệu'.
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
            "met": None if pd.isna(row.get("met", None)) else bool(row["met"]),  # the plan's target in force
        }
        out.append(feature)
    return out


def codes(path: Path = GEOJSON) -> set[str]:
    """The commune codes the boundary file draws."""
    return {f["properties"]["commune_code"] for f in features(path)}


KM_PER_DEGREE = 111.32  # of latitude; of longitude, times the cosine of the latitude
SMALL_KM2 = 25.0  # a labelled unit smaller than this gets a ring on the map (Lý Sơn, an island of ≈ 10 km²)
EDGE = 0.1  # a name within this fraction of the map's width from its east (west) edge ends (starts) at its point


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _ring_km2(ring: list[list[float]], kx: float) -> float:
    """The area a ring encloses (shoelace), in km² at kx km per degree of longitude."""
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    return abs(twice) / 2 * kx * KM_PER_DEGREE


def _polygon_km2(polygon: list, kx: float) -> float:
    """An outer ring less its holes."""
    return _ring_km2(polygon[0], kx) - sum(_ring_km2(hole, kx) for hole in polygon[1:])


def _km_per_degree_lon(geometry: dict) -> float:
    lats = [y for polygon in _polygons(geometry) for _, y in polygon[0]]
    return KM_PER_DEGREE * math.cos(math.radians((min(lats) + max(lats)) / 2))


def _edge_km(px: float, py: float, a: list[float], b: list[float], kx: float) -> float:
    """The distance in km from a point to the segment a–b."""
    ax, ay, bx, by = a[0] * kx, a[1] * KM_PER_DEGREE, b[0] * kx, b[1] * KM_PER_DEGREE
    x, y = px * kx, py * KM_PER_DEGREE
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - ax - t * dx, y - ay - t * dy)


def _inside_point(polygon: list, kx: float, heights: int = 24) -> tuple[float, float]:
    """A point inside a polygon, far from its edges: of the middles of its horizontal chords at `heights` levels,
    the one farthest from every edge (a simple pole of inaccessibility; the centroid may fall outside)."""
    edges = [(a, b) for ring in polygon for a, b in zip(ring, ring[1:], strict=False)]
    lats = [y for _, y in polygon[0]]
    best, best_km = None, -1.0
    for i in range(1, heights):
        y = min(lats) + (max(lats) - min(lats)) * i / heights
        xs = sorted(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]) for a, b in edges if (a[1] > y) != (b[1] > y))
        for x0, x1 in zip(xs[::2], xs[1::2], strict=False):
            x = (x0 + x1) / 2
            km = min(_edge_km(x, y, a, b, kx) for a, b in edges)
            if km > best_km:
                best, best_km = (x, y), km
    return best if best else tuple(polygon[0][0])


@lru_cache(maxsize=4)
def _areas(path: str, mtime_ns: int) -> dict[str, float]:
    out = {}
    for feature in _read(path, mtime_ns):
        kx = _km_per_degree_lon(feature["geometry"])
        out[feature["properties"]["commune_code"]] = sum(_polygon_km2(p, kx) for p in _polygons(feature["geometry"]))
    return out


def areas(path: Path = GEOJSON) -> dict[str, float]:
    """Each commune's area in km², from its boundary."""
    path = Path(path)
    return dict(_areas(str(path), path.stat().st_mtime_ns))


def label_point(feature: dict) -> tuple[float, float]:
    """(longitude, latitude) where a unit's name is written: inside its largest polygon, away from the edges."""
    kx = _km_per_degree_lon(feature["geometry"])
    return _inside_point(max(_polygons(feature["geometry"]), key=lambda p: _polygon_km2(p, kx)), kx)


@lru_cache(maxsize=256)
def _label_point(path: str, mtime_ns: int, code: str) -> tuple[float, float]:
    """label_point of one commune of a file, once per process (≈ 10 ms for a large unit)."""
    return label_point(next(f for f in _read(path, mtime_ns) if f["properties"]["commune_code"] == code))


def short_name(name: str, unit_type: object) -> str:
    """'Xã Sơn Tây' → 'Sơn Tây', 'Đặc khu Lý Sơn' → 'Lý Sơn': the name without its unit type, as a map writes it."""
    prefix = f"{unit_type} " if isinstance(unit_type, str) else ""
    return name[len(prefix):] if prefix and name.lower().startswith(prefix.lower()) else name


def labels(communes: pd.DataFrame, largest: int = 9, path: Path = GEOJSON) -> list[dict]:
    """The names written on the map: the `largest` units by area whose names do not run into a larger one's
    (a smaller neighbour is passed over for the next) and every đặc khu (an island too small to see unnamed),
    each with its point, its area, `special` (a đặc khu), `small` (draw a ring) and `anchor` ('right' near the
    east edge: the name left of its point, 'left' near the west edge, else 'center').

    `communes` has commune_code, commune_name, unit_type (the current units)."""
    path = Path(path)
    mtime = path.stat().st_mtime_ns
    area = areas(path)
    known = communes[communes["commune_code"].isin(list(area))]
    by_area = known.assign(area_km2=known["commune_code"].map(area)).sort_values("area_km2", ascending=False)
    west, east = _extent(features(path))
    out = []
    for row in by_area.itertuples():
        special = row.unit_type == "đặc khu"
        if not special and len(out) >= largest + sum(label["special"] for label in out):
            continue
        lon, lat = _label_point(str(path), mtime, row.commune_code)
        label = {"commune_code": row.commune_code, "name": short_name(row.commune_name, row.unit_type),
                 "lon": lon, "lat": lat, "area_km2": row.area_km2, "small": bool(row.area_km2 < SMALL_KM2),
                 "special": special, "anchor": _anchor(lon, west, east)}
        if special or not any(_overlap(label, other) for other in out):
            out.append(label)
    return out


KM_PER_CHARACTER, LABEL_KM = 2.6, 6.0  # a name's box on the map as drawn at ≈ 2,5 px/km (11 px bold text)


def _overlap(a: dict, b: dict) -> bool:
    """Whether two centred names' boxes would touch."""
    kx = KM_PER_DEGREE * math.cos(math.radians(a["lat"]))
    half_widths = (len(a["name"]) + len(b["name"])) * KM_PER_CHARACTER / 2
    return abs(a["lon"] - b["lon"]) * kx < half_widths and abs(a["lat"] - b["lat"]) * KM_PER_DEGREE < LABEL_KM


def _anchor(lon: float, west: float, east: float) -> str:
    """How a name is aligned on its point: so that it stays inside the map's extent."""
    if lon > east - EDGE * (east - west):
        return "right"
    return "left" if lon < west + EDGE * (east - west) else "center"


def _extent(shapes) -> tuple[float, float]:
    """The westmost and eastmost longitudes of the features."""
    lons = [x for f in shapes for polygon in _polygons(f["geometry"]) for x, _ in polygon[0]]
    return min(lons), max(lons)
