"""Input problems that name file, row, column and reason."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` is the spreadsheet row number (the header is row 1, the first record row 2);
    ``None`` when the problem concerns the whole file or a column.
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.reason}"


class InputError(Exception):
    """Raised with every problem found, so one run reports them all; ``headline`` says what they have in
    common when that is more than "input files have problems"."""

    def __init__(self, problems: list[Problem] | Problem, headline: str | None = None):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.headline = headline
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


def fail(file: str, reason: str, row: int | None = None, column: str | None = None) -> InputError:
    """Shorthand: ``raise fail(path, 'why', row, column)``."""
    return InputError(Problem(str(file), row, column, reason))


class ProblemList(list):
    """Collects problems while a file is checked; ``raise_if_any`` ends the check."""

    def add(self, file, reason, row=None, column=None):
        self.append(Problem(str(file), row, column, reason))

    def raise_if_any(self):
        if self:
            raise InputError(sorted(self, key=lambda p: (p.file, p.row or 0, p.column or "")))
