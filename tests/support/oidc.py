"""A real OpenID Connect provider on loopback for the sign-in tests (``oidc-provider-mock``, a standards-compliant
provider built on Authlib, run as its own process), and the ``secrets.toml`` that points ``st.login`` at it."""
from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.support.browser_server import free_port, serving


@contextmanager
def oidc_provider(users: list[dict], timeout: float = 60):
    """Yield the provider's base URL (``http://127.0.0.1:PORT``); ``users``: predefined users, each a dict of
    claims with ``sub`` (``email``, ``email_verified`` ...). Any other ``sub`` typed in its sign-in form gets
    only ``{"email": sub}`` (no ``email_verified``)."""
    port = free_port()
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--host", "127.0.0.1"]
    for u in users:
        cmd += ["--user-claims", json.dumps(u)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    with serving(proc, base + "/.well-known/openid-configuration", "the OIDC provider", timeout):
        yield base


def write_secrets(folder: Path, provider: str, app_port: int, cookie_secret: str) -> Path:
    """``secrets.toml`` for ``streamlit run --secrets.files PATH``: the app at ``http://127.0.0.1:APP_PORT``."""
    path = Path(folder) / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "bsim-dashboard"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    return path
