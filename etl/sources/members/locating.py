"""The commune of a member site: from its ``commune`` column (name in fr/nl/en or NIS code), else its
coordinates (point in polygon on the loaded boundaries), else its postal code. Any two that disagree,
and a site outside the Brussels-Capital Region, are problems naming the row and column."""
from __future__ import annotations

import json

import pandas as pd

from ...codes import COMMUNES, normalise_nis
from ...errors import ProblemList
from ...readers import fold
from ..communes import postal_index

# WGS84 box around the region: coordinates outside it are not Brussels (or not longitude, latitude)
LON_RANGE, LAT_RANGE = (4.2, 4.55), (50.7, 50.95)


class CommuneLocator:
    """Point in polygon over the loaded commune boundaries (shapely)."""

    def __init__(self, geometry: pd.DataFrame | None):
        self.shapes = []
        if geometry is not None and len(geometry):
            from shapely.geometry import shape
            from shapely.prepared import prep
            for r in geometry.itertuples():
                g = shape(json.loads(r.geojson))
                self.shapes.append((r.nis_code, prep(g), g))

    @property
    def available(self) -> bool:
        return bool(self.shapes)

    def locate(self, lon: float, lat: float) -> str | None:
        from shapely.geometry import Point
        p = Point(lon, lat)
        for code, prepared, _g in self.shapes:
            if prepared.covers(p):
                return code
        return None


class SiteLocator:
    """Locates the sites of one build: commune names and postal codes from ``communes``, polygons from
    ``geometry`` (None without boundaries: coordinates are then only checked against the region's box)."""

    def __init__(self, communes: pd.DataFrame, geometry: pd.DataFrame | None):
        self.postal = postal_index(communes)
        self.polygons = CommuneLocator(geometry)
        self.names = {fold(n): r.nis_code for r in communes[communes["level"] == "commune"].itertuples()
                      for n in (r.name_fr, r.name_nl, r.name_en)}
        self.label = dict(zip(communes["nis_code"], communes["name_fr"]))

    def _named(self, codes) -> str:
        return ", ".join(f"{self.label[c]} ({c})" for c in sorted(codes))

    def locate(self, file: str, row: int, commune: str, postal_code: str, x: float, y: float,
               problems: ProblemList) -> str | None:
        """The site's NIS code, or None with the reason added to ``problems``."""
        label = self.label
        by_col = None
        if commune:
            code = normalise_nis(commune)
            by_col = code if code in COMMUNES else self.names.get(fold(commune))
            if by_col is None:
                problems.add(file, f"'{commune}' is not one of the 19 Brussels communes (name in fr/nl/en or "
                                   "NIS code 21001–21019): the site is outside the region", row, "commune")
        pc_set = None
        pc = postal_code.replace(".0", "") if postal_code else ""
        if pc:
            if pc not in self.postal:
                problems.add(file, f"postal code {pc} is not a Brussels-Capital Region postal code: the site "
                                   "is outside the region", row, "postal_code")
            else:
                pc_set = self.postal[pc]
        by_xy = None
        if (x == x) != (y == y):
            problems.add(file, "give both lon and lat, or neither", row, "lon" if x != x else "lat")
        elif x == x:
            if not (LON_RANGE[0] <= x <= LON_RANGE[1] and LAT_RANGE[0] <= y <= LAT_RANGE[1]):
                problems.add(file, f"coordinates ({x:g}, {y:g}) are outside the Brussels-Capital Region "
                                   "(WGS84 longitude, latitude expected)", row, "lon")
            elif self.polygons.available:
                by_xy = self.polygons.locate(x, y)
                if by_xy is None:
                    problems.add(file, f"coordinates ({x:g}, {y:g}) lie outside every Brussels commune: the "
                                       "site is outside the region", row, "lon")
        if by_col and by_xy and by_col != by_xy:
            problems.add(file, f"coordinates lie in {label[by_xy]} ({by_xy}) but the commune column says "
                               f"{label[by_col]} ({by_col})", row, "commune")
        if by_xy and pc_set and by_xy not in pc_set:
            problems.add(file, f"coordinates lie in {label[by_xy]} ({by_xy}) but postal code {pc} belongs to "
                               + self._named(pc_set), row, "postal_code")
        if by_col and pc_set and by_col not in pc_set:
            problems.add(file, f"postal code {pc} belongs to " + self._named(pc_set)
                               + f", not {label[by_col]} ({by_col})", row, "postal_code")
        code = by_col or by_xy or (next(iter(pc_set)) if pc_set and len(pc_set) == 1 else None)
        if code is None and not any(p.row == row and p.file == file for p in problems):
            if pc_set:
                problems.add(file, f"postal code {pc} is shared by "
                                   + " and ".join(f"{label[c]} ({c})" for c in sorted(pc_set))
                                   + ": give the commune or the coordinates", row, "commune")
            else:
                problems.add(file, "give the commune, the postal code or the coordinates", row, "commune")
        return code
