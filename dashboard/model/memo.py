"""Model functions memoised per database version (``data.cache.shared``: once per process, read as
shallow copies): a rerun reuses what the last one computed, a swapped-in database (a new version) is
computed afresh.

This is the one module of ``model/`` that caches; every function here is a pure model function applied
to the published database's cached queries.
"""
from __future__ import annotations

import pandas as pd

from dashboard.data import queries
from dashboard.data.cache import shared
from dashboard.model import commune, compare, coverage, impact, indicators, sources, tips
from dashboard.model.map import (
    headline,
    headline_texts,
    indicator_option_labels,
    link_to_indicator,
    mappable_indicators,
    tip_indicator,
)
from dashboard.model.meta import ChartMeta
from dashboard.model.quality import Quality, quality_of
from dashboard.model.sources import catalogue, in_language, scoped_table
from dashboard.text.i18n import DEFAULT_LANG, translator
from dashboard.text.plain import md


@shared(256)
def commune_values(ver: str, indicator_id: str, year: int, denominator: str = "none"
                   ) -> tuple[pd.DataFrame, float | None]:
    """``indicators.commune_values`` for one indicator, year and denominator of the published database."""
    indicator = queries.indicators(ver).loc[indicator_id]
    population = queries.observations(ver, indicators.POPULATION) if denominator == "population" else None
    return indicators.commune_values(queries.observations(ver, indicator_id), queries.communes(ver), year,
                                     denominator=denominator, population=population,
                                     direction=indicator["direction"])


@shared(4)
def mappable_for_version(ver: str) -> pd.DataFrame:
    """``map.mappable_indicators`` of the published database."""
    return mappable_indicators(queries.indicators(ver))


@shared(12)
def mappable_labels(ver: str, lang: str) -> dict[str, str]:
    """``map.indicator_option_labels`` of the mappable indicators (the map explorer's picker)."""
    return indicator_option_labels(mappable_for_version(ver), lang)


@shared(6)
def sources_in(ver: str, lang: str) -> pd.DataFrame:
    """The published sources with their publisher, title, description, licence and reference date in ``lang``
    (``sources.in_language``): what every page, footer, citation and export shows."""
    return in_language(queries.sources(ver), lang)


@shared(6)
def cached_catalogue(ver: str, lang: str) -> pd.DataFrame:
    """``sources.catalogue`` of the published database in ``lang``."""
    return catalogue(queries.indicators(ver), sources_in(ver, lang), queries.all_observations(ver), lang)


@shared(6)
def provenance_table(ver: str, lang: str) -> pd.DataFrame:
    """``sources.provenance_table``: who reported the reviewed member data of the published database."""
    return sources.provenance_table(queries.provenance(ver), queries.communes(ver), lang)


@shared(6)
def cached_scoped_table(ver: str, lang: str) -> pd.DataFrame:
    """``sources.scoped_table`` of the published database in ``lang``."""
    return scoped_table(queries.scoped(ver), queries.indicators(ver), sources_in(ver, lang), queries.communes(ver),
                        lang)


@shared(4)
def coverage_counts(ver: str) -> pd.DataFrame:
    """``coverage.indicator_counts`` of the published database (no language: counted once per version)."""
    return coverage.indicator_counts(queries.indicators(ver), queries.all_observations(ver), queries.scoped(ver))


@shared(6)
def indicator_coverage(ver: str, lang: str) -> pd.DataFrame:
    """``coverage.indicator_coverage`` of the published database in ``lang`` (Data & sources, the overview):
    the version's counts (``coverage_counts``) labelled in ``lang``."""
    return coverage.labelled_coverage(coverage_counts(ver), queries.indicators(ver), lang)


@shared(6)
def tip_coverage(ver: str, lang: str) -> pd.DataFrame:
    """``coverage.tip_coverage`` of the published database in ``lang``."""
    return coverage.tip_coverage(queries.history(ver), queries.criteria(ver), queries.tips(ver), lang)


@shared(4)
def coverage_summary(ver: str) -> dict:
    """``coverage.summary`` of the two coverages (the overview's "where data is missing"): counts only, the
    same in every language (the tips' coverage is read in the default language)."""
    return coverage.summary(coverage_counts(ver), tip_coverage(ver, DEFAULT_LANG))


# ------------------------------------------------------------------ per page, per database version
# Each is the page's pure model function on the published database's cached queries, keyed by the
# version and the few small inputs a user chooses: a rerun that changes nothing else reuses it, and a
# choice seen before (by any session of this process) is not computed again.

@shared(64)
def observations_of(ver: str, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """``queries.observations_of`` (several indicators in one long frame)."""
    return queries.observations_of(ver, list(indicator_ids))


@shared(16)
def key_figures_by_place(ver: str, ids: tuple[str, ...]) -> dict[tuple, dict]:
    """``commune.key_figures_by_place``: the key-figure rows of every commune at once (the first profile
    computes them, the next communes look theirs up)."""
    return commune.key_figures_by_place(observations_of(ver, ids), queries.indicators(ver), ids)


@shared(64)
def key_figures(ver: str, nis_code: str, ids: tuple[str, ...]) -> pd.DataFrame:
    """``commune.key_figures`` of one commune."""
    return commune.key_figures(observations_of(ver, ids), queries.indicators(ver), nis_code, list(ids),
                               by_place=key_figures_by_place(ver, ids))


@shared(512)
def commune_series(ver: str, nis_code: str, indicator_id: str, lang: str, where: str) -> dict:
    """The profile's time series block of one commune and indicator (``commune.series_*``): ``series`` (the
    commune and the region), ``drawn`` (what the chart draws: the commune alone for a total), ``total``,
    ``meta`` (the chart's ``ChartMeta``), ``table`` (years as rows, formatted), ``source_ids`` and ``shown``
    (the rows the table shows, for its source and quality line). ``where``: the commune's names as shown."""
    ind = queries.indicators(ver).loc[indicator_id]
    obs = queries.observations(ver, indicator_id)
    series = commune.series_frame(obs, queries.communes(ver), nis_code)
    total = ind["kind"] in ("count", "amount")   # a total: the region is not on the commune's scale
    meta = indicators.indicator_meta(ind, lang, rows=commune.series_rows(obs, nis_code, region=not total),
                                     sources=sources_in(ver, lang),
                                     source_ids=commune.series_source_ids(commune.series_rows(obs, nis_code,
                                                                                              region=False)),
                                     where=where)
    shown = commune.series_rows(obs, nis_code)
    return {"series": series, "drawn": series[series["nis_code"] == nis_code] if total else series, "total": total,
            "meta": meta, "n_years": int(series.loc[series["nis_code"] == nis_code, "year"].nunique()),
            "table": commune.series_table(series, nis_code, lang, int(ind["decimals"]), indicators.unit_label(ind, lang)),
            "source_ids": commune.series_source_ids(shown) or "", "shown": shown}


@shared(4)
def member_indicator_ids(ver: str) -> tuple[str, ...]:
    """The members' indicators (``member_…``) of the published catalogue, in its order."""
    return tuple(i for i in queries.indicators(ver).index if str(i).startswith("member_"))


@shared(64)
def commune_summary(ver: str, nis_code: str, lang: str) -> dict:
    """``impact.commune_summary`` (jobs, re-use and operators of one commune)."""
    return impact.commune_summary(observations_of(ver, member_indicator_ids(ver)), queries.operator_sites(ver),
                                  queries.indicators(ver), sources_in(ver, lang), nis_code, lang)


@shared(64)
def scoped_for_commune(ver: str, nis_code: str, lang: str) -> pd.DataFrame:
    """``commune.scoped_for_commune``."""
    return commune.scoped_for_commune(queries.scoped(ver), queries.indicators(ver), sources_in(ver, lang),
                                      queries.communes(ver), nis_code, lang)


@shared(16)
def similarity(ver: str, lang: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """``compare.similarity_frame`` (the standardised context indicators of 'communes like this one')."""
    return compare.similarity_frame(queries.all_observations(ver), queries.communes(ver), queries.indicators(ver),
                                    lang)


@shared(256)
def compare_series(ver: str, indicator_id: str, codes: tuple[str, ...], denominator: str) -> pd.DataFrame:
    """``compare.series_frame`` of the chosen communes."""
    population = queries.observations(ver, indicators.POPULATION)
    return compare.series_frame(queries.observations(ver, indicator_id), queries.communes(ver),
                                queries.indicators(ver).loc[indicator_id], list(codes), denominator, population)


@shared(128)
def scatter(ver: str, x_id: str, y_id: str, year_x: int, year_y: int, den_x: str, den_y: str
            ) -> tuple[pd.DataFrame, tuple | None]:
    """``compare.scatter_frame`` of two indicators."""
    inds = queries.indicators(ver)
    return compare.scatter_frame(queries.observations(ver, x_id), queries.observations(ver, y_id), queries.communes(ver),
                                 inds.loc[x_id], inds.loc[y_id], year_x, year_y, den_x=den_x, den_y=den_y,
                                 population=queries.observations(ver, indicators.POPULATION))


@shared(16)
def public_figures(ver: str, ids: tuple[str, ...], lang: str) -> pd.DataFrame:
    """``impact.public_figures`` (regional and organisation-wide figures beside the member ones)."""
    return impact.public_figures(queries.all_observations(ver), queries.scoped(ver), queries.indicators(ver),
                                 sources_in(ver, lang), list(ids), lang, queries.communes(ver))


@shared(4)
def tip_grid(ver: str, codes: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``tips.grid`` of the latest assessments, ``tips.tip_scores``) of the communes ``codes``."""
    latest = tips.latest(queries.history(ver).drop(columns="tip_id"))
    g = tips.grid(latest, queries.criteria(ver), list(codes))
    return g, tips.tip_scores(g, tips.Statuses.from_frame(queries.tip_statuses(ver)))


@shared(4)
def tip_frames(ver: str) -> tuple:
    """(grid, scores, statuses, criteria, history) of the five tips scorecard for the 19 communes: what every
    commune's summary, fiche and deck read (computed once per version, not once per commune)."""
    crit, hist = queries.criteria(ver), queries.history(ver)
    communes = queries.communes(ver)
    codes = tuple(communes.loc[communes["level"] == "commune", "nis_code"])
    g, scores = tip_grid(ver, codes)
    return g, scores, tips.Statuses.from_frame(queries.tip_statuses(ver)), crit, hist


@shared(128)
def member_values(ver: str, indicator_id: str, year: int
                  ) -> tuple[pd.DataFrame, tuple[float | None, str | None, str | None], Quality]:
    """(``impact.commune_frame``, ``impact.region_value``, ``quality.Quality`` of the year's rows — what the
    map shows, the region's included) of a member indicator."""
    obs = queries.observations(ver, indicator_id)
    return (impact.commune_frame(obs, queries.communes(ver), year), impact.region_value(obs, year),
            quality_of(indicators.year_rows(obs, year)))


@shared(128)
def member_table(ver: str, indicator_id: str, year: int, lang: str, value_label: str, unit: str) -> pd.DataFrame:
    """``impact.table_frame`` of a member indicator's commune values."""
    df = member_values(ver, indicator_id, year)[0]
    return impact.table_frame(df, lang, value_label=value_label, unit=unit, sources=sources_in(ver, lang))


@shared(4)
def tip_progress(ver: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """``tips.tip_progress`` of the communes ``codes`` (the overview's five tips chart)."""
    return tips.tip_progress(tip_grid(ver, codes)[0], tips.Statuses.from_frame(queries.tip_statuses(ver)))


@shared(4)
def tip_indicators(ver: str) -> dict[int, str | None]:
    """``map.tip_indicator`` of every tip (what its link opens; no language): tip id -> indicator or None."""
    inds = queries.indicators(ver)
    return {int(t): tip_indicator(inds, t) for t in queries.tips(ver)["tip_id"]}


def tip_links(ver: str, lang: str) -> dict[int, tuple[str, dict]]:
    """``map.tip_link`` of every tip: tip id -> (page, query parameters)."""
    return {t: link_to_indicator(ind, lang) for t, ind in tip_indicators(ver).items()}


@shared(128)
def region_headline(ver: str, indicator_id: str) -> dict | None:
    """``map.headline`` of the region for one indicator (no language)."""
    return headline(queries.observations(ver, indicator_id))


@shared(256)
def headline_of(ver: str, indicator_id: str, lang: str) -> tuple[dict | None, dict]:
    """(``map.headline`` of the region, ``map.headline_texts`` in ``lang``) of one indicator."""
    h = region_headline(ver, indicator_id)
    return h, headline_texts(h, queries.indicators(ver).loc[indicator_id], lang, sources_in(ver, lang))


@shared(64)
def member_years(ver: str, indicator_id: str) -> tuple[list[int], Quality]:
    """(``impact.years_of``, ``quality.Quality`` of all rows) of a member indicator: the year picker and the
    example banner of the Jobs and Re-use pages."""
    obs = queries.observations(ver, indicator_id)
    return impact.years_of(obs), quality_of(obs)


@shared(128)
def member_trend(ver: str, indicator_id: str, nis_code: str) -> pd.DataFrame:
    """``impact.trend_frame`` of a member indicator: the region's series, and the commune's unless
    ``nis_code`` is the region."""
    codes = [] if nis_code == impact.REGION else [nis_code]
    return impact.trend_frame(queries.observations(ver, indicator_id), queries.communes(ver), codes)


@shared(128)
def breakdown(ver: str, kind: str, year: int, nis_code: str) -> tuple[pd.DataFrame, str, Quality]:
    """(the breakdown, the source ids and the ``Quality`` of the site rows it adds up) of ``year`` for a
    commune (every site for the region): ``kind`` 'jobs' by operator category group
    (``impact.breakdown_jobs``), 'streams' by re-use stream in the vocabulary's order
    (``impact.breakdown_streams``)."""
    if kind == "jobs":
        rows = queries.jobs_by_site(ver)
        bd = impact.breakdown_jobs(rows, year, nis_code)
    else:
        rows = queries.flows_by_site(ver)
        bd = impact.breakdown_streams(rows, year, list(queries.reuse_streams(ver)["stream"]), nis_code)
    shown = impact.breakdown_rows(rows, year, nis_code)
    return bd, ";".join(dict.fromkeys(shown["source_id"])), quality_of(shown)


# ------------------------------------------------------------------ the Compare page

@shared(4)
def comparable_ids(ver: str) -> list[str]:
    """``compare.comparable_ids`` of the published indicators."""
    return compare.comparable_ids(queries.indicators(ver))


@shared(256)
def ranking_meta(ver: str, indicator_id: str, year: int, denominator: str, lang: str) -> ChartMeta:
    """The ChartMeta of the Compare page's ranking: the year's rows (the region's too), the communes' sources,
    the region's value in the denominator."""
    ind, obs = queries.indicators(ver).loc[indicator_id], queries.observations(ver, indicator_id)
    region = commune_values(ver, indicator_id, year, denominator)[1]
    return indicators.indicator_meta(ind, lang, rows=indicators.year_rows(obs, year), year=year,
                                     denominator=denominator, sources=sources_in(ver, lang),
                                     source_ids=compare.ranking_source_ids(obs, year), region_value=region)


@shared(256)
def scatter_view(ver: str, x_id: str, y_id: str, denominator: str, lang: str) -> tuple | None:
    """What the Compare page's scatter draws: (year_x, year_y, the frame, the region point, the axes'
    ChartMetas, the same with their publishers only as source); None when an axis has no commune data."""
    inds = queries.indicators(ver)
    ind_x, ind_y = inds.loc[x_id], inds.loc[y_id]
    obs_x, obs_y = queries.observations(ver, x_id), queries.observations(ver, y_id)
    yx, yy = compare.scatter_years(obs_x, obs_y)
    if yx is None or yy is None:
        return None
    den_x, den_y = compare.denominator_for(ind_x, denominator), compare.denominator_for(ind_y, denominator)
    sdf, sregion = scatter(ver, x_id, y_id, yx, yy, den_x, den_y)
    sources = sources_in(ver, lang)
    mx = indicators.indicator_meta(ind_x, lang, rows=indicators.year_rows(obs_x, yx, communes_only=True), year=yx,
                                   denominator=den_x, sources=sources)
    my = indicators.indicator_meta(ind_y, lang, rows=indicators.year_rows(obs_y, yy, communes_only=True), year=yy,
                                   denominator=den_y, sources=sources)
    short_x = mx.replace(source_label=compare.publishers(ind_x, sources))   # the chart footer stays one line
    short_y = my.replace(source_label=compare.publishers(ind_y, sources))
    return yx, yy, sdf, sregion, mx, my, short_x, short_y


@shared(256)
def series_meta(ver: str, indicator_id: str, codes: tuple[str, ...], denominator: str, lang: str) -> ChartMeta:
    """The ChartMeta of the Compare page's series of the chosen communes."""
    ind, obs = queries.indicators(ver).loc[indicator_id], queries.observations(ver, indicator_id)
    return indicators.indicator_meta(ind, lang, rows=compare.series_rows(obs, list(codes)), denominator=denominator,
                                     sources=sources_in(ver, lang),
                                     where=compare.names_list(queries.communes(ver), list(codes), lang))


@shared(64)
def similar_view(ver: str, nis_code: str, lang: str) -> tuple[pd.DataFrame, str]:
    """'Communes like this one': (``compare.similar_table`` as the page shows it — Markdown-escaped, indexed
    by commune — empty when none is found; its caption)."""
    _ = translator(lang)
    frame, labels, years = similarity(ver, lang)
    communes, sources = queries.communes(ver), sources_in(ver, lang)
    similar = compare.similar_communes(frame, nis_code, list(frame.columns), k=5, labels=labels, lang=lang)
    table = pd.DataFrame() if similar.empty else \
        compare.similar_table(similar, communes, lang).map(md).set_index(_("Commune"))   # st.table reads Markdown
    caption = (_("Standardised values (z-scores over the 19 communes), Euclidean distance, latest year of each: "
                 "{years}.", years=compare.years_note(labels, years))
               + " " + _("Source: {source}", source=md(compare.similarity_publishers(labels, queries.indicators(ver),
                                                                                   sources))))
    return table, caption
