"""Start a real `streamlit run app.py` on a free loopback port for browser tests and benchmarks."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 # WebGL in headless Chromium (maplibre draws the choropleth_map with it)
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    environ = {**os.environ, "BSIM_DB": str(db), **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    with serving(proc, base + "/_stcore/health", "streamlit", timeout):
        if warm:
            _warm_up(base)
        yield base


@contextmanager
def serving(proc: subprocess.Popen, health_url: str, what: str, timeout: float = 60):
    """Wait until ``proc`` answers 200 at ``health_url`` (or fail with its output), then stop it afterwards."""
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(health_url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"{what} did not start: {out[-2000:]}")
            time.sleep(0.3)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def loopback_page(browser, *, locale: str = "fr-BE", foreign_frames: str | None = None, timeout_ms: int = 120_000):
    """A page in a fresh context whose requests may not leave loopback: any other request is refused and,
    unless it comes from a frame of ``foreign_frames`` (a third party's own pages, e.g. an identity
    provider's), makes the test fail when the page is closed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
            return
        frame = route.request.frame.url if route.request.frame else ""
        if not (foreign_frames and frame.startswith(foreign_frames)):
            outside.append(route.request.url)
        route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(timeout_ms)   # a hang guard, not a speed bound: CI machines are often busy
    pg.outside_requests = outside
    try:
        yield pg
    finally:
        context.close()
    assert not outside, f"requests left loopback: {outside[:5]}"


def _warm_up(base: str) -> None:
    from bench.ws_client import Session
    s = Session(base)
    try:
        s.rerun("", "")
    finally:
        s.close()
