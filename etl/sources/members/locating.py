"""The commune of a member site: from its ``commune`` column (name in fr/nl/en or NIS code), else its
coordinates (point in polygon on the loaded boundaries), else its postal code (refused when the code
is shared by two communes, 1040 and 1050, and nothing else says which). Any two that disagree, and a
site outside the Brussels-Capital Region, are problems naming the row and column; coordinates that
would be inside with longitude and latitude swapped, or that are Lambert 72 metres, say so."""
from __future__ import annotations

import json

import pandas as pd

from ...errors import ProblemList
from ...messages import Message, joined
from ..communes import CommuneNames, postal_index

# WGS84 box around the region: coordinates outside it are not Brussels (or not longitude, latitude)
LON_RANGE, LAT_RANGE = (4.2, 4.55), (50.7, 50.95)
# Belgian Lambert 72 metres (x, y) around Brussels: both in this range means metres were given, not degrees
LAMBERT72_RANGE = (130_000, 190_000)


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
        self.names = CommuneNames(communes)
        self.label = {code: f"{name} ({code})" for code, name in zip(communes["nis_code"], communes["name_fr"])}

    def _named(self, codes):
        return joined(self.label[c] for c in sorted(codes))

    def _coordinates(self, file: str, row: int, x: float, y: float, problems: ProblemList) -> str | None:
        """The commune the coordinates lie in (None without polygons), or None with the reason added."""
        if LON_RANGE[0] <= x <= LON_RANGE[1] and LAT_RANGE[0] <= y <= LAT_RANGE[1]:
            if not self.polygons.available:
                return None
            code = self.polygons.locate(x, y)
            if code is None:
                problems.add(file, Message("coords_no_commune", lon=x, lat=y), row, "lon")
            return code
        if LON_RANGE[0] <= y <= LON_RANGE[1] and LAT_RANGE[0] <= x <= LAT_RANGE[1]:
            problems.add(file, Message("coords_swapped", lon=x, lat=y), row, "lon")
        elif all(LAMBERT72_RANGE[0] <= v <= LAMBERT72_RANGE[1] for v in (x, y)):
            problems.add(file, Message("coords_lambert", lon=x, lat=y), row, "lon")
        else:
            problems.add(file, Message("coords_outside", lon=x, lat=y), row, "lon")
        return None

    def locate(self, file: str, row: int, commune: str, postal_code: str, x: float, y: float,
               problems: ProblemList) -> str | None:
        """The site's NIS code, or None with the reason added to ``problems``."""
        label = self.label
        by_col, why = self.names.code(commune)
        if why:
            problems.add(file, why, row, "commune")
        pc_set = None
        pc = postal_code.replace(".0", "") if postal_code else ""
        if pc:
            if pc not in self.postal:
                problems.add(file, Message("postal_outside", code=pc), row, "postal_code")
            else:
                pc_set = self.postal[pc]
        by_xy = None
        if (x == x) != (y == y):
            problems.add(file, Message("lon_lat_both"), row, "lon" if x != x else "lat")
        elif x == x:
            by_xy = self._coordinates(file, row, x, y, problems)
        if by_col and by_xy and by_col != by_xy:
            problems.add(file, Message("coords_not_commune", where=label[by_xy], commune=label[by_col]), row,
                         "commune")
        if by_xy and pc_set and by_xy not in pc_set:
            problems.add(file, Message("coords_not_postal", where=label[by_xy], code=pc, communes=self._named(pc_set)),
                         row, "postal_code")
        if by_col and pc_set and by_col not in pc_set:
            problems.add(file, Message("postal_not_commune", code=pc, communes=self._named(pc_set),
                                       commune=label[by_col]), row, "postal_code")
        code = by_col or by_xy or (next(iter(pc_set)) if pc_set and len(pc_set) == 1 else None)
        if code is None and not any(p.row == row and p.file == file for p in problems):
            if pc_set:
                problems.add(file, Message("postal_shared", code=pc, communes=self._named(pc_set)), row, "commune")
            else:
                problems.add(file, Message("location_missing"), row, "commune")
        return code
