"""Small synthetic frames for the dashboard tests (19 communes with their real names)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CODES = [f"210{i:02d}" for i in range(1, 20)]


def communes() -> pd.DataFrame:
    c = pd.read_csv(ROOT / "data" / "raw" / "facts" / "communes.csv", dtype=str)
    return c[["nis_code", "name_fr", "name_nl", "name_en"]].sort_values("nis_code").reset_index(drop=True)


def frame(values=None, year: int = 2023) -> pd.DataFrame:
    d = communes()
    d["value"] = np.arange(1, 20, dtype=float) * 1.5 if values is None else np.asarray(values, dtype=float)
    d["year"] = year
    return d


def tiles() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "catalog" / "tile_grid.csv", dtype={"nis_code": str})


def square_geojson() -> dict:
    """One small square per commune, laid out on the tile grid (feature id = NIS code)."""
    feats = []
    for r in tiles().itertuples():
        lon, lat = 4.30 + r.tile_col * 0.03, 50.88 - r.tile_row * 0.03
        ring = [[lon, lat], [lon, lat + 0.02], [lon + 0.02, lat + 0.02], [lon + 0.02, lat], [lon, lat]]
        feats.append({"type": "Feature", "id": r.nis_code, "properties": {},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": feats}


def tip_statuses() -> pd.DataFrame:
    """The tip-status vocabulary as the ETL ships it (data/catalog/tip_statuses.csv -> table tip_status)."""
    d = pd.read_csv(ROOT / "data" / "catalog" / "tip_statuses.csv", dtype={"status": str})
    d["counts_as_commitment"] = d["counts_as_commitment"].astype(str).str.lower() == "true"
    return d


def reuse_streams() -> pd.DataFrame:
    """The re-use stream vocabulary (data/catalog/reuse_streams.csv -> table reuse_stream), in order."""
    return pd.read_csv(ROOT / "data" / "catalog" / "reuse_streams.csv", dtype=str).sort_values("position")


def display_place(place: str) -> list[str]:
    """The indicator ids of a catalogue display place (data/catalog/display.csv), in order."""
    d = pd.read_csv(ROOT / "data" / "catalog" / "display.csv", dtype={"position": int})
    return list(d[d["place"] == place].sort_values("position")["indicator_id"])
