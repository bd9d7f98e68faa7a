"""Who may edit or submit. The identity provider (``st.login``, OpenID Connect, ``[auth]`` in secrets.toml)
authenticates; the allow-list authorises, with a role per e-mail:

* ``editor`` — the federation's editors: review queue, five-tips assessments, publishing, audit log;
* ``member`` — a member organisation (``organisation`` in the list): submits its own sites, jobs and re-use.

The list is a private TOML file beside the archive (``config.access_file()``, default
``data/private/access.toml``)::

    [users."editor@federation.be"]
    role = "editor"

    [users."contact@ressourcerie.be"]
    role = "member"
    organisation = "Ressourcerie de la Senne asbl"

``$BSIM_EDITORS`` (comma-separated e-mails) adds editors. A user is let in only when the provider says the
e-mail is verified (``email_verified`` true, or Entra ID's ``xms_edov``; missing counts as false) and the sign-in is recent (the ID
token's ``iat`` less than ``config.session_hours()`` ago). Without an identity provider there are no
editor or member pages at all (use ``python -m etl load FILE`` instead).
"""
from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import config
from dashboard.text.i18n import translator

ROLES = ("editor", "member")


@dataclass(frozen=True)
class Access:
    email: str
    role: str                 # editor | member
    organisation: str = ""    # a member's organisation (an editor's is optional)


def read_access(path: Path | None = None, editors_env: str | None = None) -> dict[str, Access]:
    """Lower-cased e-mail -> Access, from the allow-list file and ``$BSIM_EDITORS``; entries with an unknown
    role or a member without organisation are left out (nobody is let in by a typo)."""
    out: dict[str, Access] = {}
    p = Path(path or config.access_file())
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        doc = {}
    for email, entry in (doc.get("users") or {}).items():
        if not isinstance(entry, dict):
            continue
        role, org = str(entry.get("role", "")).strip(), str(entry.get("organisation", "")).strip()
        if role in ROLES and (role == "editor" or org) and "@" in email:
            out[email.strip().lower()] = Access(email.strip().lower(), role, org)
    raw = config.editors_setting() if editors_env is None else editors_env
    for email in (raw or "").split(","):
        email = email.strip().lower()
        if email and "@" in email:
            out.setdefault(email, Access(email, "editor"))
    return out


VERIFIED_CLAIMS = ("email_verified", "xms_edov")   # the OIDC standard claim; Microsoft Entra ID's optional one


def verified(user) -> bool:
    """The provider vouches for the e-mail: ``email_verified`` true (a bool, or the string "true"), or, from
    Microsoft Entra ID, which does not send that claim, its optional ``xms_edov`` (domain owner verified)."""
    for claim in VERIFIED_CLAIMS:
        v = user.get(claim)
        if v is True or (isinstance(v, str) and v.strip().lower() == "true"):
            return True
    return False


def fresh(user, now: float | None = None, hours: float | None = None) -> bool:
    """The sign-in (the ID token's ``iat``) is less than ``hours`` old; without ``iat``, not fresh."""
    try:
        iat = float(user.get("iat"))
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    return now - iat < (config.session_hours() if hours is None else hours) * 3600


def just_signed_in(user, now: float | None = None) -> bool:
    """The sign-in happened in the last two minutes (the provider just sent the user back)."""
    return fresh(user, now, hours=2 / 60)


def landing_after_sign_in() -> bool:
    """True once per session, when the user has just come back from the provider: the app then opens the
    page the user signed in for (the provider always sends users back to the start page)."""
    if st.session_state.get("_signin_landed"):
        return False
    st.session_state["_signin_landed"] = True
    return just_signed_in(_user())


def decide(user, access: dict[str, Access], now: float | None = None) -> tuple[Access | None, str | None]:
    """(access, None) for a user let in; (None, why) otherwise: ``signed_out``, ``unverified``, ``expired``,
    ``not_listed``. ``user``: the claims Streamlit keeps in its signed cookie (``st.user``)."""
    if not user or not user.get("is_logged_in"):
        return None, "signed_out"
    if not verified(user):
        return None, "unverified"
    if not fresh(user, now):
        return None, "expired"
    email = str(user.get("email") or "").strip().lower()
    if email not in access:
        return None, "not_listed"
    return access[email], None


def auth_configured() -> bool:
    """True when secrets.toml has an ``[auth]`` section (any access error = not configured)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml, unreadable or malformed secrets
        return False


def _user() -> dict:
    try:
        return {k: st.user.get(k) for k in ("is_logged_in", "email", "iat", *VERIFIED_CLAIMS)}
    except Exception:
        return {}


def current_access() -> tuple[Access | None, str | None]:
    """What the signed-in user may do here (see ``decide``); (None, "no_provider") without an identity provider."""
    if not auth_configured():
        return None, "no_provider"
    return decide(_user(), read_access())


def can_edit() -> bool:
    access, _why = current_access()
    return access is not None and access.role == "editor"


def can_submit() -> bool:
    access, _why = current_access()
    return access is not None and access.role == "member"


def sidebar_controls(lang: str | None = None) -> Access | None:
    """Sign-in / sign-out in the sidebar where an identity provider is configured; says why a signed-in
    user is not let in. Returns the user's access."""
    if not auth_configured():
        return None
    _ = translator(lang or st.session_state.get("lang", "fr"))
    access, why = current_access()
    user = _user()
    with st.sidebar:
        if not user.get("is_logged_in"):
            if st.button(_("Sign in (editors and members)"), key="auth_login",
                         help=_("For the federation's editors and its member organisations")):
                st.login()
            return None
        st.caption(_("Signed in as {email}", email=user.get("email") or "?"))
        if why == "unverified":
            st.warning(_("Your identity provider has not verified this e-mail address: access refused."))
        elif why == "expired":
            st.warning(_("Your sign-in is too old: sign out and sign in again."))
        elif why == "not_listed":
            st.info(_("This e-mail address is not on the list of editors and members."))
        elif access is not None and access.role == "member":
            st.caption(_("Member: {organisation}", organisation=access.organisation))
        if st.button(_("Sign out"), key="auth_logout"):
            st.logout()
    return access


def pages_allowed() -> Access | None:
    """Called by app.py on every run: draws the sign-in controls and says which private page to list."""
    return sidebar_controls()
