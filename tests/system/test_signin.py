"""Sign-in as its users do it: a real OpenID Connect provider on loopback (``oidc-provider-mock``, its own
process), a real ``streamlit run`` configured against it (``--secrets.files`` in a temporary folder, never the
repository's ``.streamlit/``), and Chromium driven through the provider's sign-in form.

An editor opens the editor URL (not found while signed out), signs in at the provider, comes back, uploads a
file, reads the report and the preview, approves, publishes (a separate process the page polls), finds the
figure on the public pages and signs out. A user not on the allow-list, an unverified e-mail (false or
missing), a forged, tampered or expired cookie, and a sign-in older than the session limit are refused.
Screenshots go to ``$BSIM_SCREENSHOTS`` (default: the test's tmp dir).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from unittest import mock

import pytest

from tests.conftest import ROOT
from tests.support.browser import guarded_context
from tests.support.browser_server import CHROMIUM, free_port, streamlit_server
from tests.support.oidc import oidc_provider, write_secrets

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("authlib")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py
EDITOR = "editor@federation.example"
USERS = [
    {"sub": EDITOR, "email": EDITOR, "email_verified": True, "name": "Federation Editor"},
    {"sub": "unverified@federation.example", "email": "unverified@federation.example", "email_verified": False},
    {"sub": "stranger@elsewhere.example", "email": "stranger@elsewhere.example", "email_verified": True},
]
TYPED = "typed@federation.example"      # typed in the provider's form: its claims carry no email_verified
ACCESS = "".join(f'[users."{e}"]\nrole = "editor"\n\n' for e in (EDITOR, "unverified@federation.example", TYPED))
ROUND = (b"nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
         b"21002,t4_plan,2025-03-01,committed,https://www.auderghem.be/plan-social,council decision of March\n")
COOKIE = "_streamlit_user"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(app URL, provider URL, cookie secret, data folder): the provider, the app, a private data copy."""
    root = tmp_path_factory.mktemp("signin")
    data = root / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("archive", "assessments", "private", "*.wal",
                                                                      ".build-*", "*.duckdb", "etl_runs.jsonl"))
    shutil.copy(DB, data / "impact.duckdb")
    (data / "private").mkdir()
    (data / "private" / "access.toml").write_text(ACCESS, encoding="utf-8")
    cookie_secret = secrets.token_urlsafe(32)
    with oidc_provider(USERS) as idp:
        port = free_port()
        conf = root / "conf"
        conf.mkdir()
        path = write_secrets(conf, idp, port, cookie_secret)
        env = {"BSIM_DATA": str(data), "BSIM_ACCESS": "", "BSIM_EDITORS": "", "NO_PROXY": "127.0.0.1,localhost"}
        with streamlit_server(data / "impact.duckdb", port=port, args=("--secrets.files", str(path)), env=env) as base:
            yield base, idp, cookie_secret, data


@pytest.fixture()
def page(browser, site):
    # the provider's own test pages link a stylesheet on a CDN: refused like any request off loopback, but the
    # product's pages must ask nothing of the outside
    context = guarded_context(browser, locale="en-GB", foreign_frames=site[1])
    pg = context.new_page()
    pg.set_default_timeout(180_000)   # a hang guard, not a speed bound: CI machines are often busy
    try:
        yield pg
    finally:
        context.close()
    assert not context.outside, f"requests left loopback: {context.outside[:5]}"


def shot(pg, tmp_path, name: str) -> None:
    d = Path(os.environ.get("BSIM_SCREENSHOTS", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(d / f"signin_{name}.png"), full_page=True)


def ready(pg) -> None:
    for _ in range(2):
        pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=180_000)
        pg.wait_for_timeout(500)


def close_dialog(pg) -> None:
    if pg.get_by_role("dialog").count():
        pg.get_by_role("dialog").get_by_role("button").first.click()
        pg.wait_for_timeout(300)


def sidebar(pg):
    return pg.locator("[data-testid='stSidebar']")


def main(pg):
    return pg.locator("[data-testid='stMain']")


def nav_link(pg, url_path: str):
    """The sidebar navigation's link to a page."""
    return sidebar(pg).locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']")


def sign_in(pg, site, who: str | None = None, typed: str | None = None) -> None:
    """From the page in front of the user: the sidebar's sign-in, the provider's form, back to the app."""
    base, idp, _secret, _data = site
    close_dialog(pg)
    sidebar(pg).get_by_role("button", name="Sign in (editors and members)").click()
    pg.wait_for_url(re.compile("^" + re.escape(idp) + r"/oauth2/authorize"), timeout=120_000)
    assert pg.get_by_role("heading", name="Authorize Client").is_visible()
    if typed:
        pg.locator("input[name='sub']").fill(typed)
        pg.get_by_role("button", name="Authorize").click()
    else:
        pg.get_by_role("button", name=who, exact=True).click()
    pg.wait_for_url(re.compile("^" + re.escape(base) + r"/"), timeout=120_000)
    ready(pg)


def editor_not_found(pg, site) -> None:
    base = site[0]
    pg.goto(f"{base}/editor?lang=en")
    ready(pg)
    assert pg.get_by_role("dialog").get_by_text("Page not found").is_visible()
    assert "Editor" not in [t.strip() for t in main(pg).locator("h1").all_inner_texts()]
    assert nav_link(pg, "editor").count() == 0


def test_editor_signs_in_uploads_reviews_publishes_and_signs_out(page, site, tmp_path):
    base, _idp, _secret, data = site
    db = data / "impact.duckdb"
    before = db.stat().st_mtime_ns
    # signed out: the editor's URL answers "not found", the page is in no navigation
    editor_not_found(page, site)
    shot(page, tmp_path, "01_editor_url_signed_out")
    sign_in(page, site, EDITOR)
    # back from the provider (which always returns to the start page), straight on the editor
    page.wait_for_url(re.compile("^" + re.escape(base) + r"/editor"), timeout=120_000)
    ready(page)
    assert sidebar(page).get_by_text(f"Signed in as {EDITOR}").is_visible()
    assert main(page).locator("h1").first.inner_text().strip() == "Editor"
    assert nav_link(page, "editor").count() == 1
    shot(page, tmp_path, "02_back_from_provider_on_the_editor")
    # upload -> report -> preview
    main(page).get_by_role("radio", name="Upload").or_(main(page).get_by_role("button", name="Upload", exact=True)) \
        .first.click()
    ready(page)
    upload = tmp_path / "round-2025-auderghem.csv"
    upload.write_bytes(ROUND)
    main(page).locator("input[type='file']").set_input_files(str(upload))
    page.get_by_text("No problem found: recognised as five-tips assessments.").wait_for(timeout=300_000)
    ready(page)
    assert main(page).get_by_text("Preview of the changes").is_visible()
    shot(page, tmp_path, "03_report_and_preview")
    assert db.stat().st_mtime_ns == before
    main(page).get_by_role("button", name="Approve for publishing").click()
    page.get_by_text(re.compile(r"Approved: S\d{8}T")).wait_for(timeout=300_000)
    ready(page)
    assert db.stat().st_mtime_ns == before                          # approved is not yet public
    # publish: a separate process; the page shows its progress and result
    main(page).get_by_role("radio", name="Publish").or_(main(page).get_by_role("button", name="Publish", exact=True)) \
        .first.click()
    ready(page)
    assert main(page).get_by_text("1 approved submission(s) not yet public.").is_visible()
    main(page).get_by_role("button", name="Publish now").click()
    page.get_by_text("Published.", exact=True).wait_for(timeout=600_000)
    ready(page)
    shot(page, tmp_path, "04_published")
    assert db.stat().st_mtime_ns != before
    # the new figure on the public pages: the scorecard's history and who reported it on Data & sources
    page.goto(f"{base}/sources?lang=en")
    ready(page)
    close_dialog(page)
    heading = main(page).get_by_role("heading", name="Who reported the member data")
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()
    assert main(page).get_by_text("No reviewed member data is published yet.").count() == 0
    table = main(page).locator("[data-testid='stDataFrame']").filter(has=page.get_by_text("Reported by"))
    assert table.get_by_text("the federation's editors").count() and table.get_by_text("Auderghem / Oudergem").count()
    shot(page, tmp_path, "05_sources_provenance")
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status, note FROM tip_assessment WHERE nis_code = '21002' AND criterion_id = "
                           "'t4_plan' AND assessed_on = DATE '2025-03-01'").fetchall() == [
            ("committed", "council decision of March")]
        assert con.execute("SELECT organisation, role FROM input_provenance").fetchall() == [("", "editor")]
    # sign out: the editor is gone again
    sidebar(page).get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("^" + re.escape(site[1]) + r"/oauth2/end_session"), timeout=120_000)
    page.get_by_role("button", name="End session").click()           # the provider's own sign-out page
    page.wait_for_url(re.compile("^" + re.escape(base) + r"/"), timeout=120_000)
    ready(page)
    assert sidebar(page).get_by_role("button", name="Sign in (editors and members)").is_visible()
    editor_not_found(page, site)
    audit = [json.loads(line)["event"] for line in (data / "private" / "audit.jsonl").read_text().splitlines()]
    assert audit == ["submitted", "approved", "published"]


@pytest.mark.parametrize("who, typed, says", [
    ("stranger@elsewhere.example", None, "not on the list of editors and members"),
    ("unverified@federation.example", None, "has not verified this e-mail address"),
    (None, TYPED, "has not verified this e-mail address"),        # email_verified missing
])
def test_refused_after_a_real_sign_in(page, site, who, typed, says, tmp_path):
    base = site[0]
    page.goto(f"{base}/?lang=en")
    ready(page)
    sign_in(page, site, who, typed)
    assert sidebar(page).get_by_text(says).is_visible()
    assert nav_link(page, "editor").count() == 0
    shot(page, tmp_path, f"refused_{(who or typed).split('@')[0]}")
    editor_not_found(page, site)


def _signed(secret: str, payload: dict, at: float | None = None) -> str:
    """A user cookie as Streamlit signs it (itsdangerous, salted with the cookie name), optionally dated ``at``."""
    from itsdangerous import URLSafeTimedSerializer
    s = URLSafeTimedSerializer(secret, salt=COOKIE)
    if at is None:
        return s.dumps(json.dumps(payload))
    with mock.patch("itsdangerous.timed.time.time", return_value=at):
        return s.dumps(json.dumps(payload))


@pytest.mark.parametrize("case", ["wrong_secret", "tampered", "cookie_expired", "sign_in_too_old"])
def test_forged_or_expired_cookie_is_refused(browser, site, case, tmp_path):
    base, _idp, secret, _data = site
    claims = {"email": EDITOR, "email_verified": True, "iat": int(time.time()), "origin": base,
              "is_logged_in": True, "provider": "default"}
    if case == "wrong_secret":
        value = _signed(secrets.token_urlsafe(32), claims)
    elif case == "tampered":
        good = _signed(secret, {**claims, "email": "stranger@elsewhere.example"})
        forged = _signed(secret, claims)
        value = ".".join([good.rsplit(".", 2)[0], *forged.rsplit(".", 2)[1:]])   # payload of one, signature of another
        assert value != good and value != forged
    elif case == "cookie_expired":
        value = _signed(secret, claims, at=time.time() - 40 * 86400)        # past Streamlit's 30-day cookie
    else:
        value = _signed(secret, {**claims, "iat": int(time.time()) - 2 * 86400})   # valid cookie, old sign-in
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.add_cookies([{"name": COOKIE, "value": value, "domain": "127.0.0.1", "path": "/", "httpOnly": True}])
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    try:
        editor_not_found(pg, site)
        if case == "sign_in_too_old":
            assert sidebar(pg).get_by_text("Your sign-in is too old").is_visible()
        else:
            assert sidebar(pg).get_by_role("button", name="Sign in (editors and members)").is_visible()
        shot(pg, tmp_path, f"cookie_{case}")
    finally:
        context.close()


def test_a_correctly_signed_cookie_is_accepted(browser, site):
    """The control for the forged-cookie cases: the same claims, signed with the secret now, are let in."""
    base, _idp, secret, _data = site
    claims = {"email": EDITOR, "email_verified": True, "iat": int(time.time()), "origin": base,
              "is_logged_in": True, "provider": "default"}
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.add_cookies([{"name": COOKIE, "value": _signed(secret, claims), "domain": "127.0.0.1", "path": "/",
                          "httpOnly": True}])
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    try:
        pg.goto(f"{base}/editor?lang=en")
        ready(pg)
        assert main(pg).locator("h1").first.inner_text().strip() == "Editor"
    finally:
        context.close()
