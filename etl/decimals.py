"""Numbers as people type them, with the decimal mark decided per file from evidence — never from the
separator alone.

Most written numbers say by themselves which mark is the decimal one: ``12.5`` and ``0.750`` (a
thousands group never follows a single ``0`` or has other than three digits), ``1.234,5`` and
``1,234.5`` (the last mark is the decimal one), ``1.234.567`` (a mark used twice groups thousands),
``1 234`` with no-break or narrow no-break spaces (spaces group thousands). Those values are read as
they say, and they are the file's **evidence**. Only ``d.ddd`` / ``dd,ddd`` / ``ddd.ddd`` (one to three
digits, not starting with 0, one mark, three digits) can be read both ways; such a value follows the
file's evidence: the other cells of its numeric columns show the same mark as a decimal one (it is a
decimal) or as a thousands one (it is a whole number). With no evidence, or evidence both ways, it is
refused with both readings in the message — never guessed.

``RULES`` (one ordered list of full-match patterns) serves the Python reader (``parse``) and the DuckDB
load of fact files (``sql_rule``, ``sql_value``), so both read a number the same way.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .messages import Message

MISSING_MARKERS = {"", "n.d.", "nd", "n.a.", "na", "n/a", "-", "–", "—", "?", "x", "..", "…", "null", "none", "nan"}
# no-break, narrow no-break, figure and thin spaces group thousands like a space (control_chars makes
# them plain spaces in every cell already; a caller without that step still gets them right here)
GROUP_SPACES = "\u00a0\u202f\u2007\u2009"


@dataclass(frozen=True)
class Rule:
    """A number form: ``pattern`` (full match), the decimal mark it shows (``evidence``: '.', ',' or None),
    the characters to drop (``drop``) and the one to read as the decimal point (``point``) before the
    text is a plain float; ``ambiguous``: the mark such a value leaves undecided."""

    name: str
    pattern: str
    evidence: str | None = None
    drop: str = ""
    point: str | None = None
    ambiguous: str | None = None


RULES: tuple[Rule, ...] = (
    Rule("integer", r"[+-]?[0-9]+"),
    Rule("scientific", r"[+-]?[0-9]*\.?[0-9]+[eE][+-]?[0-9]+", evidence="."),
    Rule("space_groups", r"[+-]?[0-9]{1,3}( [0-9]{3})+", drop=" "),
    Rule("space_groups_dot", r"[+-]?[0-9]{1,3}( [0-9]{3})+\.[0-9]+", evidence=".", drop=" "),
    Rule("space_groups_comma", r"[+-]?[0-9]{1,3}( [0-9]{3})+,[0-9]+", evidence=",", drop=" ", point=","),
    Rule("ambiguous_dot", r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}", ambiguous="."),
    Rule("ambiguous_comma", r"[+-]?[1-9][0-9]{0,2},[0-9]{3}", ambiguous=","),
    Rule("dot_decimal", r"[+-]?[0-9]*\.[0-9]+", evidence="."),
    Rule("comma_decimal", r"[+-]?[0-9]*,[0-9]+", evidence=",", point=","),
    Rule("dot_groups", r"[+-]?[0-9]{1,3}(\.[0-9]{3}){2,}", evidence=",", drop="."),
    Rule("comma_groups", r"[+-]?[0-9]{1,3}(,[0-9]{3}){2,}", evidence=".", drop=","),
    Rule("dot_groups_comma_decimal", r"[+-]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+", evidence=",", drop=".", point=","),
    Rule("comma_groups_dot_decimal", r"[+-]?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+", evidence=".", drop=","),
)
_COMPILED = [(r, re.compile(r.pattern)) for r in RULES]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?")


def normalise(text: str) -> str:
    """The text of a number: stripped, grouping spaces made plain."""
    s = str(text or "").strip()
    for ch in GROUP_SPACES:
        s = s.replace(ch, " ")
    return s


def rule_of(text: str) -> Rule | None:
    """The first rule the (normalised) text fully matches, or None: not a number."""
    for rule, rx in _COMPILED:
        if rx.fullmatch(text):
            return rule
    return None


def _plain(text: str, rule: Rule, point: str | None = None) -> float:
    s = text
    for ch in rule.drop:
        s = s.replace(ch, "")
    p = point if point is not None else rule.point
    if p:
        s = s.replace(p, ".")
    return float(s)


@dataclass(frozen=True)
class Evidence:
    """What a file's numbers show about its decimal mark: for '.' and ',' the first value (text, row)
    that shows it as the decimal one."""

    dot: tuple[str, int] | None = None
    comma: tuple[str, int] | None = None

    @property
    def mark(self) -> str | None:
        """The file's decimal mark, when its numbers show one and only one."""
        if self.dot and not self.comma:
            return "."
        if self.comma and not self.dot:
            return ","
        return None


def evidence(cells) -> Evidence:
    """The evidence of ``cells``: (text, row) pairs of the file's numeric cells."""
    found: dict[str, tuple[str, int]] = {}
    for text, row in cells:
        s = normalise(text)
        if not s or s.lower() in MISSING_MARKERS:
            continue
        rule = rule_of(s)
        if rule is not None and rule.evidence and rule.evidence not in found:
            found[rule.evidence] = (str(text).strip(), int(row))
            if len(found) == 2:
                break
    return Evidence(found.get("."), found.get(","))


class NumberError(ValueError):
    """A cell that is not a number, with the ``Message`` saying why."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message)


def _ambiguous(text: str, s: str, rule: Rule, ev: Evidence) -> Message:
    mark = rule.ambiguous
    sign = "-" if s.startswith("-") else ""
    whole, frac = s.lstrip("+-").split(mark)
    as_thousands, as_decimal = f"{sign}{whole}{frac}", f"{sign}{whole}{mark}{frac}"
    if ev.dot and ev.comma:
        return Message("number_ambiguous_mixed", text=text, as_thousands=as_thousands, as_decimal=as_decimal,
                       dot=ev.dot[0], dot_row=ev.dot[1], comma=ev.comma[0], comma_row=ev.comma[1])
    return Message("number_ambiguous", text=text, as_thousands=as_thousands, as_decimal=as_decimal, mark=mark,
                   plain=as_thousands, longer=as_decimal + "0")


def parse(text: str, ev: Evidence | str | None = None) -> float | None:
    """One value: ``None`` for a missing marker; raise ``NumberError`` with the reason otherwise.

    ``ev``: the file's ``Evidence``, or '.' / ',' when the decimal mark is known otherwise (a publisher
    that documents it); None: no evidence, so an ambiguous value is refused. A value that says by itself
    which mark is its decimal one is read so whatever ``ev`` is.
    """
    if isinstance(ev, str):
        ev = Evidence(dot=("", 0)) if ev == "." else Evidence(comma=("", 0))
    ev = ev or Evidence()
    raw = str(text or "")
    s = normalise(raw)
    if s.lower() in MISSING_MARKERS:
        return None
    shown = raw.strip()
    rule = rule_of(s)
    if rule is None:
        if " " in s and rule_of(s.replace(" ", "")) is not None:
            raise NumberError(Message("number_bad_spaces", text=shown))
        if _ISO_DATE.fullmatch(s):
            raise NumberError(Message("number_is_date", text=shown))
        if s.lower().lstrip("+-") in ("inf", "infinity"):
            raise NumberError(Message("not_finite", text=shown))
        raise NumberError(Message("not_a_number", text=shown))
    if rule.ambiguous:
        mark = ev.mark
        if mark is None:
            raise NumberError(_ambiguous(shown, s, rule, ev))
        value = _plain(s, rule, point=rule.ambiguous) if mark == rule.ambiguous else float(s.replace(rule.ambiguous, ""))
    else:
        value = _plain(s, rule)
    if math.isinf(value) or math.isnan(value):
        raise NumberError(Message("not_finite", text=shown))
    return value


# ----------------------------------------------------------------------------- the same rules in SQL

def sql_rule(v: str) -> str:
    """A DuckDB expression giving the index in ``RULES`` of the first rule ``v`` (normalised text) fully
    matches, NULL when none."""
    whens = " ".join(f"WHEN regexp_full_match({v}, '{r.pattern}') THEN {i}" for i, r in enumerate(RULES))
    return f"CASE {whens} END"


def sql_normalise(v: str) -> str:
    """The DuckDB form of ``normalise``."""
    expr = v
    for ch in GROUP_SPACES:
        expr = f"replace({expr}, '{ch}', ' ')"
    return f"trim({expr})"


def _sql_plain(v: str, rule: Rule, point: str | None) -> str:
    expr = v
    for ch in rule.drop:
        expr = f"replace({expr}, '{ch}', '')"
    if point:
        expr = f"replace({expr}, '{point}', '.')"
    return f"TRY_CAST({expr} AS DOUBLE)"


# the common forms, read by a plain cast: a whole number or a dot decimal that is not ambiguous
_SQL_PLAIN = r"[+-]?[0-9]*\.?[0-9]+"
_SQL_AMBIGUOUS = "|".join(r.pattern for r in RULES if r.ambiguous)


def sql_value(v: str, rule_index: str, mark: str | None) -> str:
    """A DuckDB expression: the number ``v`` (normalised text, its rule index ``rule_index``) is, given the
    file's decimal ``mark`` (None: ambiguous values stay NULL). The common forms take a plain cast; only
    the others evaluate the rules."""
    whens = []
    for i, r in enumerate(RULES):
        if r.ambiguous:
            if mark is None:
                continue
            expr = _sql_plain(v, r, r.ambiguous) if mark == r.ambiguous else \
                f"TRY_CAST(replace({v}, '{r.ambiguous}', '') AS DOUBLE)"
        else:
            expr = _sql_plain(v, r, r.point)
        whens.append(f"WHEN {i} THEN {expr}")
    return (f"CASE WHEN regexp_full_match({v}, '{_SQL_PLAIN}') AND NOT regexp_full_match({v}, '{_SQL_AMBIGUOUS}') "
            f"THEN TRY_CAST({v} AS DOUBLE) ELSE (CASE {rule_index} {' '.join(whens)} END) END")


def sql_evidence(v: str, row: str) -> str:
    """DuckDB aggregates over a file's values ``v`` (normalised text) and rows ``row``: for '.' then ',', the
    first value showing it as the decimal mark and its row (``Evidence``), in one pass of a few patterns."""
    out = []
    for mark in (".", ","):
        union = "|".join(f"({r.pattern})" for r in RULES if r.evidence == mark)
        shows = f"regexp_full_match({v}, '{union}') AND NOT regexp_full_match({v}, '{_SQL_AMBIGUOUS}')"
        out.append(f"arg_min({v}, {row}) FILTER (WHERE {shows}), min({row}) FILTER (WHERE {shows})")
    return ", ".join(out)


def ambiguous_message(text: str, ev: Evidence) -> Message:
    """The reason an ambiguous value of a fact file is refused (same words as the Python reader)."""
    s = normalise(text)
    return _ambiguous(str(text).strip(), s, rule_of(s), ev)
