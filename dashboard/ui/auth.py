"""Who may edit: an identity provider (``st.login``, OIDC, ``[auth]`` in secrets.toml) authenticates,
an allow-list authorises (``$BSIM_EDITORS``, comma-separated e-mails, or ``data/editors.txt``, one per
line; case-insensitive). Without an identity provider there is no editor page at all (use
``python -m etl load FILE`` instead)."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.config import EDITORS_FILE, editors_setting
from dashboard.text.i18n import translator


def auth_configured() -> bool:
    """True when secrets.toml has an ``[auth]`` section (any access error = not configured)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml, unreadable or malformed secrets
        return False


def allowed_editors(env: str | None = None, path: Path | None = None) -> set[str]:
    """Lower-cased e-mails from ``$BSIM_EDITORS`` (wins when set) or the editors file."""
    raw = editors_setting() if env is None else env
    if raw:
        items = raw.split(",")
    else:
        p = Path(path or EDITORS_FILE)
        try:
            items = p.read_text(encoding="utf-8").splitlines()
        except OSError:
            items = []
    return {i.strip().lower() for i in items if i.strip() and not i.strip().startswith("#")}


def is_editor(email: str | None, editors: set[str]) -> bool:
    return bool(email) and email.strip().lower() in editors


def current_user() -> tuple[bool, str | None]:
    """(logged in, e-mail); (False, None) whenever st.user cannot tell."""
    try:
        logged_in = bool(st.user.get("is_logged_in", False))
        email = st.user.get("email")
    except Exception:
        return False, None
    return logged_in, (str(email) if email else None)


def can_edit() -> bool:
    """Identity provider configured, user logged in, e-mail on the allow-list."""
    if not auth_configured():
        return False
    logged_in, email = current_user()
    return logged_in and is_editor(email, allowed_editors())


def sidebar_controls(lang: str | None = None) -> None:
    """Sign-in / sign-out in the sidebar, only where an identity provider is configured."""
    if not auth_configured():
        return
    _ = translator(lang or st.session_state.get("lang", "fr"))
    logged_in, email = current_user()
    with st.sidebar:
        if not logged_in:
            if st.button(_("Editor sign-in"), key="auth_login", help=_("For editors of the scorecard and member data")):
                st.login()
        else:
            st.caption(_("Signed in as {email}", email=email or "?"))
            if st.button(_("Sign out"), key="auth_logout"):
                st.logout()


def editor_page_visible() -> bool:
    """Called by app.py on every run: draws the sign-in controls and says whether to list the editor."""
    sidebar_controls()
    return can_edit()
