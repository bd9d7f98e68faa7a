"""Consistency checks for the hand-written catalog files in data/catalog/ (standard library only)."""
from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT / "data" / "raw" / "facts"
CATALOG = ROOT / "data" / "catalog"

FACT_FILES = [
    "additions_2026_12", "census2021", "childcare", "context_economy", "income", "labour",
    "policy_evidence", "population", "social_assistance", "social_economy", "waste_reuse",
]
INDICATOR_COLUMNS = (
    "indicator_id,topic,theme,unit_id,decimals,direction,kind,denominators,definition,"
    "label_fr,label_nl,label_en,description_fr,description_nl,description_en,source_ids,quality,sort_order"
).split(",")
OPTIONAL = {"denominators", "definition"}
TOPICS = {"tip1", "tip2", "tip3", "tip4", "tip5", "context"}
KINDS = {"count", "rate", "amount", "average", "flag"}
DIRECTIONS = {"higher_better", "lower_better", "neutral"}
QUALITIES = {"official", "reported"}
DENOMINATORS = {"population", "area", "households"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def aliases() -> dict[str, dict[str, str]]:
    return {r["fact_indicator"]: r for r in read(CATALOG / "fact_aliases.csv")}


def fact_rows() -> list[dict[str, str]]:
    """Every fact row, its indicator as the build loads it (an alias replaced by the catalogued id; the
    fact file's own name kept in ``fact_indicator``)."""
    rows = []
    alias = aliases()
    for name in FACT_FILES:
        for r in read(FACTS / f"{name}.csv"):
            r["fact_indicator"] = r["indicator"]
            r["indicator"] = alias[r["indicator"]]["indicator_id"] if r["indicator"] in alias else r["indicator"]
            rows.append(r)
    return rows


def source_ids() -> set[str]:
    return {r["source_id"] for path in sorted(FACTS.glob("sources*.csv")) for r in read(path)}


def indicators() -> dict[str, dict[str, str]]:
    return {r["indicator_id"]: r for path in sorted(CATALOG.glob("indicators*.csv")) for r in read(path)
            if not path.name.startswith("indicators_members")}


def test_every_fact_file_is_checked_here():
    from etl.sources.facts import fact_files
    assert sorted(p.stem for p in fact_files(ROOT / "data")) == FACT_FILES


def test_aliases_point_at_catalogued_indicators():
    for name, r in aliases().items():
        assert name not in indicators(), name
        assert r["indicator_id"] in indicators(), name
        assert float(r["factor"]) > 0 and r["reason"].strip(), name


def test_indicator_columns_exact():
    for path in sorted(CATALOG.glob("indicators*.csv")):
        assert header(path) == INDICATOR_COLUMNS, path.name


def test_indicator_ids_unique():
    ids = [r["indicator_id"] for path in sorted(CATALOG.glob("indicators*.csv")) for r in read(path)]
    assert len(ids) == len(set(ids))


def test_every_fact_indicator_is_catalogued():
    used = {r["indicator"] for r in fact_rows()}
    missing = used - set(indicators())
    assert not missing, sorted(missing)


def test_no_orphan_indicators():
    used = {r["indicator"] for r in fact_rows()}
    extra = set(indicators()) - used
    assert not extra, sorted(extra)


def test_required_fields_filled():
    for iid, r in indicators().items():
        empty = [c for c in INDICATOR_COLUMNS if c not in OPTIONAL and not (r[c] or "").strip()]
        assert not empty, (iid, empty)


def test_allowed_values():
    for iid, r in indicators().items():
        assert r["topic"] in TOPICS, iid
        assert r["kind"] in KINDS, iid
        assert r["direction"] in DIRECTIONS, iid
        assert r["quality"] in QUALITIES, iid
        assert 0 <= int(r["decimals"]) <= 4, iid
        int(r["sort_order"])
        if r["denominators"]:
            assert set(r["denominators"].split(";")) <= DENOMINATORS, iid
        for lang in ("fr", "nl", "en"):
            assert len(r[f"label_{lang}"]) <= 60, (iid, lang)


def test_units_exist_and_are_complete():
    units = {r["unit_id"]: r for r in read(CATALOG / "units.csv")}
    for r in units.values():
        assert all(r[f"label_{lang}"].strip() for lang in ("fr", "nl", "en")), r["unit_id"]
    for iid, r in indicators().items():
        assert r["unit_id"] in units, (iid, r["unit_id"])
    unit_map = {r["fact_unit"]: r["unit_id"] for r in read(CATALOG / "unit_map.csv")}
    assert set(unit_map.values()) <= set(units)
    for needed in ("per_1000_inhabitants", "per_km2", "percent_share", "eur_per_inhabitant", "kg_per_inhabitant",
                   "tonnes_per_1000_inhabitants", "jobs_per_1000_inhabitants", "jobs_per_1000_unemployed",
                   "t_co2e", "operators", "fte", "jobs"):
        assert needed in units, needed


def test_every_fact_unit_is_mapped_consistently():
    unit_map = {r["fact_unit"]: r["unit_id"] for r in read(CATALOG / "unit_map.csv")}
    ind = indicators()
    alias = aliases()
    for r in fact_rows():
        if r["fact_indicator"] in alias:
            assert r["unit"] == alias[r["fact_indicator"]]["fact_unit"], (r["fact_indicator"], r["unit"])
            continue
        assert r["unit"] in unit_map, r["unit"]
        assert unit_map[r["unit"]] == ind[r["indicator"]]["unit_id"], (r["indicator"], r["unit"])


def test_indicator_sources_exist_and_match_facts():
    known = source_ids()
    used: dict[str, set[str]] = {}
    for r in fact_rows():
        used.setdefault(r["indicator"], set()).update(s.strip() for s in r["source_id"].split(";") if s.strip())
    for iid, r in indicators().items():
        ids = set(r["source_ids"].split(";"))
        assert ids <= known, (iid, ids - known)
        assert ids == used[iid], iid


def test_source_quality_covers_all_sources():
    rows = read(CATALOG / "source_quality.csv")
    ids = [r["source_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == source_ids()
    assert all(r["quality"] in QUALITIES for r in rows)


def test_indicator_quality_follows_sources():
    quality = {r["source_id"]: r["quality"] for r in read(CATALOG / "source_quality.csv")}
    for iid, r in indicators().items():
        expected = "official" if all(quality[s] == "official" for s in r["source_ids"].split(";")) else "reported"
        assert r["quality"] == expected, iid


def test_tips_complete():
    tips = {r["tip_id"]: r for r in read(CATALOG / "tips.csv")}
    assert set(tips) == {str(i) for i in range(1, 6)}
    for tid, r in tips.items():
        for lang in ("fr", "nl", "en"):
            assert r[f"title_{lang}"].strip() and len(r[f"title_{lang}"]) <= 60, (tid, lang)
            assert r[f"summary_{lang}"].strip(), (tid, lang)


# ----------------------------------------------------------------------------- every word in the reader's language

def test_every_source_has_its_texts_in_fr_nl_en():
    """Every source of raw/facts/sources*.csv and catalog/sources_extra*.csv has a row of source_texts*.csv
    with publisher and title in the three languages, a description in the three when it has notes, a
    reference date in the three when it has one, and a licence stated in the three."""
    compiled = {r["source_id"]: r for path in sorted(FACTS.glob("sources*.csv")) + sorted(CATALOG.glob("sources_extra*.csv"))
                for r in read(path)}
    texts = {r["source_id"]: r for path in sorted(CATALOG.glob("source_texts*.csv")) for r in read(path)}
    licences = {r["licence_id"]: r for r in read(CATALOG / "licences.csv")}
    assert set(texts) == set(compiled)
    for sid, r in texts.items():
        for lang in ("fr", "nl", "en"):
            assert r[f"publisher_{lang}"].strip() and r[f"title_{lang}"].strip(), (sid, lang)
            if compiled[sid]["notes"].strip():
                assert r[f"description_{lang}"].strip(), (sid, lang)
            if compiled[sid]["reference_date"].strip():
                assert r[f"reference_date_{lang}"].strip(), (sid, lang)
            assert licences[r["licence_id"]][f"label_{lang}"].strip(), (sid, lang)
        # a translated description is a translation, not the English copied over
        if r["description_en"]:
            assert r["description_fr"] != r["description_en"] and r["description_nl"] != r["description_en"], sid
        assert r["own_language"] in ("", "fr", "nl", "en"), sid


def test_licences_are_stated_not_left_to_check():
    """The licence of each source is stated: no 'verify', 'not checked' or 'check the terms' in any language."""
    for r in read(CATALOG / "licences.csv"):
        for lang in ("fr", "nl", "en"):
            text = r[f"label_{lang}"].lower()
            assert not any(w in text for w in ("verify", "not checked", "vérifier", "controleren", "nagaan")), r
    # sources transcribed from a third-party copy of official open data say so, naming the producer
    texts = {r["source_id"]: r for r in read(CATALOG / "source_texts.csv")}
    for sid in ("SRC_STATBEL_POP", "SRC_STATBEL_FISC", "SRC_STATBEL_CENSUS2021", "SRC_STATBEL_VEST", "SRC_ONEM_RATES"):
        r = texts[sid]
        assert "third-party copy" in r["description_en"] and "producer" in r["description_en"], sid
        assert "copie tierce" in r["description_fr"] and "kopie door derden" in r["description_nl"], sid


def test_every_scope_and_vocabulary_row_is_labelled_in_fr_nl_en():
    for name in ("scopes.csv", "units.csv", "tip_statuses.csv", "reuse_streams.csv"):
        for r in read(CATALOG / name):
            assert all(r[f"label_{lang}"].strip() for lang in ("fr", "nl", "en")), (name, r)
    scope_ids = {r["scope_id"] for r in read(CATALOG / "scopes.csv")}
    assert {r["scope_id"] for r in read(CATALOG / "scope_rules.csv")} <= scope_ids
    for iid, r in indicators().items():
        assert r["description_fr"] != r["description_en"] and r["description_nl"] != r["description_en"], iid
