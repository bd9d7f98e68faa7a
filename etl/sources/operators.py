"""Directory of social-economy and circular operators (``data/raw/facts/operators_directory.csv``, one row
per site)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from ..codes import COMMUNES, check_nis
from ..errors import ProblemList
from ..readers import duplicate_rows, read_table, require_columns
from .base import Source, Step, insert_frame
from .catalog import Catalog
from .communes import postal_index

REQUIRED = ["name", "operator", "category", "activity", "address", "postal_code", "nis_code", "commune_fr",
            "source_id", "notes"]


def operator_id(name: str, address: str, nis_code: str | None) -> str:
    """Stable id from what identifies a site, so rebuilds give the same ids."""
    key = f"{name.strip().lower()}|{address.strip().lower()}|{nis_code or ''}"
    return "op-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def read_operator_directory(path: Path, catalog: Catalog, postal: dict[str, set[str]]) -> tuple[pd.DataFrame, int]:
    table = read_table(path)
    frame = require_columns(table, REQUIRED, ["lon", "lat"])
    problems = ProblemList()
    sources = set(catalog.sources["source_id"])
    quality = dict(zip(catalog.sources["source_id"], catalog.sources["quality"]))
    codes = []
    for _, r in frame.iterrows():
        row = int(r["_row"])
        code = None
        if r["nis_code"]:
            code, why = check_nis(r["nis_code"], allowed=set(COMMUNES))
            if why:
                problems.add(table.name, why, row, "nis_code")
        codes.append(code)
        if not r["name"]:
            problems.add(table.name, "name is required", row, "name")
        if not r["category"] or not re.fullmatch(r"[a-z0-9_]+", r["category"]):
            problems.add(table.name, f"category '{r['category']}' must be a snake_case code", row, "category")
        pc = r["postal_code"]
        if pc:
            if not re.fullmatch(r"1[0-2]\d\d", pc) or pc not in postal:
                problems.add(table.name, f"postal code {pc} is not a Brussels-Capital Region postal code", row,
                             "postal_code")
            elif code and code not in postal[pc]:
                problems.add(table.name, f"postal code {pc} belongs to {', '.join(sorted(postal[pc]))}, not {code}",
                             row, "postal_code")
        sids = [s for s in r["source_id"].split(";") if s]
        if not sids:
            problems.add(table.name, "every site needs a source_id", row, "source_id")
        for sid in sids:
            if sid not in sources:
                problems.add(table.name, f"unknown source '{sid}'", row, "source_id")
    frame["nis_code"] = codes
    frame["operator_id"] = [operator_id(n, a, c) for n, a, c in zip(frame["name"], frame["address"], codes)]
    duplicate_rows(table.name, frame, ["operator_id"], problems)
    problems.raise_if_any()
    out = pd.DataFrame({
        "operator_id": frame["operator_id"],
        "name": frame["name"],
        "organisation": frame["operator"].replace("", None),
        "category": frame["category"],
        "activity": frame["activity"].replace("", None),
        "address": frame["address"].replace("", None),
        "postal_code": frame["postal_code"].replace("", None),
        "nis_code": frame["nis_code"],
        "lon": pd.to_numeric(frame["lon"].replace("", None)),
        "lat": pd.to_numeric(frame["lat"].replace("", None)),
        "source_id": frame["source_id"].str.split(";").str[0],
        "source_ids": frame["source_id"],
        "quality": frame["source_id"].str.split(";").str[0].map(quality),
        "notes": frame["notes"].replace("", None),
        "input_file": str(path),
    })
    return out, len(frame)


def claims(path: Path, header) -> bool:
    """The directory's header; a member sites template (which has ``site_id``) is not one."""
    return {"name", "category", "postal_code"} <= header.columns and "site_id" not in header.columns


def validate(path: Path, context) -> tuple[list, str]:
    return [], f"operators: {read_operator_directory(path, context.catalog, postal_index(context.communes))[1]} sites"


def load(step: Step) -> list:
    path = step.data_dir / "raw" / "facts" / "operators_directory.csv"
    operators, n = read_operator_directory(path, step.catalog, postal_index(step.communes))
    step.inputs.add(path, "operators", n)
    insert_frame(step.con, "operator", operators)
    return []


SOURCE = Source("operators", load, claims, validate, requires=("catalog", "communes"))
