"""Every input of the database, one ``Source`` each (``base.Source``), in one ordered ``REGISTRY``.

``python -m etl build`` loads the sources in registry order (a source's ``requires`` come before it);
``python -m etl validate FILE`` gives a file to the first source that claims it; an upload
(``python -m etl load | preview``) goes to the first uploadable source that claims it.
"""
from __future__ import annotations

from pathlib import Path

from . import assessments, boundaries, catalog, communes, facts, members, operators, provenance, statbel, templates
from .base import Header, Source

REGISTRY: tuple[Source, ...] = (
    catalog.SOURCE,        # data/catalog + raw/facts/sources.csv: indicators, units, sources, tips, vocabularies
    communes.SOURCE,       # raw/facts/communes.csv
    operators.SOURCE,      # raw/facts/operators_directory.csv
    *statbel.SOURCES,      # raw/statbel/ (+ fetched/): population, fiscal income, REFNIS names
    boundaries.SOURCE,     # --boundaries / $BSIM_BOUNDARIES / fetched sectors
    facts.SOURCE,          # raw/facts/*.csv, merged with the Statbel figures
    members.SOURCE,        # members/ and example/members_*: sites, jobs, re-use flows -> commune indicators
    assessments.SOURCE,    # five tips: criteria, evidence, assessments/ and example/assessments.csv
    templates.SOURCE,      # templates/: the fill-in files, carried for download
    provenance.SOURCE,     # private/submissions/: who reported the reviewed member and assessment inputs
)


# the header words of every template, so a template's header is recognised below title or blank rows
HEADER_WORDS = frozenset().union(*(s.header_words for s in REGISTRY))


def claiming(path: Path | str, *, uploadable: bool = False) -> Source | None:
    """The first source (the first uploadable one) that claims the file, or None."""
    path = Path(path)
    header = Header(path, HEADER_WORDS)
    for source in REGISTRY:
        if (source.uploadable or not uploadable) and source.claims(path, header):
            return source
    return None
