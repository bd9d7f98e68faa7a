"""The 19 communes and the region (``data/raw/facts/communes.csv``): codes, official names, area, postal
codes, tile positions."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from ..codes import COMMUNES, REGION, check_nis, normalise_nis
from ..errors import ProblemList
from ..messages import Message
from ..readers import duplicate_rows, fold, numbers, read_table, require_columns
from .base import Source, Step, insert_frame
from .catalog import Catalog

REQUIRED = ["nis_code", "name_fr", "name_nl", "name_en", "area_km2", "area_source_id", "postal_codes", "names_source_id"]
OPTIONAL = ["area_km2_alt", "area_alt_year", "area_alt_source_id", "arrondissement_nis", "region_nis"]
REGION_NAMES = ("Région de Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest", "Brussels-Capital Region")


def read_communes(path: Path, catalog: Catalog) -> tuple[pd.DataFrame, int]:
    table = read_table(path)
    frame = require_columns(table, REQUIRED, OPTIONAL)
    problems = ProblemList()
    codes = []
    for raw, row in zip(frame["nis_code"], frame["_row"]):
        code, why = check_nis(raw, allowed=set(COMMUNES))
        if why:
            problems.add(table.name, why, int(row), "nis_code")
        codes.append(code)
    frame["nis_code"] = codes
    frame["area_km2"] = numbers(table, frame, "area_km2", problems, non_negative=True)
    for c in ("name_fr", "name_nl", "name_en"):
        for v, row in zip(frame[c], frame["_row"]):
            if not v:
                problems.add(table.name, "name is required", int(row), c)
    sources = set(catalog.sources["source_id"])
    for c in ("area_source_id", "names_source_id"):
        for v, row in zip(frame[c], frame["_row"]):
            if v not in sources:
                problems.add(table.name, f"unknown source '{v}'", int(row), c)
    duplicate_rows(table.name, frame, ["nis_code"], problems)
    problems.raise_if_any()
    missing = sorted(set(COMMUNES) - set(frame["nis_code"]))
    if missing:
        problems.add(table.name, f"communes missing: {', '.join(missing)}", column="nis_code")
    problems.raise_if_any()

    tiles = catalog.tiles.set_index("nis_code")
    out = frame[["nis_code", "name_fr", "name_nl", "name_en", "area_km2", "area_source_id", "postal_codes",
                 "names_source_id"]].copy()
    out.insert(1, "level", "commune")
    out["tile_row"] = out["nis_code"].map(tiles["tile_row"])
    out["tile_col"] = out["nis_code"].map(tiles["tile_col"])
    region = {
        "nis_code": REGION, "level": "region", "name_fr": REGION_NAMES[0], "name_nl": REGION_NAMES[1],
        "name_en": REGION_NAMES[2], "area_km2": round(out["area_km2"].sum(), 2),
        "area_source_id": out["area_source_id"].iloc[0], "postal_codes": None,
        "names_source_id": out["names_source_id"].iloc[0], "tile_row": None, "tile_col": None,
    }
    out = pd.concat([pd.DataFrame([region]), out], ignore_index=True).sort_values("nis_code").reset_index(drop=True)
    return out, len(frame)


def commune_name_sets(communes: pd.DataFrame) -> dict[str, set[str]]:
    """Lower-case names per code, to recognise a scope that is the commune itself."""
    return {r.nis_code: {r.name_fr.lower(), r.name_nl.lower(), r.name_en.lower()} for r in communes.itertuples()}


# the City of Brussels as people usually write it (its official names are Bruxelles, Brussel, City of Brussels)
CITY_OF_BRUSSELS = ("Bruxelles-Ville", "Ville de Bruxelles", "Brussel-Stad", "Stad Brussel", "Brussels City")
# abbreviations people write in commune names (folded words)
ABBREVIATIONS = {"st": ("saint", "sint"), "ste": ("sainte",), "sts": ("saints",)}


class CommuneNames:
    """A commune as people write it: its NIS code, or its official name in French, Dutch or English (case,
    accents, punctuation and the St/Ste abbreviations aside); ``code`` says why anything else is refused,
    with the closest name and the list of names."""

    def __init__(self, communes: pd.DataFrame):
        rows = communes[communes["level"] == "commune"].sort_values("nis_code")
        self.label = {r.nis_code: " / ".join(dict.fromkeys((r.name_fr, r.name_nl))) for r in rows.itertuples()}
        self.codes: dict[str, str] = {}
        for r in rows.itertuples():
            for name in (r.name_fr, r.name_nl, r.name_en):
                self.codes[fold(name)] = r.nis_code
        for name in CITY_OF_BRUSSELS:
            self.codes.setdefault(fold(name), "21004")

    def _variants(self, folded: str) -> list[str]:
        out = [folded]
        for word, replacements in ABBREVIATIONS.items():
            tokens = out[0].split()
            if word in tokens:
                out += [" ".join(r if t == word else t for t in tokens) for r in replacements]
        return out

    def code(self, text: str) -> tuple[str | None, Message | None]:
        """(NIS code, None) for a commune, (None, reason) otherwise; (None, None) for an empty cell."""
        text = str(text or "").strip()
        if not text:
            return None, None
        nis = normalise_nis(text)
        if re.fullmatch(r"\d{5}", nis):
            return (nis, None) if nis in COMMUNES else (None, check_nis(text, allowed=frozenset(COMMUNES))[1])
        for variant in self._variants(fold(text)):
            if variant in self.codes:
                return self.codes[variant], None
        close = difflib.get_close_matches(fold(text), list(self.codes), n=1, cutoff=0.75)
        suggestion = Message("did_you_mean", name=self.label[self.codes[close[0]]]) if close else ""
        names = ", ".join(self.label.values())
        return None, Message("commune_unknown", text=text, suggestion=suggestion, names=names)


def postal_index(communes: pd.DataFrame) -> dict[str, set[str]]:
    """Postal code -> communes that use it (1040 and 1050 are shared with the City of Brussels)."""
    index: dict[str, set[str]] = {}
    for r in communes[communes["level"] == "commune"].itertuples():
        text = r.postal_codes or ""
        for pc in re.findall(r"\b1\d{3}\b", text):
            index.setdefault(pc, set()).add(r.nis_code)
    return index


def communes_path(data_dir: Path) -> Path:
    return Path(data_dir) / "raw" / "facts" / "communes.csv"


def claims(path: Path, header) -> bool:
    return {"name_fr", "name_nl", "area_km2"} <= header.columns


def validate(path: Path, context) -> tuple[list, str]:
    return [], f"communes: {read_communes(path, context.catalog)[1]} rows"


def load(step: Step) -> list:
    path = communes_path(step.data_dir)
    communes, n = read_communes(path, step.catalog)
    step.inputs.add(path, "communes", n)
    insert_frame(step.con, "commune", communes)
    step.communes = communes
    return []


SOURCE = Source("communes", load, claims, validate, requires=("catalog",))
