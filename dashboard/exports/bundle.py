"""A commune's bundle: everything the fiche (PDF) and the deck (PPTX) show for one commune, gathered
once from the database into plain values (texts already formatted in the language): both names,
key figures against the region, the written summary, geometry or tile grid, jobs and re-use, the five
tips scorecard, sources with licences and the date of the data. A part whose table is missing is left
empty (the documents say "No figure"), never an error. ``quality`` is that of every row the documents
show (``quality.quality_of``): with an example row, they carry the example mark.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dashboard.data import queries
from dashboard.model import memo
from dashboard.model.commune import publisher_label, rank_text
from dashboard.model.indicators import region_text, source_label, split_ids, unit_label
from dashboard.model.memo import sources_in
from dashboard.model.quality import quality_of
from dashboard.model.sources import boundary_attribution
from dashboard.model.summary import commune_sentences
from dashboard.model.tips import Statuses
from dashboard.text.format import MISSING, fmt_date, fmt_percent, fmt_value, is_missing
from dashboard.text.i18n import translator


def _safe(fn, default=None):
    try:
        return fn()
    except Exception:  # a module or table not there yet: the fiche says "no figure"
        return default


def key_figure_rows(kf: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame, lang: str) -> list[dict]:
    """Latest year of each key figure for the commune and the region (``commune.key_figures``), formatted
    in ``lang``."""
    _ = translator(lang)
    rows = []
    for r in kf.to_dict("records"):
        ind = indicators.loc[r["indicator_id"]]
        unit, dec = unit_label(ind, lang), int(ind["decimals"])
        missing = is_missing(r["value"])
        rows.append({
            "indicator_id": r["indicator_id"], "label": ind[f"label_{lang}"], "unit": unit,
            "value": _("No data") if missing else fmt_value(r["value"], lang, dec, unit),
            "value_raw": None if missing else float(r["value"]),
            "region": region_text(r["region_value"], ind, lang, dec, unit),
            "value_short": _("No data") if missing else fmt_value(r["value"], lang, dec, unit if len(unit) <= 3 else None),
            "region_short": region_text(r["region_value"], ind, lang, dec, unit if len(unit) <= 3 else None),
            "year": MISSING if missing else str(int(r["year"])),
            "rank": rank_text(r["rank"], r["n_ranked"], r["tied"]),
            "source": MISSING if missing else source_label(sources, r["source_id"] or ""),
            "publisher": MISSING if missing else publisher_label(sources, r["source_id"]),
            "source_id": r["source_id"], "quality": quality_of() if missing else quality_of(r["quality"]),
        })
    return rows


def tip_rows(scores: pd.DataFrame, grid: pd.DataFrame, criteria: pd.DataFrame, tips: pd.DataFrame,
             statuses: Statuses, nis_code: str, lang: str) -> list[dict]:
    """Per tip for one commune: title, action / commitment scores (text), coverage, quality (of the
    assessments the scores count), criteria (with each one's quality)."""
    _ = translator(lang)
    mine = scores[scores["nis_code"] == nis_code].set_index("tip_id")
    titles = tips.set_index("tip_id")[f"title_{lang}"] if len(tips) else pd.Series(dtype=object)
    crit = grid[grid["nis_code"] == nis_code].merge(criteria[["criterion_id", f"label_{lang}"]], on="criterion_id")
    out = []
    for tip_id in sorted(set(criteria["tip_id"])):
        s = mine.loc[tip_id] if tip_id in mine.index else None
        c = crit[crit["tip_id"] == tip_id].sort_values("criterion_id")
        out.append({
            "tip_id": int(tip_id), "title": str(titles.get(tip_id, f"{tip_id}")),
            "action": fmt_percent(None if s is None else s["action"] * 100, lang, 0),
            "commitment": fmt_percent(None if s is None else s["commitment"] * 100, lang, 0),
            "coverage": MISSING if s is None else f"{int(s['n_known'])}/{int(s['n_criteria'])}",
            "quality": quality_of() if s is None else quality_of(s["quality"]),
            "criteria": [{"label": r[f"label_{lang}"], "status": statuses.text(r["status"], lang).strip(),
                          "quality": r.get("quality") if isinstance(r.get("quality"), str) else None}
                         for r in c.to_dict("records")],
        })
    return out


@lru_cache(maxsize=64)
def summary_sentences(ver: str, nis_code: str, lang: str) -> tuple[str, ...]:
    """The commune's written summary (``model.summary``) from the database: the catalogue's summary
    places, the members' figures, the five tips; a part whose table is missing is left out."""
    places = queries.display_places(ver)
    indicators, sources = queries.indicators(ver), sources_in(ver, lang)
    context_ids = [i for i in places.get("summary_context", []) if i in indicators.index]
    member_ids = [i for i in places.get("summary_members", []) if i in indicators.index]
    scores = hist = None
    titles: dict[int, str] = {}
    got = _safe(lambda: memo.tip_frames(ver))
    if got is not None:
        _g, scores, _s, _c, hist = got
        tips = queries.tips(ver)
        titles = {int(r.tip_id): getattr(r, f"title_{lang}") for r in tips.itertuples()}
    return tuple(commune_sentences(
        nis_code, communes=queries.communes(ver), indicators=indicators, sources=sources,
        context_obs=queries.observations_of(ver, context_ids), context_ids=context_ids,
        member_obs=queries.observations_of(ver, member_ids),
        member_ids=member_ids, tip_scores=scores, tip_titles=titles, tip_history=hist, lang=lang,
        context_by_place=memo.key_figures_by_place(ver, tuple(context_ids))))


def collect_commune_bundle(ver: str, nis_code: str, lang: str, url: str = "") -> dict:
    """Everything the fiche and the deck show for one commune, as plain values in ``lang``."""
    _ = translator(lang)
    communes = queries.communes(ver)
    row = communes.set_index("nis_code").loc[nis_code]
    indicators, sources = queries.indicators(ver), sources_in(ver, lang)
    bundle: dict = {
        "nis_code": nis_code, "name_fr": row["name_fr"], "name_nl": row["name_nl"], "name_en": row.get("name_en"),
        "key_figures": key_figure_rows(_key_figures(ver, nis_code), indicators, sources, lang),
        "impact": None, "n_operators": None, "tips": None, "tip_scores": None,
        "geometry": _safe(lambda: queries.geometry(ver)), "lang": lang,
        "boundary_attribution": _safe(lambda: boundary_attribution(queries.geometry_sources(ver), sources), ""),
        "tiles": communes[communes["level"] == "commune"][["nis_code", "tile_row", "tile_col"]],
        "communes": communes[communes["level"] == "commune"][["nis_code", "name_fr", "name_nl", "name_en"]],
        "url": url, "data_date": MISSING, "source_ids": [],
        "summary": list(summary_sentences(ver, nis_code, lang)),
    }
    shown = [k["quality"] for k in bundle["key_figures"]]      # the quality of every part shown
    run = _safe(lambda: queries.last_run(ver)[0])
    if run is not None and len(run):
        bundle["data_date"] = fmt_date(run["finished_at"].iloc[0], lang)
    source_ids = [k["source_id"] for k in bundle["key_figures"] if k["source_id"]]

    got = _safe(lambda: _impact(ver, nis_code, lang))
    if got is not None:
        summary, ids = got
        bundle["impact"] = [dict(r, publisher=" / ".join(dict.fromkeys(
            publisher_label(sources, i) for i in split_ids(r.get("source_ids"))))) for r in
            summary["figures"].to_dict("records")]
        bundle["n_operators"] = summary["n_operators"]
        shown.append(summary["quality"])
        source_ids += ids

    def tips():
        g, scores, statuses, crit, hist = memo.tip_frames(ver)
        return tip_rows(scores, g, crit, queries.tips(ver), statuses, nis_code, lang), scores, \
            hist.loc[hist["nis_code"] == nis_code, "source_id"].dropna().unique().tolist()

    got = _safe(tips)
    if got is not None:
        bundle["tips"], scores, ids = got
        bundle["tip_scores"] = scores.merge(bundle["communes"], on="nis_code", how="left")
        shown += [t["quality"] for t in bundle["tips"]]
        source_ids += ids
    bundle["quality"] = quality_of(shown)
    if bundle["geometry"]:   # the locator map's boundaries are a source too
        source_ids += _safe(lambda: queries.geometry_sources(ver)["source_id"].tolist(), [])
    bundle["source_ids"] = list(dict.fromkeys(source_ids))
    bundle["sources"] = [   # in full: the documents wrap them, they never cut them
        {"source_id": s, "label": f"{sources.loc[s, 'publisher']} — {sources.loc[s, 'title']}",
         "licence": sources.loc[s].get("licence") or _("not stated"),
         "url": sources.loc[s].get("url") or "", "quality": sources.loc[s].get("quality")}
        for s in bundle["source_ids"] if s in sources.index]
    return bundle


def _key_figures(ver: str, nis_code: str) -> pd.DataFrame:
    """The fiche's key figures of the commune (``memo.key_figures`` of the catalogue's ``fiche_key`` place)."""
    indicators = queries.indicators(ver)
    ids = tuple(i for i in queries.display_places(ver).get("fiche_key", []) if i in indicators.index)
    return memo.key_figures(ver, nis_code, ids)


def _impact(ver: str, nis_code: str, lang: str) -> tuple[dict, list[str]]:
    """(``impact.commune_summary`` of the commune, the source ids of its member figures)."""
    member = memo.observations_of(ver, memo.member_indicator_ids(ver))
    ids = member.loc[member["nis_code"] == nis_code, "source_id"].dropna().unique().tolist()
    return memo.commune_summary(ver, nis_code, lang), ids


@lru_cache(maxsize=64)
def bundle_quality(ver: str, nis_code: str, lang: str = "en"):
    """The quality of what a commune's fiche and deck show (for their file names, before they are built):
    the same parts as ``collect_commune_bundle`` (key figures, member figures, tips), without formatting
    them, writing the summary or reading the geometry. ``lang``: the page's, so that the member figures
    read are the ones the profile shows (``memo.commune_summary``), not a second set in English."""
    shown = list(_key_figures(ver, nis_code)["quality"])
    got = _safe(lambda: _impact(ver, nis_code, lang))
    if got is not None:
        shown.append(got[0]["quality"])
    got = _safe(lambda: memo.tip_frames(ver))
    if got is not None:
        scores = got[1]
        shown += list(scores.loc[scores["nis_code"] == nis_code, "quality"])
    return quality_of(shown)
