"""The production layout on one machine: N ``streamlit run`` replicas on loopback behind one nginx.

``with Stack(replicas=2, port=8501) as stack:`` starts the replicas, waits until each answers, writes
the nginx configuration (``serve/nginx.py``) into a private folder and starts nginx in the
foreground; leaving the block stops nginx, then the replicas. ``stack.supervise()`` restarts a
replica that died (its browsers have already reconnected to another one) and returns when nginx
exits or ``stop()`` is called (``python -m serve`` does that on SIGINT/SIGTERM).

All replicas share one cookie secret (``$STREAMLIT_SERVER_COOKIE_SECRET``, generated unless set), so
a browser moved to another replica keeps a valid XSRF cookie (uploads) and sign-in cookie.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.config import STATIC_DIR
from serve.nginx import ROUTE_COOKIE, nginx_config
from serve.replica import ROOT, free_port, start_streamlit, stop, wait_healthy

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
# nginx logs every upstream it tried, the one that answered last: "upstream=127.0.0.1:1, 127.0.0.1:2"
ACCESS_LINE = re.compile(r"route=(?P<route>\S+) upstream=(?P<upstreams>.+?) rt=")


def default_replicas() -> int:
    """One replica per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not Linux
        return max(1, os.cpu_count() or 1)


def nginx_binary() -> str:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise FileNotFoundError("nginx not found: install Debian's package (apt-get install nginx)")


def frontend_dir() -> Path | None:
    """Streamlit's content-hashed frontend bundles (``streamlit/static/static``) of this interpreter."""
    import streamlit
    path = Path(streamlit.__file__).parent / "static" / "static"
    return path if path.is_dir() else None


def preload_bundles() -> list[str]:
    """URLs of the frontend bundles every page of the app needs and Streamlit fetches late (plotly's
    chart, 1.4 MB compressed: it is asked for only once the first chart's message has arrived)."""
    found = frontend_dir()
    return [f"/static/js/{p.name}" for p in sorted(found.glob("js/PlotlyChart.*.js"))] if found else []


@dataclass
class Replica:
    index: int
    port: int
    proc: subprocess.Popen
    log_path: Path
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upstream(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class Stack:
    replicas: int = field(default_factory=default_replicas)
    port: int = 8501
    host: str = "0.0.0.0"
    script: str = "app.py"
    env: dict = field(default_factory=dict)
    prefix: Path | None = None          # nginx's folder (config, pid, logs, temp); a new temp dir if None
    serve_static: bool = True           # geometry and frontend bundles from nginx itself
    preload: bool | None = None         # ask browsers for the chart bundle with the page (None: for app.py only)
    start_timeout: float = 90
    log: object = print

    def __post_init__(self) -> None:
        self.members: list[Replica] = []
        self.nginx: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._own_prefix = self.prefix is None

    # ------------------------------------------------------------------ start / stop

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "*") else self.host
        return f"http://{host}:{self.port}"

    def _preloads(self) -> bool:
        """The app's pages draw plotly charts; another script (the bench's hello-world floor) gets no preload
        unless asked for."""
        return self.preload if self.preload is not None else Path(self.script).name == "app.py"

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.prefix = Path(self.prefix or tempfile.mkdtemp(prefix="bsim-serve-"))
        for sub in ("logs", "temp"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        self.env = {COOKIE_SECRET_ENV: os.environ.get(COOKIE_SECRET_ENV) or secrets.token_hex(32), **self.env}
        for i in range(self.replicas):
            self.members.append(self._spawn(i, free_port()))
        for r in self.members:
            wait_healthy(r.url, r.proc, self.start_timeout)
        conf = self.prefix / "nginx.conf"
        conf.write_text(nginx_config(
            listen=self.host, port=self.port, replica_ports=[r.port for r in self.members], prefix=self.prefix,
            static_dir=STATIC_DIR if self.serve_static else None,
            frontend_dir=frontend_dir() if self.serve_static else None,
            preload=preload_bundles() if self.serve_static and self._preloads() else ()), encoding="utf-8")
        self._nginx_user_setup(conf)
        self.nginx = subprocess.Popen(
            [nginx_binary(), "-e", str(self.prefix / "logs" / "error.log"), "-c", str(conf), "-p", str(self.prefix),
             "-g", "daemon off;"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        wait_healthy(self.url, self.nginx, self.start_timeout)
        self.log(f"serving {self.url} — nginx in front of {len(self.members)} replica(s) on "
                 + ", ".join(r.upstream for r in self.members) + f" (logs in {self.prefix / 'logs'})")

    def _nginx_user_setup(self, conf: Path) -> None:
        """As root, nginx's workers run as ``nobody``: let them write their temp files."""
        if os.geteuid() != 0:
            return
        conf.write_text("user nobody nogroup;\n" + conf.read_text(encoding="utf-8"), encoding="utf-8")
        for path in [self.prefix / "temp", *(self.prefix / "temp").rglob("*")]:
            shutil.chown(path, "nobody", "nogroup")

    def _spawn(self, index: int, port: int) -> Replica:
        log_path = self.prefix / "logs" / f"replica-{index}.log"
        with open(log_path, "ab") as log:
            proc = start_streamlit(self.script, port, self.env, cwd=ROOT, log=log)
        return Replica(index, port, proc, log_path)

    def stop(self) -> None:
        """nginx first (no new requests), then every replica; the temp folder if the stack made it."""
        self._stopping.set()
        if self.nginx is not None:
            stop(self.nginx)
        for r in self.members:
            stop(r.proc)
        if self._own_prefix and self.prefix is not None and self.prefix.exists():
            shutil.rmtree(self.prefix, ignore_errors=True)

    # ------------------------------------------------------------------ running

    def restart_dead(self) -> list[int]:
        """Start again, on its port, every replica that exited; the indexes restarted."""
        restarted = []
        for i, r in enumerate(self.members):
            if r.proc.poll() is None or self._stopping.is_set():
                continue
            self.log(f"replica {r.index} on {r.upstream} exited ({r.proc.returncode}); starting it again")
            new = self._spawn(r.index, r.port)
            new.restarts = r.restarts + 1
            self.members[i] = new
            restarted.append(r.index)
        return restarted

    def supervise(self, interval: float = 1.0) -> int:
        """Keep the replicas running until ``stop()`` is called or nginx exits; nginx's exit code."""
        while not self._stopping.wait(interval):
            if self.nginx is not None and self.nginx.poll() is not None:
                self.log(f"nginx exited ({self.nginx.returncode})")
                return self.nginx.returncode or 1
            self.restart_dead()
        return 0

    def request_stop(self) -> None:
        self._stopping.set()

    # ------------------------------------------------------------------ looking inside (tests, bench)

    def routes(self) -> dict[str, str]:
        """``{route cookie value: replica upstream}`` as nginx logged them (the last one seen wins)."""
        path = self.prefix / "logs" / "access.log"
        out: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                m = ACCESS_LINE.search(line)
                if m and m["upstreams"] != "-":
                    out[m["route"]] = m["upstreams"].split(", ")[-1]
        return out

    def replica_of(self, cookie_header: str) -> Replica | None:
        """The replica that serves the browser holding ``cookie_header`` (by nginx's access log)."""
        m = re.search(rf"(?:^|;\s*){ROUTE_COOKIE}=([^;]+)", cookie_header or "")
        upstream = self.routes().get(m.group(1)) if m else None
        return next((r for r in self.members if r.upstream == upstream), None)
