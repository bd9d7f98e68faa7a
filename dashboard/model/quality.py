"""The quality of what a page, chart, table, export or citation shows, taken from the rows it shows:
the one place that decides it (never the indicator's catalogue tier, never a page of its own).

A set of rows has the quality of its worst row — ``example`` is worse than ``reported``, which is
worse than ``official`` — and a set whose rows are of several tiers is *mixed*, said so in its label
("example, partly reported"). Anything with an example row carries the example mark.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from dashboard.text.i18n import N_, translator

TIERS = ("official", "reported", "example")     # best first
EXAMPLE = "example"
TIER_MSGIDS = {"official": N_("official"), "reported": N_("reported"), "example": N_("example")}


@dataclass(frozen=True)
class Quality:
    """The tiers present in a set of rows."""

    tiers: frozenset = frozenset()

    @classmethod
    def of(cls, value) -> Quality:
        """A Quality from a Quality, a tier, None, or any mix of them (see ``quality_of``)."""
        return value if isinstance(value, Quality) else quality_of(value)

    @property
    def tier(self) -> str:
        """The worst tier present ('' when there is no row)."""
        return next((t for t in reversed(TIERS) if t in self.tiers), "")

    @property
    def is_example(self) -> bool:
        return EXAMPLE in self.tiers

    @property
    def mixed(self) -> bool:
        return len(self.tiers) > 1

    def __bool__(self) -> bool:
        return bool(self.tiers)

    def __str__(self) -> str:
        return self.tier

    def label(self, lang: str) -> str:
        """'official', 'example', 'example, partly reported' in the interface language; '' for no row."""
        _ = translator(lang)
        if not self.tiers:
            return ""
        worst = _(TIER_MSGIDS[self.tier])
        if not self.mixed:
            return worst
        others = [_(TIER_MSGIDS[t]) for t in reversed(TIERS) if t in self.tiers and t != self.tier]
        others = others[0] if len(others) == 1 else _("{first} and {second}", first=others[0], second=others[1])
        # no parentheses of its own: footers and citations put the label in parentheses
        return _("{worst}, partly {others}", worst=worst, others=others)


def _tiers(value) -> Iterable[str]:
    if value is None:
        return ()
    if isinstance(value, Quality):
        return value.tiers
    if isinstance(value, str):
        return (value,) if value in TIERS else ()
    if isinstance(value, pd.DataFrame):
        return _tiers(value["quality"]) if "quality" in value.columns else ()
    if isinstance(value, pd.Series):
        return (t for t in value.dropna().unique() if t in TIERS)
    if isinstance(value, dict):
        return _tiers(value.get("quality"))
    if hasattr(value, "__iter__"):
        return (t for v in value for t in _tiers(v))
    return ()


def quality_of(*rows) -> Quality:
    """The quality of everything given: frames (their ``quality`` column), Series or lists of tiers,
    tiers, dicts with a ``quality`` key, other Qualities; missing values are no row."""
    return Quality(frozenset(t for r in rows for t in _tiers(r)))


def tier_label(tier, lang: str) -> str:
    """One row's tier in the interface language ('' when missing)."""
    return quality_of(tier).label(lang)
