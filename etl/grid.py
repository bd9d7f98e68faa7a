"""A file as rows of cell texts, before its header is known — what a CSV file and a workbook sheet both
become — and the two things read from it before the records: where the header row is, and which rows
are totals.

* **Header row**: a template's header may sit below a title row, a blank row or a note. Given the
  header words a reader knows (every alias in fr/nl/en, lower case), the header is the first of the
  first ``HEADER_SEARCH_ROWS`` rows with at least two known words; without words, or when no row qualifies, it is the first row. The rows above it are
  not read, and the row numbers stay the spreadsheet's own.
* **Totals rows**: a row whose first filled cell is a totals word (``Total``, ``Totaal``, ``Totaux``,
  ``Sous-total``, ``Somme``, ``Som``, ``Sum``, ``Grand total``, ``Eindtotaal``… alone or with a year),
  or that sums a range with a formula (``=SUM(C2:C9)``, ``SUBTOTAL``, ``AGGREGATE``), is refused:
  reading it would count the total as one more site or figure, and skipping it silently would publish
  something else than the file shows; the member deletes it (the monitor adds up rows itself).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .messages import Message

HEADER_SEARCH_ROWS = 20
TOTAL_WORDS = {"total", "totaal", "totaux", "totale", "totals", "totalen", "sous total", "sous totaux", "subtotal",
               "sub total", "subtotaal", "grand total", "total general", "totaux generaux", "total global",
               "eindtotaal", "algemeen totaal", "somme", "som", "sum", "sum total", "totaal generaal"}
_TOTAL_FORMULA = re.compile(r"\b(SUM|SUMIF|SUMIFS|SUMPRODUCT|SUBTOTAL|AGGREGATE)\s*\([^)]*:", re.IGNORECASE)


@dataclass
class Grid:
    """``rows``: (spreadsheet row number, cell texts from the first column); ``typed``: (row, column index)
    of cells that hold a real number (a workbook's numeric cells: read as they are, no decimal mark to
    decide); ``formulas``: formula text per (row, column index); ``cell_problems``: (row, column index,
    reason) found while reading cells; ``sheet``: the worksheet read."""

    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str
    typed: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    cell_problems: list[tuple[int, int, Message]] = field(default_factory=list)
    sheet: str | None = None


def fold(text: str) -> str:
    """A word as people type it, for matching: ASCII, lower case, punctuation as single spaces
    ('Électro-ménager' -> 'electro menager')."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def header_index(rows: list[list[str]], words: frozenset[str] | None) -> int:
    """Index in ``rows`` of the header row (see the module docstring)."""
    if not words:
        return 0
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [c.strip().lower() for c in cells if c.strip()]
        if sum(1 for c in filled if c in words) >= 2:
            return i
    return 0


def totals_reason(row: int, cells: list[str], formulas: dict[tuple[int, int], str]) -> Message | None:
    """Why the row at spreadsheet row ``row`` is a totals row, or None."""
    first = next((c for c in cells if c.strip()), "")
    folded = re.sub(r"\s*(19|20)\d\d$", "", fold(first))
    if folded in TOTAL_WORDS:
        return Message("totals_row", text=first.strip())
    for col in range(len(cells)):
        formula = formulas.get((row, col))
        if formula and _TOTAL_FORMULA.search(formula):
            return Message("totals_formula_row", formula="=" + formula.lstrip("="))
    return None
