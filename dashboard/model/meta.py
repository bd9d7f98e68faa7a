"""What a chart needs to stand alone in a screenshot: what, where, when, unit, source, quality."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from dashboard.model.quality import Quality
from dashboard.text.i18n import translator

METHODS = ("quantiles", "equal_interval", "natural_breaks")   # how map classes are cut


@dataclass(frozen=True)
class ChartMeta:
    title: str                        # what — the indicator label, already in the interface language
    unit_label: str = ""              # unit in the interface language ('%', '€', 'per 1,000 inhabitants')
    source_label: str = ""            # e.g. 'Statbel, Fiscal income 2022'
    quality: Quality | str = Quality()  # of the rows shown (``quality.quality_of``); a tier is accepted
    year: int | str | None = None     # when (the year shown)
    decimals: int = 1
    direction: str = "neutral"        # higher_better | lower_better | neutral
    method: str = "quantiles"         # one of METHODS
    k: int = 5                        # number of classes wanted
    region_value: float | None = None # Brussels-Capital Region value for the same year
    kind: str = "rate"                # count | rate | amount | average | flag (indicator.kind)
    denominator: str | None = None    # None/'' = as published; 'population', 'area', ...
    where: str | None = None          # defaults to the translated 'Brussels-Capital Region'
    year_from: int | str | None = None  # change maps: the first year
    note: str | None = None           # extra footer text (definition, break in series …)
    points: bool = False              # a percentage: its changes are in percentage points
    region_published: bool = True     # False: the publisher gives no regional figure (say so, never compute one)

    def __post_init__(self):
        object.__setattr__(self, "quality", Quality.of(self.quality))

    @property
    def is_example(self) -> bool:
        """Some row shown is example data: the chart carries the example mark."""
        return self.quality.is_example

    def replace(self, **kw) -> ChartMeta:
        return replace(self, **kw)


def as_meta(meta: Any) -> ChartMeta:
    """Accept a ChartMeta or a dict with (a subset of) its fields; unknown keys are ignored."""
    if isinstance(meta, ChartMeta):
        return meta
    if meta is None:
        return ChartMeta(title="")
    names = {f.name for f in fields(ChartMeta)}
    return ChartMeta(**{k: v for k, v in dict(meta).items() if k in names})


def mappable(meta: Any) -> bool:
    """Rates are mapped, totals are not: a count or amount needs a denominator to be a choropleth."""
    meta = as_meta(meta)
    return not (meta.kind in ("count", "amount") and meta.denominator in (None, "", "none"))


def when_text(meta: ChartMeta) -> str:
    if meta.year_from is not None and meta.year is not None:
        return f"{meta.year_from}–{meta.year}"
    return "" if meta.year is None else str(meta.year)


def chart_title(meta: Any, lang: str, what: str | None = None) -> str:
    """'<what> — <where>, <when>' (what defaults to meta.title)."""
    meta = as_meta(meta)
    _ = translator(lang)
    where = meta.where or _("Brussels-Capital Region")
    parts = [p for p in (where, when_text(meta)) if p]
    what = meta.title if what is None else what
    return f"{what} — {', '.join(parts)}" if parts else what


def chart_footer(meta: Any, lang: str, extra: list[str] | None = None) -> str:
    """'Unit: % · Source: … (official) · <extra>' — one line, ' · ' separated."""
    meta = as_meta(meta)
    _ = translator(lang)
    bits = []
    if meta.unit_label:
        bits.append(_("Unit: {unit}", unit=meta.unit_label))
    quality = meta.quality.label(lang)
    if meta.source_label:
        bits.append(_("Source: {source}", source=meta.source_label) + (f" ({quality})" if quality else ""))
    elif quality:
        bits.append(_("Quality: {quality}", quality=quality))
    bits.extend(extra or [])
    if meta.note:
        bits.append(meta.note)
    return " · ".join(b for b in bits if b)


def example_mark(lang: str) -> str:
    _ = translator(lang)
    return _("EXAMPLE DATA") + " — " + _("Example data — illustrative, not real figures")
