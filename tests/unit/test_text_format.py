import datetime as dt
import math

import pandas as pd
import pytest

from dashboard.text.format import (
    MISSING,
    fmt_change,
    fmt_date,
    fmt_datetime,
    fmt_number,
    fmt_percent,
    fmt_rank,
    fmt_value,
    points_label,
)


@pytest.mark.parametrize("lang,expected", [("fr", "128.724"), ("nl", "128.724"), ("en", "128,724")])
def test_thousands(lang, expected):
    assert fmt_number(128724, lang) == expected


@pytest.mark.parametrize("lang,expected", [("fr", "1.234,5"), ("nl", "1.234,5"), ("en", "1,234.5")])
def test_decimals(lang, expected):
    assert fmt_number(1234.5, lang, 1) == expected


def test_rounding_and_negative_zero():
    assert fmt_number(2.345, "fr", 2) in ("2,35", "2,34")  # binary float; never "2.345"
    assert fmt_number(-0.04, "fr", 1) == "0,0"
    assert fmt_number(-1234567.891, "en", 2) == "-1,234,567.89"
    assert fmt_number(1234567.891, "nl", 0) == "1.234.568"


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, math.nan])
def test_missing(value):
    assert fmt_number(value, "fr") == MISSING
    assert fmt_value(value, "nl", 1, "%") == MISSING
    assert fmt_value(value, "nl", 1, "%", missing="Geen gegevens") == "Geen gegevens"
    assert fmt_change(value, "en") == MISSING


def test_value_with_unit():
    assert fmt_value(12.34, "fr", 1, "%") == "12,3\u00a0%"
    assert fmt_value(12.34, "en", 1, "%") == "12.3%"
    assert fmt_value(1234, "nl", 0, "€") == "1.234\u00a0€"
    assert fmt_value(5, "en", 0) == "5"


def test_percent():
    assert fmt_percent(12.345, "fr") == "12,3\u00a0%"
    assert fmt_percent(0.123, "en", ratio=True) == "12.3%"


def test_change():
    assert fmt_change(1.23, "fr") == "+1,2"
    assert fmt_change(-1.23, "nl") == "\u22121,2"          # the typographic minus
    assert fmt_change(0.01, "en") == "0.0"
    assert fmt_change(-0.01, "en") == "0.0"               # no sign when it rounds to zero
    assert fmt_change(1234.5, "en", 0) == "+1,234" or fmt_change(1234.5, "en", 0) == "+1,235"
    assert fmt_change(2.5, "fr", 1, "%") == "+2,5\u00a0%"


def test_change_of_a_percentage_is_in_percentage_points():
    assert fmt_change(1.6, "en", 1, "%", points=True) == "+1.6\u00a0pts"
    assert fmt_change(-4.12, "fr", 1, "%", points=True) == "\u22124,1\u00a0pts"
    assert fmt_change(-4.12, "nl", 1, "%", points=True) == "\u22124,1\u00a0%-punt"
    assert fmt_change(-4.12, "nl", 1, points=True).endswith("%-punt")       # whatever unit is given
    assert points_label("fr", long=True) == "points de pourcentage"
    assert points_label("nl", long=True) == "procentpunten" and points_label("en", long=True) == "percentage points"


def test_dates():
    assert fmt_date("2025-03-01", "fr") == "1 mars 2025"
    assert fmt_date(dt.date(2025, 3, 1), "nl") == "1 maart 2025"
    assert fmt_date(pd.Timestamp("2025-03-01"), "en") == "1 March 2025"
    assert "2025" in fmt_datetime(dt.datetime(2025, 3, 1, 14, 5), "fr")
    assert fmt_date(None, "fr") == MISSING


def test_rank():
    assert fmt_rank(3, 19) == "3 / 19"
    assert fmt_rank(3, 19, tied=True) == "=3 / 19"
    assert fmt_rank(float("nan")) == MISSING
