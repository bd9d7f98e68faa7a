"""Every path and environment variable the app uses, in one place (layer 1: imports nothing of the app).

Environment variables are read when a function is called, never at import, so a test (or the
editor's publish) that sets one sees it on the next call:

- ``BSIM_DB``: the published database file (default ``data/impact.duckdb``);
- ``BSIM_DATA``: the data folder the editor page loads uploads into (default ``data/``);
- ``BSIM_ACCESS``: the allow-list with roles (default ``<data folder>/private/access.toml``: e-mail -> editor, or
  member with its organisation);
- ``BSIM_EDITORS``: comma-separated e-mails of more editors (for a quick set-up; the allow-list file is the rule);
- ``BSIM_SESSION_HOURS``: how long a sign-in lasts for the editor and member pages (default 12 hours, counted
  from the identity provider's ``iat``);
- ``BROWSER_PATH``: the Chromium kaleido renders images with (default Debian's ``/usr/bin/chromium``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the published database (read-only for the app; only the ETL writes it)
DB_ENV = "BSIM_DB"
DEFAULT_DB = ROOT / "data" / "impact.duckdb"

# the data folder the editor page loads uploads into (the ETL's input folder)
DATA_ENV = "BSIM_DATA"
DEFAULT_DATA = ROOT / "data"

# files Streamlit serves as they are (``server.enableStaticServing``): the commune boundaries
STATIC_DIR = ROOT / "static"
STATIC_URL = "app/static"

# interface strings: locales/{fr,nl,en}/LC_MESSAGES/*.po
LOCALES_DIR = ROOT / "locales"

# who may edit or submit: the allow-list with roles, private, beside the archive
ACCESS_ENV = "BSIM_ACCESS"
EDITORS_ENV = "BSIM_EDITORS"
SESSION_HOURS_ENV = "BSIM_SESSION_HOURS"

# image export: kaleido drives a Chromium
BROWSER_ENV = "BROWSER_PATH"
DEFAULT_BROWSER = "/usr/bin/chromium"

# the fiche PDF's Unicode font (Debian's fonts-dejavu-core); Helvetica without it
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def db_path() -> Path:
    """The published database file: ``$BSIM_DB`` or ``data/impact.duckdb``."""
    return Path(os.environ.get(DB_ENV, DEFAULT_DB))


def data_dir() -> Path:
    """The data folder: ``$BSIM_DATA`` or ``data/``."""
    return Path(os.environ.get(DATA_ENV, DEFAULT_DATA))


def editors_setting() -> str | None:
    """The raw ``$BSIM_EDITORS`` value (None when unset)."""
    return os.environ.get(EDITORS_ENV)


def access_file() -> Path:
    """The allow-list: ``$BSIM_ACCESS`` or ``<data folder>/private/access.toml``."""
    return Path(os.environ.get(ACCESS_ENV) or data_dir() / "private" / "access.toml")


def session_hours() -> float:
    """How long a sign-in lets a user edit or submit: ``$BSIM_SESSION_HOURS`` (default 12)."""
    try:
        return float(os.environ.get(SESSION_HOURS_ENV, "12"))
    except ValueError:
        return 12.0


def browser_path() -> str | None:
    """``$BROWSER_PATH`` when it is a file, else Debian's Chromium, else a Chromium on the PATH."""
    path = os.environ.get(BROWSER_ENV)
    if path and Path(path).is_file():
        return path
    if Path(DEFAULT_BROWSER).is_file():
        return DEFAULT_BROWSER
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def export_browser_path() -> None:
    """Tell kaleido which Chromium to start (it reads ``$BROWSER_PATH``), unless that is set already."""
    os.environ.setdefault(BROWSER_ENV, browser_path() or DEFAULT_BROWSER)
