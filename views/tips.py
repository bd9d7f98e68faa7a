"""Five tips scorecard: 19 communes × 5 tips, small maps, commune detail, what changed."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts.scorecard import score_tile_map
from dashboard.data import queries
from dashboard.model import commune as cv
from dashboard.model import memo
from dashboard.model import tips as tv
from dashboard.model.quality import quality_of
from dashboard.text.format import fmt_date
from dashboard.text.plain import md
from dashboard.ui import chart, frames, state
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Five tips scorecard"))
st.markdown(_("The action plan asks each commune and its CPAS/OCMW five things. For each tip we judge 3 to 5 "
              "concrete criteria, each with a dated status — none, committed, in progress or done — and the "
              "evidence behind it. Where no public evidence exists the status is **unknown**: never guessed."))

criteria = queries.criteria(ctx.ver)
history = queries.history(ctx.ver)
tips = queries.tips(ctx.ver)
communes = ctx.communes[ctx.communes["level"] == "commune"]
codes = communes["nis_code"].tolist()
g, scores = memo.tip_grid(ctx.ver, tuple(codes))
statuses = tv.Statuses.from_frame(queries.tip_statuses(ctx.ver))
if quality_of(history).is_example:
    st.warning(_("EXAMPLE DATA: part of these assessments are illustrative examples (marked “example”), not real "
                 "assessments. Real assessments come from public sources, each linked."))

with st.expander(_("How the scores are computed")):
    st.markdown(_(
        "For each commune and tip, over the tip's criteria (each with a weight):\n\n"
        "- **Action score** = weighted share of criteria with a known status that are *done* (counts 1) or "
        "*in progress* (counts ½).\n"
        "- **Commitment score** = weighted share of criteria with a known status that are at least *committed* "
        "(committed, in progress or done). Commitments and action are shown apart.\n"
        "- **Coverage** = share of the weight whose status is known. Unknown criteria count neither for nor "
        "against; with no known criterion the score is unknown (empty), never 0.\n\n"
        "Real assessments come from dated public evidence (the year of the evidence, dated 1 July); the latest "
        "assessment of each criterion counts."))

tip_title = {int(r.tip_id): r[f"title_{lang}"] for _i, r in tips.iterrows()}
tip_short = {t: _("Tip {n}", n=t) for t in tip_title}

# ------------------------------------------------------------------ grid
st.header(_("Scores per commune and tip"))
score_names = {"action": _("Action score"), "commitment": _("Commitment score"), "coverage": _("Coverage")}
score = state.select(_("Score shown"), list(tv.SCORES), "score", "action", format_func=score_names.get,
                     widget=st.segmented_control)
score = score or "action"
table = tv.score_table(scores, communes, score, tip_short, (_("Commune (fr)"), _("Commune (nl)")))
event = frames.dataframe(
    tv.grid_display(table, list(tip_short.values())), hide_index=True, key="grid", on_select="rerun",
    selection_mode="single-row",
    column_order=[c for c in table.columns if c != "nis_code"],
    column_config={tip_short[t]: st.column_config.Column(tip_short[t], help=md(tip_title[t])) for t in tip_short},
)
st.caption(_("{score} in %, latest assessment of each criterion. — = unknown (no known criterion). "
             "Click a row to see the commune below; click a column header to sort.", score=score_names[score])
           + " " + " · ".join(f"{tip_short[t]}: {md(tip_title[t])}" for t in tip_short))
rows = event.selection.rows if event and event.selection else []
if rows:
    state.choose("commune", table.iloc[rows[0]]["nis_code"])

# ------------------------------------------------------------------ small maps
st.header(_("Maps per tip"))
sources_line = _("Sources: public evidence per criterion (see the commune detail)")
ordered = sorted(tip_title)
for start in range(0, len(ordered), 3):   # row by row: a phone stacks them in the tips' order
    for col, t in zip(st.columns(3), ordered[start:start + 3]):
        vals, quality = tv.tip_values(scores, communes, t, score)
        fig = chart.figure(score_tile_map, vals, ctx.tiles, lang=lang, _=_,
                           title=f"{tip_short[t]} — {score_names[score]}",
                           footer=" · ".join(p for p in (_("Unit: {unit}", unit="%"), quality.label(lang)) if p),
                           quality=quality)
        with col:
            chart.show(fig, key=f"map_tip{t}")
st.caption(sources_line)

# ------------------------------------------------------------------ commune detail
# a fragment: choosing another commune reruns this block only (the grid and the maps do not change)
@st.fragment
def commune_detail() -> None:
    st.header(_("Commune detail"))
    commune = state.select(_("Commune"), codes, "commune", codes[0], format_func=ctx.both_names)
    detail = tv.commune_criteria(g, commune, criteria, ctx.sources, statuses, lang, _)
    sc = scores[scores["nis_code"] == commune].set_index("tip_id")
    for t in sorted(tip_title):
        st.subheader(f"{tip_short[t]} — {md(tip_title[t])}")
        s = sc.loc[t]
        m1, m2, m3 = st.columns(3)
        pct = (lambda v: "—" if pd.isna(v) else f"{v * 100:.0f} %")
        m1.metric(_("Action score"), pct(s["action"]))
        m2.metric(_("Commitment score"), pct(s["commitment"]))
        m3.metric(_("Coverage"), pct(s["coverage"]),
                  help=_("{k} of {n} criteria with a known status", k=int(s["n_known"]), n=int(s["n_criteria"])))
        order = ["Criterion", "Status", "Committed", "Done", "Assessed on", "Evidence", "Source", "Quality",
                 "Before", "Responsible level", "Note", "How it is judged"]
        context_ids = cv.key_indicator_ids(ctx.indicators, ctx.shown(f"tip{t}_context"))
        if context_ids:   # public figures that explain the tip in this commune (data/catalog/display.csv)
            kf = memo.key_figures(ctx.ver, commune, tuple(context_ids))
            st.markdown("  \n".join(f"**{md(c['label_full'])}**: {md(c['value'])} · {md(c['caption'])}" for c in
                                     cv.key_figure_cards(kf, ctx.indicators, ctx.sources, lang)),
                        help=_("Public figures shown as context of the tip; they do not enter its scores."))
        frames.dataframe(tv.tip_detail(detail, t), hide_index=True, key=f"detail_{t}",
                         column_order=[_(c) for c in order], column_config={
            _("Evidence"): st.column_config.LinkColumn(_("Evidence"), display_text=_("open")),
            _("Committed"): st.column_config.CheckboxColumn(_("Committed"), help=_("committed, in progress or done")),
            _("Done"): st.column_config.CheckboxColumn(_("Done")),
        })
    if quality_of(list(sc["quality"])).is_example:
        st.caption(_("Rows of quality “example” are illustrative, not real assessments."))


commune_detail()

# ------------------------------------------------------------------ what changed
st.header(_("What changed"))
dates = tv.rounds(history)
if not dates:
    st.info(_("No assessments yet."))
else:
    since = state.select(_("Since the assessment round of"), dates[1:] or dates, "from",
                         tv.default_since(dates), format_func=lambda d: fmt_date(d, lang),
                         cast=lambda s: pd.Timestamp(s).date())
    ch = tv.changes_since(history, since, statuses)
    if ch.empty:
        st.info(_("No change since then."))
    else:
        frames.dataframe(tv.changes_table(ch, criteria, ctx.communes, tip_short, statuses, lang, _), hide_index=True, key="changes",
                     column_config={_("Evidence"): st.column_config.LinkColumn(_("Evidence"), display_text=_("open"))})
        st.caption(_("{n} assessments after {date}.", n=len(ch), date=fmt_date(since, lang)))
