"""Every path and environment variable the app uses, in one place (layer 1: imports nothing of the app).

Environment variables are read when a function is called, never at import, so a test (or the
editor's publish) that sets one sees it on the next call:

- ``BSIM_DB``: the published database file (default ``data/impact.duckdb``); its public copy (the
  download, without the build log and the upload archive) is ``<name>-public.duckdb`` beside it;
- ``BSIM_VIEWER_MEMORY``: the memory cap of a viewer's database connection (default ``256MB``);
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

# the app's static stylesheet (text that wraps, phone spacing; no data passes through it)
STYLESHEET = ROOT / "assets" / "app.css"
GEO_MAP_JS = ROOT / "assets" / "geo_map.js"      # the communes' map drawn as SVG (ui.geo_map; its CSS: app.css)

# interface strings: locales/{fr,nl,en}/LC_MESSAGES/*.po
LOCALES_DIR = ROOT / "locales"

# who may edit or submit: the allow-list with roles, private, beside the archive
ACCESS_ENV = "BSIM_ACCESS"
EDITORS_ENV = "BSIM_EDITORS"
SESSION_HOURS_ENV = "BSIM_SESSION_HOURS"

# image export: kaleido drives a Chromium
BROWSER_ENV = "BROWSER_PATH"
DEFAULT_BROWSER = "/usr/bin/chromium"

# the fiche PDF's Unicode font (Debian's fonts-dejavu-core); Helvetica without it; the deck's text widths
# (Liberation Sans from fonts-liberation, metric-compatible with the deck's Arial)
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/liberation"))


def db_path() -> Path:
    """The published database file: ``$BSIM_DB`` or ``data/impact.duckdb``."""
    return Path(os.environ.get(DB_ENV, DEFAULT_DB))


def public_db_path() -> Path:
    """The public copy of the published database (written by the ETL beside it): the download."""
    path = db_path()
    return path.with_name(f"{path.stem}-public{path.suffix}")


# a viewer's database connection: its memory cap
VIEWER_MEMORY_ENV = "BSIM_VIEWER_MEMORY"
DEFAULT_VIEWER_MEMORY = "256MB"


def viewer_memory() -> str:
    """``$BSIM_VIEWER_MEMORY`` or 256MB: what one viewer connection may hold in memory (it never spills)."""
    return os.environ.get(VIEWER_MEMORY_ENV) or DEFAULT_VIEWER_MEMORY


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
