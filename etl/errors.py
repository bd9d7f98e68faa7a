"""Input problems that name file, row, column and reason (a ``messages.Message``, so the reason can be
said in the reader's language)."""
from __future__ import annotations

from dataclasses import dataclass

from .messages import Message, localise, render


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` is the spreadsheet row number (the header is row 1, the first record row 2, unless rows above
    the header were skipped: the numbers are always those the spreadsheet shows); ``None`` when the
    problem concerns the whole file or a column. ``reason`` is English text; when it is a ``Message``,
    ``code`` and ``params`` say it in any language (``text(lang)``).
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    @property
    def code(self) -> str | None:
        return self.reason.code if isinstance(self.reason, Message) else None

    @property
    def params(self) -> dict:
        return dict(self.reason.params) if isinstance(self.reason, Message) else {}

    def reason_in(self, lang: str = "en") -> str:
        return localise(self.reason, lang)

    def text(self, lang: str = "en") -> str:
        """'file, row 3, column 'x': reason' in ``lang``."""
        where = [self.file]
        if self.row is not None:
            where.append(render("where_row", {"row": self.row}, lang))
        if self.column:
            where.append(render("where_column", {"column": self.column}, lang))
        return render("where_reason", {"where": ", ".join(where), "reason": self.reason_in(lang)}, lang)

    def as_dict(self, lang: str = "en") -> dict:
        """The ``--json`` form: file, row, column, reason (in ``lang``) and code (None: English only)."""
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason_in(lang),
                "code": self.code}

    def __str__(self) -> str:
        return self.text("en")


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
    """Shorthand: ``raise fail(path, Message(CODE, **params), row, column)``."""
    return InputError(Problem(str(file), row, column, reason))


class ProblemList(list):
    """Collects problems while a file is checked; ``raise_if_any`` ends the check."""

    def add(self, file, reason, row=None, column=None):
        self.append(Problem(str(file), row, column, reason))

    def raise_if_any(self):
        if self:
            raise InputError(by_place(self))


def by_place(problems) -> list[Problem]:
    """Problems in reading order: file, row, column."""
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))
