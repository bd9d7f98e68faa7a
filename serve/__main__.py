"""``python -m serve [--replicas N] [--port P] [--host H]``: N ``streamlit run app.py`` replicas on loopback
behind nginx (sticky sessions, websockets, static geometry from nginx), in the foreground until
SIGINT/SIGTERM, which stops nginx and every replica. A replica that dies is started again."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from serve.stack import Stack, default_replicas


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m serve", description=__doc__)
    ap.add_argument("--replicas", type=int, default=default_replicas(),
                    help="Streamlit processes (default: one per core, here %(default)s)")
    ap.add_argument("--port", type=int, default=8501, help="port nginx listens on (default %(default)s)")
    ap.add_argument("--host", default="0.0.0.0", help="address nginx listens on (default %(default)s)")
    ap.add_argument("--prefix", type=Path, default=None,
                    help="folder for nginx's configuration, logs and temp files, and the replicas' logs "
                         "(default: a new temporary folder, removed at the end)")
    ap.add_argument("--script", default="app.py", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    stack = Stack(replicas=args.replicas, port=args.port, host=args.host, script=args.script, prefix=args.prefix,
                  log=lambda m: print(f"[serve] {m}", file=sys.stderr, flush=True))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stack.request_stop())
    try:
        with stack:
            code = stack.supervise()
    except (RuntimeError, FileNotFoundError, OSError) as exc:
        print(f"[serve] could not start: {exc}", file=sys.stderr, flush=True)
        return 1
    print("[serve] stopped", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
