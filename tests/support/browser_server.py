"""Start a real `streamlit run app.py` on a free loopback port (or the production layout: replicas behind
nginx) for browser tests and benchmarks."""
from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from serve.replica import free_port, stop, streamlit_command, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 # WebGL in headless Chromium (maplibre draws the choropleth_map with it)
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


@contextmanager
def streamlit_server(db: Path, *, script: str = "app.py", env: dict | None = None, timeout: float = 60,
                     warm: bool = True, port: int | None = None, args: tuple[str, ...] = ()):
    """Yield the base URL of a streamlit server reading ``db``; stop it afterwards.

    ``warm``: run the app once over the websocket first. Streamlit 1.67 answers the very first
    session after a server start that deep-links to a page (``/map``) with a "Page not found" dialog
    although it then runs the right page; later sessions are fine. Tests and benchmarks measure
    the app, not that start-up quirk.
    """
    port = port or free_port()
    proc = subprocess.Popen([*streamlit_command(script, port), *args], cwd=ROOT,
                            env={**os.environ, "BSIM_DB": str(db), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    with serving(proc, base + "/_stcore/health", "streamlit", timeout):
        if warm:
            _warm_up(base)
        yield base


@contextmanager
def serving(proc: subprocess.Popen, health_url: str, what: str, timeout: float = 60):
    """Wait until ``proc`` answers 200 at ``health_url`` (or fail with its output), then stop it afterwards."""
    try:
        try:
            wait_healthy(health_url, proc, timeout, path="")
        except RuntimeError as exc:
            raise RuntimeError(f"{what} did not start: {exc}") from None
        yield
    finally:
        stop(proc)


@contextmanager
def served_stack(db: Path, *, replicas: int, script: str = "app.py", env: dict | None = None,
                 warm: bool = True):
    """Yield a running ``serve.stack.Stack`` (nginx on a free port in front of ``replicas`` Streamlit
    processes reading ``db``), each replica warmed up like ``streamlit_server``; stop it afterwards."""
    from serve.stack import Stack
    with Stack(replicas=replicas, port=free_port(), host="127.0.0.1", script=script,
               env={"BSIM_DB": str(db), **(env or {})}, log=lambda *a: None) as stack:
        if warm:
            for r in stack.members:
                _warm_up(r.url)
        yield stack


def _warm_up(base: str) -> None:
    from bench.ws_client import Session
    s = Session(base)
    try:
        s.rerun("", "")
    finally:
        s.close()
