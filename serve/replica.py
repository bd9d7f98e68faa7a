"""One ``streamlit run`` process on a loopback port: start it, wait until it answers, stop it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def streamlit_command(script: str, port: int, address: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address",
            address, "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def start_streamlit(script: str, port: int, env: dict | None = None, *, cwd: Path = ROOT,
                    log=subprocess.PIPE) -> subprocess.Popen:
    """Start ``streamlit run script`` on 127.0.0.1:``port`` (``env`` added to this process's environment)."""
    return subprocess.Popen(streamlit_command(script, port), cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, proc: subprocess.Popen | None = None, timeout: float = 60,
                 path: str = "/_stcore/health") -> None:
    """Poll ``base + path`` until it answers 200; raise if ``proc`` exits first or ``timeout`` passes."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + path, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"{' '.join(map(str, proc.args))} exited with {proc.returncode}: {out[-2000:]}")
        if time.time() > deadline:
            raise RuntimeError(f"{base}{path} did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(grace)
