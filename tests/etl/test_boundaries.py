"""etl.sources.boundaries: boundary loading, CRS handling, validity, dissolve and topology-keeping simplification.

The reference file is read from ../shared (fixture ``communes_geojson``); every variant is derived
from it inside ``tmp_path`` and never committed.
"""
from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import MultiPolygon, box, shape

from etl.codes import COMMUNES
from etl.errors import InputError
from etl.sources.boundaries import features_geojson, load_boundaries, payload_bytes

LAMBERT = "EPSG:31370"


# ---------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def ref_gdf(communes_geojson):
    return gpd.read_file(communes_geojson).sort_values("geoitem").reset_index(drop=True)


@pytest.fixture(scope="module")
def ref_result(communes_geojson):
    return load_boundaries(communes_geojson)


def _raw(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj), encoding="utf-8")
    return p


def _output_gdf(df):
    geoms = [shape(json.loads(g)) for g in df["geojson"]]
    return gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(LAMBERT)


def _ring_ccw(geom):
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    return all(p.exterior.is_ccw and all(not r.is_ccw for r in p.interiors) for p in polys)


def _holes(geom):
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    return sum(len(p.interiors) for p in polys)


def _centroid_shift_m(a, b):
    dx = (a["centroid_lon"].values - b["centroid_lon"].values) * 70_400
    dy = (a["centroid_lat"].values - b["centroid_lat"].values) * 111_200
    return float(max((dx ** 2 + dy ** 2) ** 0.5))


def _error(path, **kw) -> str:
    with pytest.raises(InputError) as exc:
        load_boundaries(path, **kw)
    msg = str(exc.value)
    assert path.name in msg
    return msg


# ---------------------------------------------------------------- reference file

def test_reference_has_the_19_communes(ref_result):
    assert list(ref_result["nis_code"]) == list(COMMUNES)
    assert ref_result["vertices"].min() >= 4
    assert ref_result["centroid_lon"].between(4.2, 4.55).all()
    assert ref_result["centroid_lat"].between(50.7, 50.95).all()
    assert ref_result["source_crs"].iloc[0].startswith("EPSG:4326")
    assert len(ref_result["source_sha256"].iloc[0]) == 64


def test_feature_collection_payload(ref_result):
    fc = features_geojson(ref_result)
    assert [f["id"] for f in fc["features"]] == list(COMMUNES)
    assert all(f["properties"]["nis_code"] == f["id"] for f in fc["features"])
    size = len(json.dumps(fc, separators=(",", ":")).encode())
    assert size == payload_bytes(ref_result["nis_code"], ref_result["geojson"])
    assert size <= 100_000


def test_coordinates_rounded_to_5_decimals(ref_result):
    for g in ref_result["geojson"]:
        flat = shapely.get_coordinates(shape(json.loads(g))).ravel()
        assert all(abs(v * 1e5 - round(v * 1e5)) < 1e-6 for v in flat)


@pytest.mark.parametrize("target", [100_000, 25_000])
def test_topology_kept(communes_geojson, ref_gdf, target):
    df = load_boundaries(communes_geojson, target_bytes=target)
    assert payload_bytes(df["nis_code"], df["geojson"]) <= target
    out = _output_gdf(df)
    assert out.is_valid.all()
    assert all(_ring_ccw(g) for g in out.to_crs("EPSG:4326"))
    tree = shapely.STRtree(out.values)
    left, right = tree.query(out.values, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right) if i < j]
    overlap = sum(out.values[i].intersection(out.values[j]).area for i, j in pairs)
    assert overlap < 1000
    orig_union = shapely.union_all(ref_gdf.to_crs(LAMBERT).geometry.values)
    new_union = shapely.union_all(out.values)
    assert abs(new_union.area - orig_union.area) < 0.005 * orig_union.area
    assert _holes(new_union) <= _holes(orig_union)


def test_small_target_simplifies(communes_geojson, ref_result):
    small = load_boundaries(communes_geojson, target_bytes=25_000)
    assert small.attrs["tolerance_deg"] > 0
    assert small["vertices"].sum() < ref_result["vertices"].sum()


# ---------------------------------------------------------------- CRS

def test_lambert72_geojson_with_crs_member(tmp_path, ref_gdf, ref_result):
    p = tmp_path / "communes_31370.geojson"
    ref_gdf.to_crs(LAMBERT).to_file(p, driver="GeoJSON")
    assert "31370" in json.dumps(_raw(p).get("crs"))
    df = load_boundaries(p)
    assert "31370" in df["source_crs"].iloc[0]
    assert _centroid_shift_m(df, ref_result) < 20


def test_lambert2008_gpkg(tmp_path, ref_gdf, ref_result):
    p = tmp_path / "communes_3812.gpkg"
    ref_gdf.to_crs("EPSG:3812").to_file(p, driver="GPKG")
    df = load_boundaries(p)
    assert "3812" in df["source_crs"].iloc[0]
    assert _centroid_shift_m(df, ref_result) < 20


def test_zipped_gpkg(tmp_path, ref_gdf, ref_result):
    g = tmp_path / "communes.gpkg"
    ref_gdf.to_crs(LAMBERT).to_file(g, driver="GPKG")
    z = tmp_path / "communes.gpkg.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(g, "data/communes.gpkg")
    assert _centroid_shift_m(load_boundaries(z), ref_result) < 20


def test_projected_coordinates_claiming_wgs84(tmp_path, ref_gdf):
    fc = json.loads(ref_gdf.to_crs(LAMBERT).to_json())
    fc.pop("crs", None)
    msg = _error(_write(tmp_path, "lambert_without_crs.geojson", fc))
    assert "projected" in msg and "Lambert 72" in msg and "declare" in msg


# ---------------------------------------------------------------- sector level

def _split(geom):
    minx, miny, maxx, maxy = geom.bounds
    mx, my = (minx + maxx) / 2, (miny + maxy) / 2
    quads = [box(minx, miny, mx, my), box(mx, miny, maxx, my), box(minx, my, mx, maxy), box(mx, my, maxx, maxy)]
    pieces = []
    for q in quads:
        polys = [p for p in shapely.get_parts(geom.intersection(q)) if p.geom_type == "Polygon" and p.area > 0]
        if polys:
            pieces.append(MultiPolygon(polys))
    return pieces


def test_sector_file_dissolves(tmp_path, ref_gdf):
    lam = ref_gdf.to_crs(LAMBERT)
    rows = []
    for code, geom in zip(lam["geoitem"], lam.geometry):
        pieces = _split(geom)
        assert 2 <= len(pieces) <= 4
        rows += [{"cd_sector": f"{code}A{i:02d}-", "cd_munty_refnis": int(code), "geometry": p}
                 for i, p in enumerate(pieces)]
    p = tmp_path / "sectors_31370.gpkg"
    gpd.GeoDataFrame(rows, crs=LAMBERT).to_file(p, driver="GPKG")
    df = load_boundaries(p)
    assert list(df["nis_code"]) == list(COMMUNES)
    out = _output_gdf(df)
    for new, old in zip(out.values, lam.geometry.values):
        assert abs(new.area - old.area) < 0.005 * old.area


# ---------------------------------------------------------------- bad inputs

def test_self_intersecting_polygon(tmp_path, communes_geojson):
    fc = _raw(communes_geojson)
    fc["features"][4]["geometry"] = {"type": "Polygon", "coordinates": [
        [[4.30, 50.80], [4.32, 50.82], [4.32, 50.80], [4.30, 50.82], [4.30, 50.80]]]}
    code = fc["features"][4]["properties"]["geoitem"]
    msg = _error(_write(tmp_path, "bowtie.geojson", fc))
    assert "feature 5" in msg and "row 5" in msg and code in msg and "Self-intersection" in msg


def test_reversed_winding_is_accepted(tmp_path, communes_geojson, ref_result):
    fc = _raw(communes_geojson)
    for f in fc["features"]:
        f["geometry"]["coordinates"] = [[ring[::-1] for ring in poly] for poly in f["geometry"]["coordinates"]]
    df = load_boundaries(_write(tmp_path, "clockwise.geojson", fc))
    assert all(_ring_ccw(shape(json.loads(g))) for g in df["geojson"])
    assert list(df["geojson"]) == list(ref_result["geojson"])


def test_missing_commune(tmp_path, communes_geojson):
    fc = _raw(communes_geojson)
    dropped = fc["features"].pop(7)["properties"]["geoitem"]
    msg = _error(_write(tmp_path, "missing.geojson", fc))
    assert "missing commune" in msg and dropped in msg


def test_duplicated_commune(tmp_path, communes_geojson):
    fc = _raw(communes_geojson)
    fc["features"].append(fc["features"][2])
    msg = _error(_write(tmp_path, "duplicate.geojson", fc))
    assert "feature 3" in msg and "feature 20" in msg and fc["features"][2]["properties"]["geoitem"] in msg


def test_empty_feature_collection(tmp_path):
    msg = _error(_write(tmp_path, "empty.geojson", {"type": "FeatureCollection", "features": []}))
    assert "no features" in msg


def test_size_cap(communes_geojson):
    msg = _error(communes_geojson, max_bytes=1000)
    assert "cap" in msg


# ---------------------------------------------------------------- the geometry the product ships

def test_shipped_geometry_is_light_valid_and_gapless(shipped_geojson):
    """data/raw/geo/ needs no ../shared: 19 valid communes, no overlaps, at most 100 KB, and its README
    records the sha256 the file has."""
    assert shipped_geojson.stat().st_size <= 100_000
    gdf = gpd.read_file(shipped_geojson).to_crs(LAMBERT)
    assert sorted(gdf["nis_code"]) == list(COMMUNES)
    assert gdf.is_valid.all()
    assert abs(gdf.area.sum() - shapely.union_all(gdf.geometry.values).area) < 1e-6 * gdf.area.sum()
    readme = (shipped_geojson.parent / "README.md").read_text(encoding="utf-8")
    import hashlib
    assert hashlib.sha256(shipped_geojson.read_bytes()).hexdigest() in readme
    assert "Statbel" in readme and "01/01/2025" in readme


def test_shipped_geometry_is_the_derivation_of_the_reference(communes_geojson, shipped_geojson, tmp_path):
    """`python -m etl derive-boundaries <reference>` gives the shipped file byte for byte."""
    import subprocess
    import sys

    from tests.conftest import ROOT
    out = tmp_path / "derived.geojson"
    run = subprocess.run([sys.executable, "-m", "etl", "derive-boundaries", str(communes_geojson), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == shipped_geojson.read_bytes()
    assert "19 communes" in run.stdout and "sha256" in run.stdout


def test_derive_refuses_a_bad_file_and_writes_nothing(shipped_geojson, tmp_path):
    from etl.sources.boundaries import derive_boundaries
    gj = _raw(shipped_geojson)
    gj["features"] = gj["features"][1:]
    bad = _write(tmp_path, "missing.geojson", gj)
    out = tmp_path / "out.geojson"
    with pytest.raises(InputError, match="21001"):
        derive_boundaries(bad, out)
    assert not out.exists()


def test_derive_simplifies_to_a_smaller_limit_keeping_the_coverage(shipped_geojson, tmp_path):
    from etl.sources.boundaries import derive_boundaries
    out = tmp_path / "small.geojson"
    info = derive_boundaries(shipped_geojson, out, target_bytes=25_000)
    assert info["bytes"] <= 25_000 and info["tolerance_deg"] > 0
    gdf = gpd.read_file(out).to_crs(LAMBERT)
    assert gdf.is_valid.all()
    assert abs(gdf.area.sum() - shapely.union_all(gdf.geometry.values).area) < 1e-6 * gdf.area.sum()
