"""A commune in a few sentences, written from the database's figures only: where it ranks on the context
indicators the catalogue names (place ``summary_context``: unemployment, income …) and how they changed,
what the members' sites there deliver (place ``summary_members``), where it stands on the five tips.

Every sentence carries its year and its source (with the quality tier; example data says so in the
sentence); a figure that is missing gives no sentence, and a missing regional value or previous year
only drops its clause. Pure: frames in, sentences out, in the interface language (gettext templates,
plural forms for counts).
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.model.commune import key_figures, publisher_label
from dashboard.model.indicators import split_ids, unit_label
from dashboard.model.quality import quality_of
from dashboard.text.format import fmt_percent, fmt_value, is_missing
from dashboard.text.i18n import translator
from dashboard.text.names import local_name


def _semicolon(lang: str) -> str:
    return "\u00a0; " if lang == "fr" else "; "     # French sets a no-break space before ';'


def _quality(_, quality, lang: str) -> str:
    """The rows' quality (a tier or a ``Quality``, see ``model.quality``): the example mark when any row is
    example data, else the tier ('official', 'reported', 'official, partly reported')."""
    q = quality_of(quality)
    if q.is_example:
        return _("EXAMPLE DATA: illustrative, not real figures")
    return q.label(lang)


def _source(_, sources: pd.DataFrame, source_ids, quality, lang: str) -> str:
    """'source: ONEM/RVA (National Employment Office), official' (the publishers, then the quality)."""
    publishers = list(dict.fromkeys(publisher_label(sources, i) for i in split_ids(source_ids or "")))
    q = _quality(_, quality, lang)
    return _("source: {source}", source=", ".join(p for p in [" / ".join(publishers), q] if p))


def context_sentence(kf: dict, indicator: pd.Series, sources: pd.DataFrame, commune: str, lang: str) -> str | None:
    """One key-figure row (``model.commune.key_figures``) as a sentence, or None when its value is missing."""
    _ = translator(lang)
    if is_missing(kf["value"]) or is_missing(kf["year"]):
        return None
    unit, dec = unit_label(indicator, lang), int(indicator["decimals"])
    fmt = lambda v: fmt_value(v, lang, dec, unit)   # noqa: E731
    text = _("{label} ({year}): {value} in {commune}", label=indicator[f"label_{lang}"], year=int(kf["year"]),
             value=fmt(kf["value"]), commune=commune)
    if not is_missing(kf["region_value"]):
        text += _(", against {region} for the region", region=fmt(kf["region_value"]))
    n = int(kf["n_ranked"] or 0)
    if n >= 2 and not is_missing(kf["rank"]):
        rank, lowest = int(kf["rank"]), indicator["direction"] == "lower_better"
        if kf["tied"]:
            text += (_.ngettext("; rank {rank} (tied) of {n} commune, 1 being the lowest",
                                "; rank {rank} (tied) of {n} communes, 1 being the lowest", n, rank=rank) if lowest
                     else _.ngettext("; rank {rank} (tied) of {n} commune, 1 being the highest",
                                     "; rank {rank} (tied) of {n} communes, 1 being the highest", n, rank=rank))
        else:
            text += (_.ngettext("; rank {rank} of {n} commune, 1 being the lowest",
                                "; rank {rank} of {n} communes, 1 being the lowest", n, rank=rank) if lowest
                     else _.ngettext("; rank {rank} of {n} commune, 1 being the highest",
                                     "; rank {rank} of {n} communes, 1 being the highest", n, rank=rank))
    if not is_missing(kf["prev_year"]) and not is_missing(kf["prev_value"]) and not is_missing(kf["change"]):
        before, prev_year = fmt(kf["prev_value"]), int(kf["prev_year"])
        if fmt(kf["value"]) == before:
            text += _("; unchanged since {year}", year=prev_year)
        elif kf["change"] > 0:
            text += _("; up from {value} in {year}", value=before, year=prev_year)
        else:
            text += _("; down from {value} in {year}", value=before, year=prev_year)
    return f"{text} ({_source(_, sources, kf['source_id'], kf['quality'], lang)})."


def members_sentence(rows: Sequence[dict], indicators: pd.DataFrame, sources: pd.DataFrame, commune: str,
                     lang: str) -> str | None:
    """Member figures of one year and one source (the latest year of each ``member_*`` indicator in the
    commune) as one sentence; None when none has a value."""
    _ = translator(lang)
    rows = [r for r in rows if not is_missing(r.get("value")) and not is_missing(r.get("year"))]
    if not rows:
        return None
    parts = []
    for r in rows:
        ind = indicators.loc[r["indicator_id"]]
        value = fmt_value(r["value"], lang, int(ind["decimals"]), unit_label(ind, lang))
        parts.append(_("{label}: {value}", label=ind[f"label_{lang}"], value=value))
    text = _("At the members' sites in {commune} in {year}: {figures}", commune=commune, year=int(rows[0]["year"]),
             figures=_semicolon(lang).join(parts))
    return f"{text} ({_source(_, sources, rows[0].get('source_id'), rows[0].get('quality'), lang)})."


def tips_sentence(scores: pd.DataFrame, tip_titles: dict[int, str], assessed_year, example: bool, commune: str,
                  lang: str) -> str | None:
    """The commune's action score per tip (only the tips with a known score), or None when none is known.

    ``scores``: this commune's rows of ``model.tips.tip_scores``; ``assessed_year``: the year of its latest
    assessment."""
    _ = translator(lang)
    known = scores.dropna(subset=["action"]).sort_values("tip_id")
    if known.empty or is_missing(assessed_year):
        return None
    parts = [_("tip {n} ({title}): {score}", n=int(r.tip_id), title=tip_titles.get(int(r.tip_id), ""),
               score=fmt_percent(r.action * 100, lang, 0)) for r in known.itertuples()]
    n_known, n_all = int(scores["n_known"].sum()), int(scores["n_criteria"].sum())
    text = _("Five tips, assessments up to {year}: action score of {commune} on {scores}",
             year=int(assessed_year), commune=commune, scores=_semicolon(lang).join(parts))
    text += _.ngettext("; {known} of {n} criterion with a known status",
                       "; {known} of {n} criteria with a known status", n_all, known=n_known)
    source = _("the scorecard's assessments, each with its evidence")
    if example:
        source += ", " + _quality(_, "example", lang)
    return f"{text} ({_('source: {source}', source=source)})."


def commune_sentences(nis_code: str, *, communes: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame,
                      context_obs: pd.DataFrame, context_ids: Sequence[str], member_obs: pd.DataFrame,
                      member_ids: Sequence[str], tip_scores: pd.DataFrame | None, tip_titles: dict[int, str],
                      tip_history: pd.DataFrame | None, lang: str,
                      context_by_place: dict[tuple, dict] | None = None) -> list[str]:
    """The summary of one commune as sentences, in order: context figures, members' figures, five tips.

    ``context_obs``: observations of ``context_ids`` for every commune and the region (ranks need them
    all); ``member_obs``: observations of the member indicators; ``tip_scores``: ``model.tips.tip_scores``;
    ``tip_history``: assessment rows (nis_code, assessed_on, quality); ``context_by_place``:
    ``commune.key_figures_by_place`` of ``context_obs`` when already computed."""
    row = communes.set_index("nis_code").loc[nis_code]
    name = local_name(row, lang)
    out: list[str] = []
    ids = [i for i in context_ids if i in indicators.index]
    if ids:
        for kf in key_figures(context_obs, indicators, nis_code, ids, by_place=context_by_place).to_dict("records"):
            out.append(context_sentence(kf, indicators.loc[kf["indicator_id"]], sources, name, lang))
    mine = member_obs[member_obs["nis_code"] == nis_code] if len(member_obs) else member_obs
    latest = [mine[mine["indicator_id"] == i].sort_values("year").iloc[-1].to_dict() for i in member_ids
              if i in indicators.index and len(mine) and (mine["indicator_id"] == i).any()]
    groups: dict[tuple, list[dict]] = {}
    for r in latest:   # one sentence per year, source and quality, in the catalogue's order
        groups.setdefault((int(r["year"]), r.get("source_id"), r.get("quality")), []).append(r)
    for rows in groups.values():
        out.append(members_sentence(rows, indicators, sources, name, lang))
    if tip_scores is not None and len(tip_scores):
        own = tip_scores[tip_scores["nis_code"] == nis_code]
        hist = tip_history[tip_history["nis_code"] == nis_code] if tip_history is not None else pd.DataFrame()
        year = pd.to_datetime(hist["assessed_on"]).max().year if len(hist) else None
        example = bool(own["example"].any()) if len(own) else False
        out.append(tips_sentence(own, tip_titles, year, example, name, lang))
    return [s for s in out if s]
