"""Download buttons and the bytes behind them: a commune's fiche (PDF) and deck (PPTX), computed only when
clicked; the Data & sources page's CSV / XLSX files, built once per database version, indicator and
language (``st.cache_data``); and ``csv_buttons``, the standard CSV beside the Belgian Excel one wherever
a CSV is offered."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.data import queries
from dashboard.exports import tables
from dashboard.exports.bundle import bundle_quality
from dashboard.exports.deck import commune_deck_pptx
from dashboard.exports.fiche import commune_fiche_pdf, fiche_file_name
from dashboard.model.indicators import split_ids
from dashboard.model.memo import sources_in
from dashboard.model.quality import quality_of
from dashboard.text.format import MISSING, fmt_datetime
from dashboard.text.i18n import translator


def _data_date(ver: str, lang: str) -> str:
    run, _inputs = queries.last_run(ver)
    return fmt_datetime(run["finished_at"].iloc[0], lang) if len(run) else MISSING


def _indicator_frame(ver: str, indicator_id: str, lang: str) -> pd.DataFrame:
    ind = queries.indicators(ver)
    return tables.observations_frame(queries.observations(ver, indicator_id), ind.loc[[indicator_id]],
                                     queries.communes(ver), sources_in(ver, lang), lang)


def _everything_frames(ver: str, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    ind, src = queries.indicators(ver), sources_in(ver, lang)
    obs = tables.observations_frame(queries.all_observations(ver), ind, queries.communes(ver), src, lang)
    sc = tables.scoped_frame(queries.scoped(ver), ind, src, queries.communes(ver), lang)
    return obs, sc


def _csv(frame: pd.DataFrame, excel_be: bool) -> bytes:
    return tables.to_csv_be(frame) if excel_be else tables.to_csv(frame)


@st.cache_data(max_entries=32, show_spinner=False)
def indicator_is_example(ver: str, indicator_id: str) -> bool:
    """The indicator's rows include example data (its files are named and marked so)."""
    return quality_of(queries.observations(ver, indicator_id)).is_example


@st.cache_data(max_entries=4, show_spinner=False)
def everything_is_example(ver: str) -> bool:
    return quality_of(queries.all_observations(ver), queries.scoped(ver)).is_example


@st.cache_data(max_entries=32, show_spinner=False)
def indicator_csv(ver: str, indicator_id: str, lang: str, excel_be: bool = False) -> bytes:
    return _csv(_indicator_frame(ver, indicator_id, lang), excel_be)


@st.cache_data(max_entries=32, show_spinner=False)
def indicator_xlsx(ver: str, indicator_id: str, lang: str) -> bytes:
    d = _indicator_frame(ver, indicator_id, lang)
    ind = queries.indicators(ver).loc[indicator_id]
    about = tables.about_rows(lang, title=f"{ind[f'label_{lang}']} ({indicator_id})",
                              data_date=_data_date(ver, lang), sources=sources_in(ver, lang),
                              source_ids=tables.used_source_ids(d) or split_ids(ind["source_ids"]),
                              example=quality_of(d).is_example,
                              extra=[[translator(lang)("Definition"), ind[f"description_{lang}"]]])
    return tables.to_xlsx({"Data": d}, about)


@st.cache_data(max_entries=6, show_spinner=False)
def everything_csv(ver: str, lang: str, excel_be: bool = False) -> bytes:
    obs, sc = _everything_frames(ver, lang)
    return _csv(tables.everything_frame(obs, sc), excel_be)


@st.cache_data(max_entries=6, show_spinner=False)
def everything_xlsx(ver: str, lang: str) -> bytes:
    _ = translator(lang)
    obs, sc = _everything_frames(ver, lang)
    about = tables.about_rows(lang, title=_("Brussels Social Impact Monitor — all data"),
                              data_date=_data_date(ver, lang), sources=sources_in(ver, lang),
                              source_ids=tables.used_source_ids(obs, sc), example=quality_of(obs, sc).is_example)
    return tables.to_xlsx({"Observations": obs, "Scoped figures": sc}, about)


def commune_export_buttons(ver: str, nis_code: str, lang: str, url: str = "", key: str = "commune_export") -> None:
    """Two download buttons (fiche PDF, PowerPoint deck), computed only when clicked."""
    _ = translator(lang)
    example = bundle_quality(ver, nis_code, lang).is_example
    row = st.container(horizontal=True)    # one block for the two buttons, not a row and two columns
    row.download_button(_("Commune fiche (PDF)"), data=partial(commune_fiche_pdf, ver, nis_code, lang, url),
                        file_name=fiche_file_name(None, nis_code, lang, "pdf", example), mime="application/pdf",
                        on_click="ignore", key=f"{key}_pdf", icon=":material/picture_as_pdf:")
    row.download_button(_("Slides (PowerPoint)"), data=partial(commune_deck_pptx, ver, nis_code, lang, url),
                        file_name=fiche_file_name(None, nis_code, lang, "pptx", example),
                        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        on_click="ignore", key=f"{key}_pptx", icon=":material/slideshow:")


def csv_buttons(data: pd.DataFrame | Callable[[bool], bytes], file_name: str, *, key: str, lang: str,
                width: str = "content") -> None:
    """Two download buttons: the standard CSV and the Belgian Excel one (``;``, decimal comma, BOM).
    ``data`` is a frame, or a callable ``excel_be -> bytes``; either is written only when its button is
    clicked, never on a rerun."""
    _ = translator(lang)
    if isinstance(data, pd.DataFrame):
        standard, belgian = partial(tables.to_csv, data), partial(tables.to_csv_be, data)
    else:
        standard, belgian = partial(data, False), partial(data, True)
    st.download_button(_("Download CSV"), data=standard, file_name=file_name, mime="text/csv", key=key,
                       on_click="ignore", icon=":material/download:", width=width,
                       help=_("UTF-8, comma-separated, decimal point: for scripts and most tools."))
    st.download_button(_("CSV for Excel (Belgium)"), data=belgian, file_name=tables.be_file_name(file_name),
                       mime="text/csv", key=f"{key}_be", on_click="ignore", icon=":material/table_view:",
                       width=width, help=_("Semicolons and decimal commas, UTF-8 with a byte-order mark: Excel in "
                                           "French or Dutch (Belgium) opens it as it is, accents included."))
