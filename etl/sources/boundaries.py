"""Commune boundaries: read a publisher's file, check it, turn it to WGS84 and simplify it for the app.

In the build the file is ``--boundaries`` (``--boundaries none``: no geometry), else ``$BSIM_BOUNDARIES``,
else the newest fetched Statbel sectors file (``python -m etl fetch``), else the commune geometry the
product ships (``data/raw/geo/brussels_communes.geojson``, derived from Statbel open data by
``python -m etl derive-boundaries``; attribution in ``data/raw/geo/README.md``), else none: the app
then draws only the tile map. Each geometry row names its source (``commune_geometry.source_id``):
the shipped file, fetched Statbel sectors, or a file given to the build; every map shows that
source's attribution.

``load_boundaries`` accepts GeoJSON, GeoPackage, shapefile or a ``.zip`` holding one of those, at
commune level (one feature per commune; disjoint parts of one commune split over several features are
merged) or at statistical-sector level (Statbel: many features per commune, recognised by a sector
code column such as ``cd_sector`` / ``CS01012025``), which are dissolved into communes.

Rules, each broken rule raising :class:`etl.errors.InputError` naming file, feature (as ``row``),
property (as ``column``) and reason:

* the commune code is read from the first property found among ``geoitem, nis, nis5, nis_code,
  niscode, cd_munty_refnis, cnis5_YYYY, mu_nat_code, national_code, admukey, code_ins``
  (case-insensitive) and normalised to 5 digits; non-Brussels features are dropped, and exactly the
  19 communes 21001-21019 must remain;
* the CRS is the one the file declares (no CRS = WGS84, as RFC 7946 says for GeoJSON); a file that
  claims (or defaults to) WGS84 but holds projected coordinates (e.g. Lambert 72 metres) is refused
  rather than guessed; after reprojection to EPSG:4326 everything must lie in the Brussels box;
* invalid geometry (e.g. a self-intersecting ring) is refused with shapely's ``explain_validity``
  reason - it is never silently repaired;
* ring orientation of the input does not matter: clockwise outer rings are accepted and every output
  geometry is re-oriented to RFC 7946 (exterior rings counter-clockwise, holes clockwise);
* the 19 polygons are simplified together with ``shapely.coverage_simplify`` (shared edges stay
  shared: no gaps or overlaps) at the smallest tolerance whose FeatureCollection fits ``target_bytes``,
  then rounded to 5 decimals (~1 m).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.validation import explain_validity

from ..codes import COMMUNES, normalise_nis
from ..errors import InputError, Problem, ProblemList, fail
from ..readers import check_size
from .base import Source, Step, insert_frame, rel

CODE_COLUMNS = ("geoitem", "nis", "nis5", "nis_code", "niscode", "cd_munty_refnis", r"cnis5_\d{4}",
                "mu_nat_code", "national_code", "admukey", "code_ins")
SECTOR_COLUMN = re.compile(r"^(cd_sector|cs\d{8})$", re.IGNORECASE)
BELGIUM_BOX = (2.3, 49.3, 6.6, 51.7)      # lon/lat, generous
BRUSSELS_BOX = (4.2, 50.7, 4.55, 50.95)
LAMBERT = "EPSG:31370"
DECIMALS = 5
TOLERANCES = (0.0, 2e-6, 5e-6, 1e-5, 2e-5, 4e-5, 8e-5, 1.6e-4, 3.2e-4, 6.4e-4, 1.28e-3, 2.56e-3)
READ_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")


# ---------------------------------------------------------------- reading

def _engine() -> str | None:
    try:
        import pyogrio  # noqa: F401
        return "pyogrio"
    except ImportError:
        return None


def _zip_member(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    for suffix in READ_SUFFIXES:
        hits = sorted(n for n in names if n.lower().endswith(suffix))
        if hits:
            return hits[0]
    raise fail(path, f"zip holds no .shp, .gpkg or .geojson file (found: {', '.join(names[:10]) or 'nothing'})")


def _read_any(path: Path) -> gpd.GeoDataFrame:
    engine = _engine()
    kw = {"engine": engine} if engine else {}
    if path.suffix.lower() != ".zip":
        return gpd.read_file(path, **kw)
    member = _zip_member(path)
    try:
        return gpd.read_file(f"/vsizip/{path.resolve()}/{member}", **kw)
    except Exception:  # engine without /vsizip/ support: unzip to a temp dir
        with tempfile.TemporaryDirectory() as tmp:
            zipfile.ZipFile(path).extractall(tmp)
            return gpd.read_file(Path(tmp) / member, **kw)


def read_features(path: Path) -> gpd.GeoDataFrame:
    """Read every feature; add ``_feature`` (1-based position in the file)."""
    try:
        gdf = _read_any(path)
    except InputError:
        raise
    except Exception as exc:  # GDAL / driver errors
        raise fail(path, f"cannot read as GeoJSON/GPKG/shapefile: {exc}") from exc
    if len(gdf) == 0:
        raise fail(path, "file has no features (empty FeatureCollection/layer)")
    gdf = gdf.reset_index(drop=True)
    gdf["_feature"] = range(1, len(gdf) + 1)
    return gdf


# ---------------------------------------------------------------- codes

def find_code_column(columns, path) -> str:
    """First commune-code property among CODE_COLUMNS (case-insensitive)."""
    lower = {str(c).lower(): c for c in columns if c != "geometry"}
    for pattern in CODE_COLUMNS:
        for low, orig in lower.items():
            if re.fullmatch(pattern, low):
                return orig
    raise fail(path, "no commune code property found; expected one of geoitem, nis, nis5, nis_code, niscode, "
                     "cd_munty_refnis, CNIS5_YYYY, mu_nat_code, national_code, admukey, code_ins "
                     f"(properties present: {', '.join(map(str, lower.values())) or 'none'})")


def is_sector_level(columns) -> bool:
    return any(SECTOR_COLUMN.match(str(c)) for c in columns)


def keep_brussels(gdf: gpd.GeoDataFrame, code_col: str, path) -> gpd.GeoDataFrame:
    """Normalise codes to ``nis_code``, drop non-Brussels features, require all 19 communes."""
    codes = gdf[code_col].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else normalise_nis(v))
    out = gdf.assign(nis_code=codes)
    out = out[out["nis_code"].isin(COMMUNES)]
    if out.empty:
        raise fail(path, f"no Brussels commune (21001-21019) among {len(gdf)} features", column=code_col)
    missing = sorted(set(COMMUNES) - set(out["nis_code"]))
    if missing:
        raise fail(path, f"missing commune(s) {', '.join(missing)}: the file must cover all 19 Brussels communes",
                   column=code_col)
    return out


# ---------------------------------------------------------------- CRS

def _looks_lonlat(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    bx0, by0, bx1, by1 = BELGIUM_BOX
    return bx0 <= minx and maxx <= bx1 and by0 <= miny and maxy <= by1


def to_wgs84(gdf: gpd.GeoDataFrame, path) -> tuple[gpd.GeoDataFrame, str]:
    """Reproject to EPSG:4326 using the declared CRS; refuse projected coordinates labelled WGS84."""
    crs = gdf.crs
    label = crs.to_string() if crs is not None else "none declared (WGS84 assumed)"
    if crs is None or crs.is_geographic:
        bounds = gdf.total_bounds
        if not _looks_lonlat(bounds):
            big = max(abs(bounds[0]), abs(bounds[2])) > 180 or max(abs(bounds[1]), abs(bounds[3])) > 90
            what = "look projected (e.g. Lambert 72 metres)" if big else "are outside Belgium's lon/lat box"
            raise fail(path, f"file claims WGS84 lon/lat (CRS: {label}) but coordinates {what}: x "
                             f"{bounds[0]:.0f}..{bounds[2]:.0f}, y {bounds[1]:.0f}..{bounds[3]:.0f}; declare the "
                             "real CRS (e.g. EPSG:31370 or EPSG:3812 in a GPKG/shapefile .prj, or reproject to "
                             "WGS84 before loading)")
        gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    else:
        gdf = gdf.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = gdf.total_bounds
    bx0, by0, bx1, by1 = BRUSSELS_BOX
    if not (bx0 <= minx and maxx <= bx1 and by0 <= miny and maxy <= by1):
        raise fail(path, f"after reprojection from {label} the communes lie at lon {minx:.3f}..{maxx:.3f}, "
                         f"lat {miny:.3f}..{maxy:.3f}, outside the Brussels box (lon 4.2-4.55, lat 50.7-50.95); "
                         "check the declared CRS")
    return gdf, label


# ---------------------------------------------------------------- geometry checks

def check_geometries(gdf: gpd.GeoDataFrame, code_col: str, path) -> None:
    """Every Brussels feature must be a non-empty valid (Multi)Polygon; nothing is repaired."""
    problems = ProblemList()
    for feat, code, geom in zip(gdf["_feature"], gdf["nis_code"], gdf.geometry):
        where = f"feature {feat} (commune {code})"
        if geom is None or geom.is_empty:
            problems.add(path, f"{where} has no geometry", feat, "geometry")
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.add(path, f"{where} is a {geom.geom_type}, expected Polygon/MultiPolygon", feat, "geometry")
        elif not geom.is_valid:
            problems.add(path, f"{where} has invalid geometry: {explain_validity(geom)}", feat, "geometry")
    problems.raise_if_any()


def _overlap(a, b) -> bool:
    return a.intersection(b).area > 1e-6 * min(a.area, b.area)


def check_duplicates(gdf: gpd.GeoDataFrame, code_col: str, path) -> None:
    """Commune-level file: two features with one code are refused when they overlap (disjoint parts merge)."""
    problems = ProblemList()
    for code, grp in gdf.groupby("nis_code"):
        rows = list(zip(grp["_feature"], grp.geometry))
        for i, (fa, ga) in enumerate(rows):
            for fb, gb in rows[i + 1:]:
                if _overlap(ga, gb):
                    problems.add(path, f"commune {code} appears twice: feature {fa} and feature {fb} overlap",
                                 fb, code_col)
    problems.raise_if_any()


def dissolve(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """One geometry per commune, indexed and sorted by NIS code."""
    geoms = gdf.groupby("nis_code").geometry.apply(lambda s: shapely.union_all(s.values))
    return gpd.GeoSeries(geoms.sort_index(), crs=gdf.crs)


# ---------------------------------------------------------------- simplify / serialise

def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(v, DECIMALS) for v in obj]
        return [_round_coords(v) for v in obj]
    return obj


def geometry_json(geom) -> str:
    g = shapely.geometry.mapping(geom)
    return json.dumps({"type": g["type"], "coordinates": _round_coords(g["coordinates"])}, separators=(",", ":"))


def _fc(codes, geojsons) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": c, "properties": {"nis_code": c}, "geometry": json.loads(g)}
        for c, g in zip(codes, geojsons)]}


def features_geojson(df: pd.DataFrame) -> dict:
    """FeatureCollection from ``load_boundaries`` rows; ``id`` and ``properties.nis_code`` = NIS code."""
    return _fc(df["nis_code"], df["geojson"])


def payload_bytes(codes, geojsons) -> int:
    return len(json.dumps(_fc(codes, geojsons), separators=(",", ":")).encode())


def _finish(geoms, areas, path):
    """Round to the 1e-5 grid, orient RFC 7946; repair only what simplification broke (area kept within 1%)."""
    out = []
    for g, area in zip(geoms, areas):
        g = shapely.set_precision(g, 10 ** -DECIMALS)
        if not g.is_valid:
            g = shapely.make_valid(g, method="structure")
        g = shapely.orient_polygons(g, exterior_cw=False)
        if g.is_empty or abs(g.area - area) > 0.01 * area:
            return None
        out.append(g)
    return out


def simplify(geoms, target_bytes: int, path) -> tuple[list, float]:
    """Coverage-simplify the 19 geometries together at the smallest tolerance (degrees) that fits."""
    areas = [g.area for g in geoms]

    def attempt(tol):
        arr = shapely.coverage_simplify(geoms, tol) if tol else list(geoms)
        done = _finish(arr, areas, path)
        if done is None:
            return None, None
        js = [geometry_json(g) for g in done]
        return done, js if payload_bytes(COMMUNES, js) <= target_bytes else None

    prev = None
    for tol in TOLERANCES:
        done, js = attempt(tol)
        if done is None:  # a commune's area moved by more than 1%: more simplification only makes it worse
            break
        if js is not None:
            return _refine(attempt, prev, tol, done, js) if prev is not None else (done, js, tol)
        prev = tol
    raise fail(path, f"cannot simplify the communes to {target_bytes} bytes while keeping every commune's area "
                     f"within 1% (stopped at tolerance {tol} degrees); raise target_bytes")


def _refine(attempt, lo, hi, done, js, steps: int = 5):
    """Bisect between a failing tolerance ``lo`` and a fitting ``hi`` to keep as much detail as fits."""
    for _ in range(steps):
        mid = (lo * hi) ** 0.5 if lo else hi / 2
        d, j = attempt(mid)
        if j is not None:
            hi, done, js = mid, d, j
        else:
            lo = mid
    return done, js, hi


def centroids_lonlat(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Area centroids computed in Lambert 72 metres, returned as lon/lat points."""
    return geoms.to_crs(LAMBERT).centroid.to_crs("EPSG:4326")


# ---------------------------------------------------------------- entry point

def load_boundaries(path, *, max_bytes: int | None = None, target_bytes: int = 100_000) -> pd.DataFrame:
    """Read a boundary file and return one row per Brussels commune (see the module docstring).

    Columns: nis_code, geojson (GeoJSON geometry, WGS84, CCW exteriors, 5 decimals), vertices,
    centroid_lon, centroid_lat, source_file, source_sha256, source_crs; sorted by nis_code.
    The simplification tolerance used is stored in ``df.attrs['tolerance_deg']``.
    """
    path = Path(path)
    check_size(path, max_bytes)
    gdf = read_features(path)
    code_col = find_code_column(gdf.columns, path)
    sector = is_sector_level(gdf.columns)
    gdf = keep_brussels(gdf, code_col, path)
    check_geometries(gdf, code_col, path)
    if not sector:
        check_duplicates(gdf, code_col, path)
    gdf, crs_label = to_wgs84(gdf, path)
    merged = dissolve(gdf)
    done, js, tol = simplify(list(merged.values), target_bytes, path)
    cent = centroids_lonlat(merged)
    df = pd.DataFrame({
        "nis_code": list(COMMUNES),
        "geojson": js,
        "vertices": [int(shapely.get_num_coordinates(g)) for g in done],
        "centroid_lon": cent.x.round(6).values,
        "centroid_lat": cent.y.round(6).values,
        "source_file": path.name,
        "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "source_crs": crs_label,
    })
    df.attrs["tolerance_deg"] = tol
    return df


# ---------------------------------------------------------------- the derived file the product ships

def derive_boundaries(src, out, *, target_bytes: int = 100_000) -> dict:
    """Read, check and coverage-simplify ``src`` (``load_boundaries``) and write the 19 communes to ``out``
    as a GeoJSON FeatureCollection (feature ``id`` and ``properties.nis_code`` = NIS code; WGS84, exterior
    rings counter-clockwise, 5 decimals). Written to a temporary name first, then moved into place.
    Returns what the README beside the file records: input and output sha256, bytes, vertices, tolerance."""
    src, out = Path(src), Path(out)
    df = load_boundaries(src, target_bytes=target_bytes)
    text = json.dumps(features_geojson(df), separators=(",", ":")) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return {"input": str(src), "input_sha256": df["source_sha256"].iloc[0], "output": str(out),
            "output_sha256": hashlib.sha256(text.encode()).hexdigest(), "bytes": len(text.encode()),
            "features": len(df), "vertices": int(df["vertices"].sum()),
            "tolerance_deg": df.attrs.get("tolerance_deg", 0.0)}


# ---------------------------------------------------------------- the source

BOUNDARIES_ENV = "BSIM_BOUNDARIES"
NO_BOUNDARIES = "none"                               # --boundaries none: build without geometry
GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip"}
SHIPPED = Path("raw") / "geo" / "brussels_communes.geojson"   # under the data folder
# the source row (data/catalog/sources_extra_geo.csv) of each kind of boundary file
SHIPPED_SOURCE = "SRC_BOUNDARIES_STATBEL_2025"
FETCHED_SOURCE = "SRC_BOUNDARIES_STATBEL_FETCHED"
SUPPLIED_SOURCE = "SRC_BOUNDARIES_SUPPLIED"


def _fetched(data_dir: Path) -> Path | None:
    found = sorted((data_dir / "raw" / "statbel" / "fetched").glob("sh_statbel_statistical_sectors_*"))
    return found[-1] if found else None


def boundary_source_id(path: Path, data_dir: Path) -> str:
    """The source of a boundary file: the shipped derived file (by content, wherever it lies), Statbel
    sectors downloaded by ``fetch``, or a file given to the build."""
    shipped = data_dir / SHIPPED
    if shipped.is_file() and hashlib.sha256(Path(path).read_bytes()).digest() == \
            hashlib.sha256(shipped.read_bytes()).digest():
        return SHIPPED_SOURCE
    if Path(path).name.startswith("sh_statbel_statistical_sectors_"):
        return FETCHED_SOURCE
    return SUPPLIED_SOURCE


def resolve_boundaries(explicit: str | None, data_dir: Path, log) -> Path | None:
    """``--boundaries`` must exist (``none``: no geometry); the environment variable is a soft default;
    then fetched Statbel sectors, then the shipped commune file."""
    if explicit == NO_BOUNDARIES:
        return None
    if explicit:
        p = Path(explicit)
        if not p.exists():
            raise InputError([Problem(str(p), None, None, "file not found")], headline="boundary file not found")
        return p
    env = os.environ.get(BOUNDARIES_ENV)
    if env:
        if Path(env).exists():
            return Path(env)
        log(f"  boundaries: {BOUNDARIES_ENV}={env} does not exist; building without boundaries")
        return None
    shipped = data_dir / SHIPPED
    return _fetched(data_dir) or (shipped if shipped.is_file() else None)


def claims(path: Path, header) -> bool:
    return path.suffix.lower() in GEO_SUFFIXES or "STATISTICAL_SECTORS" in path.name.upper()


def validate(path: Path, context) -> tuple[list, str]:
    return [], f"boundaries: {len(load_boundaries(path))} communes"


def load(step: Step) -> list:
    path = resolve_boundaries(step.boundaries, step.data_dir, step.log)
    if path is None:
        step.log("  no boundary file: building without geometry (the app shows the tile map)")
        return []
    t = time.perf_counter()
    geometry = load_boundaries(path)
    geometry["source_file"] = rel(path)
    geometry["source_id"] = boundary_source_id(path, step.data_dir)
    step.inputs.add(path, "boundaries", len(geometry))
    step.log(f"  boundaries {rel(path)}: 19 communes in {time.perf_counter() - t:.1f} s")
    insert_frame(step.con, "commune_geometry", geometry)
    step.geometry, step.boundaries_file = geometry, path
    return []


SOURCE = Source("boundaries", load, claims, validate, requires=("communes",))
