"""Frames of the Data & sources page (``views/sources.py``): the indicator catalogue and its search,
an indicator's sources, the last ETL run and the scoped figures. Pure: DataFrames in and out."""
from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pandas as pd

from dashboard.model.indicators import ALL_TOPICS, split_ids, topic_label
from dashboard.model.quality import quality_of, tier_label
from dashboard.text.format import MISSING, fmt_date, fmt_datetime, fmt_number
from dashboard.text.i18n import N_, translator
from dashboard.text.names import both_names
from dashboard.text.plain import WEB_ADDRESS, md, md_link

SUPPLIED_BOUNDARIES = "SRC_BOUNDARIES_SUPPLIED"   # a boundary file given to the build: its name is shown
# the header of a figure's note: the collection's own words (in English), said so in every language
NOTE_HEADER_MSGID = N_("Compiler's note (in English)")


# a source's texts as the pages show them (publisher, title, notes, licence) <- their column in a language
LOCALISED = {"publisher": "publisher_{lang}", "title": "title_{lang}", "notes": "description_{lang}",
             "licence": "licence_{lang}", "reference_date": "reference_date_{lang}"}


def in_language(sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The sources with ``publisher``, ``title``, ``notes`` (the description), ``licence`` and ``reference_date``
    in ``lang`` (the
    catalogue's fr/nl/en texts: the publisher's own title where it publishes in that language, a translation
    otherwise); every page, chart footer, citation and export reads this frame. The compiled texts stay in
    ``*_compiled``."""
    d = sources.copy()
    for col, pattern in LOCALISED.items():
        src = pattern.format(lang=lang)
        if src in d.columns:
            d[f"{col}_compiled"] = d[col]
            d[col] = d[src].where(d[src].notna() & (d[src].astype(str) != ""), d[col] if col != "notes" else "")
    return d


def year_text(year, ref_period, lang: str) -> str:
    """The year of a figure; a span of years ('2021–2025'); or 'undated' (a figure without a date is never
    given a year)."""
    if year is not None and not pd.isna(year):
        return str(int(year))
    period = str(ref_period or "")
    if len(period) == 9 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
        return f"{period[:4]}–{period[5:]}"
    _ = translator(lang)
    return _("undated")


def _sources_text(sources: pd.DataFrame, ids: str, field_sep: str = " — ") -> str:
    out = []
    for sid in split_ids(ids):
        if sid in sources.index:
            s = sources.loc[sid]
            out.append(f"{s['publisher']}{field_sep}{s['title']}")
        else:
            out.append(sid)
    return "; ".join(out)


def _join_field(sources: pd.DataFrame, ids: str, field: str) -> str:
    vals = [str(sources.loc[i, field]) for i in split_ids(ids)
            if i in sources.index and isinstance(sources.loc[i, field], str) and sources.loc[i, field]]
    return "; ".join(dict.fromkeys(vals))


def year_ranges(all_obs: pd.DataFrame) -> pd.DataFrame:
    """indicator_id -> year_min, year_max over the observations."""
    if all_obs.empty:
        return pd.DataFrame(columns=["year_min", "year_max"])
    return all_obs.groupby("indicator_id")["year"].agg(year_min="min", year_max="max")


def catalogue(indicators: pd.DataFrame, sources: pd.DataFrame, all_obs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per indicator, every text in ``lang``; ``indicator_id`` and ``topic`` kept for filtering."""
    _ = translator(lang)
    years = year_ranges(all_obs)
    qualities = {i: quality_of(g) for i, g in all_obs.groupby("indicator_id")} if len(all_obs) else {}
    rows = []
    for ind in indicators.itertuples(index=False):
        ind = ind._asdict()
        iid = ind["indicator_id"]
        if iid in years.index:
            lo, hi = int(years.loc[iid, "year_min"]), int(years.loc[iid, "year_max"])
            covered = str(lo) if lo == hi else f"{lo}–{hi}"
        else:
            covered = MISSING
        rows.append({
            "indicator_id": iid, "topic": ind["topic"],
            "label": ind[f"label_{lang}"], "topic_label": topic_label(ind["topic"], lang),
            "description": ind[f"description_{lang}"], "unit": ind[f"unit_{lang}"],
            "sources": _sources_text(sources, ind["source_ids"]),
            "licence": _join_field(sources, ind["source_ids"], "licence") or MISSING,
            "reference_date": _join_field(sources, ind["source_ids"], "reference_date") or MISSING,
            "years": covered,
            # the quality of the indicator's figures; without any, the tier of its sources in the catalogue
            "quality": (qualities[iid] if iid in qualities else quality_of(ind["quality"])).label(lang),
            "n_communes": int(ind.get("n_communes") or 0),
        })
    return pd.DataFrame(rows)


def filter_catalogue(cat: pd.DataFrame, text: str | None = None, topic: str = ALL_TOPICS) -> pd.DataFrame:
    """Rows of ``topic`` (or all) whose id, label, description, unit or sources contain every word of ``text``."""
    d = cat if topic in (None, "", ALL_TOPICS) else cat[cat["topic"] == topic]
    words = [w for w in (text or "").casefold().split() if w]
    if words:
        hay = (d["indicator_id"] + " " + d["label"] + " " + d["description"] + " " + d["unit"] + " "
               + d["sources"]).str.casefold()
        mask = pd.Series(True, index=d.index)
        for w in words:
            mask &= hay.str.contains(w, regex=False)
        d = d[mask]
    return d.reset_index(drop=True)


def indicator_sources(indicator: pd.Series, sources: pd.DataFrame) -> pd.DataFrame:
    """Every source of one indicator, in catalogue order."""
    ids = [i for i in split_ids(indicator["source_ids"]) if i in sources.index]
    cols = ["source_id", "publisher", "title", "url", "reference_date", "licence", "quality", "notes", "retrieved"]
    if not ids:
        return pd.DataFrame(columns=cols)
    return sources.loc[ids, cols].reset_index(drop=True)


def sources_table(srcs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sources of an indicator for a table: quality translated, a missing licence said so."""
    _ = translator(lang)
    d = srcs.copy()
    d["quality"] = [tier_label(q, lang) for q in d["quality"]]
    d["licence"] = d["licence"].fillna("").replace("", _("not stated"))
    return d[["publisher", "title", "url", "reference_date", "licence", "quality", "notes", "source_id"]]


def source_facts(src, lang: str) -> list[tuple[str, str]]:
    """(label, markdown) lines describing one source (a row of ``indicator_sources``): its link, reference
    date, licence, quality, notes and id; every text escaped (``plain.md``), the address the one live link."""
    _ = translator(lang)
    facts = []
    if isinstance(src.url, str) and WEB_ADDRESS.fullmatch(src.url):
        facts.append(("URL", md_link(src.url, src.url)))      # the source's own address, meant as a link
    facts.append((_("Reference date"), md(src.reference_date) or "—"))
    facts.append((_("Licence"), md(src.licence) or _("not stated")))
    facts.append((_("Quality"), tier_label(src.quality, lang)))
    if isinstance(src.notes, str) and src.notes:
        facts.append((_("Description"), md(src.notes)))
    facts.append((_("Source id"), md(src.source_id)))
    return facts


def scoped_count(scoped: pd.DataFrame, indicator_id: str) -> int:
    return int((scoped["indicator_id"] == indicator_id).sum()) if not scoped.empty else 0


def run_summary(run: pd.DataFrame, lang: str) -> dict | None:
    """The last ETL run as display strings (None when the database has no run)."""
    if run is None or run.empty:
        return None
    _ = translator(lang)
    r = run.iloc[0]
    status = {"ok": _("Succeeded"), "failed": _("Failed")}.get(r["status"], str(r["status"]))
    return {"when": fmt_datetime(r["finished_at"], lang), "started": fmt_datetime(r["started_at"], lang),
            "status": status, "ok": r["status"] == "ok", "message": r["message"],
            "boundaries": file_name_only(r["boundaries"]),
            "with_example": bool(r.get("with_example", False)), "run_id": r["run_id"],
            "example_members": r.get("example_members") or "off",
            "example_assessments": r.get("example_assessments") or "off"}


EXAMPLE_PART_MSGIDS = {
    ("included", "members"): N_("included (no real member file yet); marked as example everywhere"),
    ("left_out", "members"): N_("left out: real member data is loaded, and the two are never mixed"),
    ("off", "members"): N_("none"),
    ("included", "assessments"): N_("included (no real assessment yet); marked as example everywhere"),
    ("left_out", "assessments"): N_("left out: real assessments exist, and the two never share a score"),
    ("off", "assessments"): N_("none"),
}


def example_part_text(what: str, part: str, lang: str) -> str:
    """What became of an example part in the last build, in the interface language."""
    msgid = EXAMPLE_PART_MSGIDS.get((what, part))
    return translator(lang)(msgid) if msgid else str(what)


def file_name_only(path) -> str:
    """A path recorded by the build, shown without the server's folders ('' when none)."""
    if not isinstance(path, str) or not path:
        return ""
    return PureWindowsPath(PurePosixPath(path).name).name


def run_inputs(inputs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Input files with counts formatted per language and a shortened sha256 (12 hex digits)."""
    d = inputs.copy()
    # paths inside the project as recorded (data/…); a file from elsewhere by its name only
    d["path"] = [p if isinstance(p, str) and not p.startswith(("/", "\\")) and ":" not in p[:3]
                 else file_name_only(p) for p in d["path"]]
    d["sha256"] = d["sha256"].str[:12] + "…"
    d["rows_read"] = [fmt_number(v, lang) for v in d["rows_read"]]
    d["bytes"] = [fmt_number(v, lang) for v in d["bytes"]]
    return d[["path", "kind", "rows_read", "bytes", "sha256"]]


def boundary_attribution(geometry_sources: pd.DataFrame, sources: pd.DataFrame) -> str:
    """What every geographic map says about its boundaries: '<publisher>, <title>' of the boundaries' source
    ('Statbel (DG Statistique – Statistics Belgium), statistical sectors 01/01/2025; …'); a file given to the
    build is named. '' without boundaries. ``sources`` in the interface language (``in_language``)."""
    parts = []
    for sid, file in zip(geometry_sources.get("source_id", []), geometry_sources.get("source_file", [])):
        if sid not in sources.index:
            parts.append(str(file))
            continue
        s = sources.loc[sid]
        if sid == SUPPLIED_BOUNDARIES:
            parts.append(f"{s['title']} ({str(file).rsplit('/', 1)[-1]})")
        else:
            parts.append(f"{s['publisher']}, {s['title']}")
    return "; ".join(dict.fromkeys(parts))


def scope_text(scope: str, communes: pd.DataFrame, lang: str, label: str | None = None) -> str:
    """What a scoped figure covers in ``lang``: its scope's label (the ``scope`` vocabulary, ``label``); a
    commune (its code or one of its names) as both its names; otherwise the scope as stored."""
    if isinstance(label, str) and label:
        return label
    if isinstance(scope, str) and scope:
        by_code = communes.set_index("nis_code")
        if scope in by_code.index:
            return both_names(by_code.loc[scope], lang)
        for row in communes.itertuples():
            if scope.lower() in {str(row.name_fr).lower(), str(row.name_nl).lower(), str(row.name_en).lower()}:
                return both_names(row, lang)
    return scope


def scope_texts(scoped: pd.DataFrame, communes: pd.DataFrame, lang: str) -> list[str]:
    """``scope_text`` of every row of ``queries.scoped`` (which carries the scope labels per language)."""
    labels = scoped[f"scope_{lang}"] if f"scope_{lang}" in scoped else [None] * len(scoped)
    return [scope_text(s, communes, lang, lab) for s, lab in zip(scoped["scope"], labels)]


def value_text(value, decimals: int, lang: str) -> str:
    """A figure in the interface language with the indicator's decimals, more (up to 2) if it needs them."""
    if value is None or pd.isna(value):
        return MISSING
    decimals = int(decimals or 0)
    while decimals < 2 and round(float(value), decimals) != round(float(value), 6):
        decimals += 1
    return fmt_number(value, lang, decimals)


def scoped_table(scoped: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame, communes: pd.DataFrame,
                 lang: str) -> pd.DataFrame:
    """Scoped figures for display: scope, indicator, year (or period), value, unit, source, quality, note."""
    _ = translator(lang)
    cols = ["scope", "indicator", "year", "value", "unit", "source", "quality", "note"]
    if scoped.empty:
        return pd.DataFrame(columns=cols)
    ind = indicators.set_index("indicator_id", drop=False) if indicators.index.name != "indicator_id" else indicators
    d = pd.DataFrame({
        "scope": scope_texts(scoped, communes, lang),
        "indicator": [ind.loc[i, f"label_{lang}"] if i in ind.index else i for i in scoped["indicator_id"]],
        "year": [year_text(y, p, lang) for y, p in zip(scoped["year"], scoped["ref_period"])],
        "value": [value_text(v, ind.loc[i, "decimals"] if i in ind.index else 0, lang)
                  for v, i in zip(scoped["value"], scoped["indicator_id"])],
        "unit": [ind.loc[i, f"unit_{lang}"] if i in ind.index else "" for i in scoped["indicator_id"]],
        "source": [_sources_text(sources, s if isinstance(s, str) else f) for s, f in
                   zip(scoped["source_ids"], scoped["source_id"])],
        "quality": [tier_label(q, lang) for q in scoped["quality"]],
        "note": [compiled_note(n, p) for n, p in zip(scoped["note"], scoped["ref_period"])],
    })
    return d[cols]


def compiled_note(note, ref_period) -> str:
    """The compiler's note of a figure with its reference period as written ('2023-12 (end of month) · …'):
    the collection's own words, in English, shown under a header that says so."""
    parts = [str(p) for p in (ref_period, note) if isinstance(p, str) and p]
    return " · ".join(dict.fromkeys(parts))


def file_name(what: str, lang: str, ext: str, example: bool = False) -> str:
    """'bsim_<what>_<lang>.csv'; '_EXAMPLE' before the extension when the file holds example rows."""
    safe = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in what)
    return f"bsim_{safe}_{lang}{'_EXAMPLE' if example else ''}.{ext}"


def provenance_table(prov: pd.DataFrame, communes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Who reported each reviewed input, when it was submitted and approved, and what it covers (no e-mail)."""
    _ = translator(lang)
    cols = ["organisation", "what", "communes", "years", "rows", "submitted", "approved"]
    if prov.empty:
        return pd.DataFrame(columns=cols)
    names = communes.set_index("nis_code")
    kinds = {"members": _("member data"), "assessments": _("five-tips assessments")}

    def places(codes) -> str:
        codes = [c for c in str(codes or "").split(";") if c]
        return ", ".join(both_names(names.loc[c], lang) if c in names.index else c for c in codes) or MISSING

    def years(lo, hi) -> str:
        if pd.isna(lo):
            return MISSING
        return str(int(lo)) if lo == hi else f"{int(lo)}–{int(hi)}"

    return pd.DataFrame({
        "organisation": [o or _("the federation's editors") for o in prov["organisation"]],
        "what": [kinds.get(k, k) for k in prov["kind"]],
        "communes": [places(c) for c in prov["communes"]],
        "years": [years(a, b) for a, b in zip(prov["year_min"], prov["year_max"])],
        "rows": [fmt_number(n, lang) for n in prov["n_rows"]],
        "submitted": [fmt_date(t, lang) for t in prov["submitted_at"]],
        "approved": [fmt_date(t, lang) for t in prov["approved_at"]],
    })[cols]
