"""A minimal Streamlit websocket client: drives reruns the way a browser does and measures them."""
from __future__ import annotations

import time
from dataclasses import dataclass

from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2
from websockets.sync.client import connect


@dataclass
class Rerun:
    ms: float
    bytes: int
    exception: bool
    payload: bytes | None = None     # every message of the rerun, when asked for (to look for a text)


class Session:
    """One browser-like session; ``with Session(base) as s:`` or call ``close()``."""

    def __init__(self, base: str):
        self._connection = connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                   max_size=None, open_timeout=30)
        self.ws = self._connection.__enter__()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rerun(self, query_string: str, page_name: str = "", timeout: float = 120, keep_payload: bool = False) -> Rerun:
        """Ask for a rerun with this query string and page; return when the script finished.

        ``timeout`` bounds the whole rerun (not each message), so a stuck server fails the caller."""
        msg = BackMsg_pb2.BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_name = page_name
        start = time.perf_counter()
        deadline = start + timeout
        self.ws.send(msg.SerializeToString())
        size, exception, chunks = 0, False, []
        while True:
            data = self.ws.recv(timeout=max(0.1, deadline - time.perf_counter()))
            size += len(data)
            if keep_payload:
                chunks.append(data)
            fm = ForwardMsg_pb2.ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                    and fm.delta.new_element.WhichOneof("type") == "exception":
                exception = True
            if kind == "script_finished":
                return Rerun((time.perf_counter() - start) * 1000, size, exception,
                             b"".join(chunks) if keep_payload else None)

    def close(self) -> None:
        self._connection.__exit__(None, None, None)


def run_sessions(base: str, plans: list[list[str]], page: str, opening: str = "lang=fr",
                 timeout: float = 600) -> tuple[list[float], list[tuple], float]:
    """One session per plan: each opens ``page``, waits for all the others, then reruns its query strings
    back to back. Returns (rerun times in ms, errors as (session, what, why), wall seconds)."""
    import threading

    times: list[float] = []
    errors: list[tuple] = []
    lock = threading.Lock()
    start = threading.Barrier(len(plans))

    def user(k: int) -> None:
        try:
            with Session(base) as s:
                if s.rerun(opening, page).exception:
                    with lock:
                        errors.append((k, "first load", "exception element"))
                start.wait(timeout=timeout)
                for q in plans[k]:
                    r = s.rerun(q, page)
                    with lock:
                        times.append(r.ms)
                        if r.exception:
                            errors.append((k, q, "exception element"))
        except Exception as exc:  # noqa: BLE001 - a socket error is a failure, reported to the caller
            with lock:
                errors.append((k, "session", repr(exc)))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(k,)) for k in range(len(plans))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=timeout)
    return times, errors, time.perf_counter() - t0
