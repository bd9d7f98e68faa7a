"""``python -m etl validate FILE...``: give each file to the first source of the registry that claims it
and report its problems; no database is touched (facts are checked in a scratch in-memory one)."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .errors import InputError, Problem
from .messages import Message
from .sources import claiming
from .sources.base import ROOT
from .sources.catalog import load_catalog
from .sources.communes import communes_path, read_communes

UNRECOGNISED = Message("unrecognised")


class Context:
    """What checking one file may need, read from ``data_dir`` on first use and shared by the files."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)

    @cached_property
    def catalog(self):
        return load_catalog(self.data_dir / "catalog", self.data_dir / "raw" / "facts" / "sources.csv")

    @cached_property
    def communes(self):
        return read_communes(communes_path(self.data_dir), self.catalog)[0]


def validate_file(path: Path, context: Context) -> tuple[str, list[Problem], str]:
    """Return (kind, problems, one-line summary); kind ``unknown`` when no source claims the file."""
    kind = "unknown"
    try:
        source = claiming(path)
        if source is None:
            if path.suffix.lower() in (".xlsx", ".xlsm"):     # a workbook can only be a template: name its sheet
                from .workbook import sheet_title
                return kind, [Problem(str(path), 1, None, Message("not_a_template_sheet", sheet=sheet_title(path)))], ""
            return kind, [Problem(str(path), 1, None, UNRECOGNISED)], ""
        kind = source.kind
        problems, summary = source.validate(path, context)
        return kind, problems, summary
    except InputError as exc:
        return kind, exc.problems, ""


def validate_files(paths: list[Path], data_dir: Path = ROOT / "data") -> list[tuple[Path, str, list[Problem], str]]:
    context = Context(data_dir)
    return [(p, *validate_file(p, context)) for p in paths]
