"""A minimal Streamlit websocket client: drives reruns the way a browser does and measures them.

Like Streamlit's own frontend it

* first loads the page over HTTP, so it holds the cookies a browser would (the load balancer's
  sticky-session cookie among them) and sends them with the websocket;
* keeps a message cache: a message the server marks cacheable is kept, its hash is sent with every
  rerun, and the server answers an unchanged element with a short reference instead of the element
  (entries expire ``max_cached_message_age`` finished runs after their last use, as in the browser) —
  so ``bytes`` is what a browser receives, and ``payload`` still holds every element shown;
* reconnects when its connection drops (``reconnect=True``): a replica that dies behind the load
  balancer costs its sessions a reconnection to another replica and a rerun, as a browser tab does;
* can change a widget as a user does (``interact``): the rerun carries the widget's new value (and
  its fragment, so a widget inside ``st.fragment`` reruns only that fragment) and the page's current
  query string, instead of a new URL.
"""
from __future__ import annotations

import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2, WidgetStates_pb2
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

FINISHED_EARLY = ForwardMsg_pb2.ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
GEOMETRY_MARK = b'"coordinates"'    # GeoJSON geometry inside a figure's spec
WIDGET_TYPES = {"selectbox", "multiselect", "radio", "text_input", "checkbox", "button_group"}


@dataclass
class Rerun:
    ms: float
    bytes: int
    exception: bool
    payload: bytes | None = None     # every message of the rerun, when asked for (to look for a text)
    reconnected: bool = False        # the connection dropped during this rerun and was opened again
    geometry_bytes: int = 0          # bytes of messages that carried GeoJSON coordinates
    deltas: list = field(default_factory=list)   # (element or block type, fragment id, sent as a reference)
    wire_bytes: int = 0              # bytes that came over the socket (websocket frames, compressed or not)


class MessageCache:
    """The frontend's cache of large messages: hash -> (encoded message, run count of its last use)."""

    def __init__(self, max_age: int = 2):
        self.max_age = max_age
        self.run = 0
        self.entries: dict[str, list] = {}

    def hashes(self) -> list[str]:
        return list(self.entries)

    def receive(self, fm: ForwardMsg_pb2.ForwardMsg, data: bytes) -> bytes:
        """The message as the page sees it: a reference is resolved from the cache."""
        if fm.WhichOneof("type") == "ref_hash":
            entry = self.entries[fm.ref_hash]
            entry[1] = self.run
            return entry[0]
        if fm.metadata.cacheable and fm.hash and fm.hash not in self.entries:
            self.entries[fm.hash] = [data, self.run]
        return data

    def script_finished(self) -> None:
        self.run += 1
        self.entries = {h: e for h, e in self.entries.items() if self.run - e[1] <= self.max_age}

    def clear(self) -> None:
        self.entries.clear()


def http_cookies(base: str, timeout: float = 30) -> str:
    """Load the page like a browser's first request; the ``Cookie`` header it leaves (may be empty)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/", timeout=timeout) as r:
        r.read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Session:
    """One browser-like session; ``with Session(base) as s:`` or call ``close()``.

    ``cookie``: send this Cookie header instead of loading the page first (to choose a replica)."""

    def __init__(self, base: str, *, cookie: str | None = None, reconnect: bool = False,
                 open_timeout: float = 30):
        self.base = base
        self.cookie = http_cookies(base, open_timeout) if cookie is None else cookie
        self.reconnect = reconnect
        self.reconnects = 0
        self.wire = 0             # bytes received on the socket so far
        self.open_timeout = open_timeout
        self.cache = MessageCache()
        self.widgets: dict[str, tuple[str, object, str]] = {}   # id -> (element type, proto, fragment id)
        self.query_string, self.page_name = "", ""
        self._connection = None
        self.ws = None
        self._open()

    def _open(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else None
        self._connection = connect(self.base.replace("http", "ws", 1) + "/_stcore/stream",
                                   subprotocols=["streamlit"], max_size=None, open_timeout=self.open_timeout,
                                   additional_headers=headers)
        self.ws = self._connection.__enter__()
        self.cache.clear()    # a new server session knows none of our hashes
        # count what arrives on the socket, before the websocket layer inflates compressed messages
        protocol, receive = self._connection.protocol, self._connection.protocol.receive_data

        def counted(data, receive=receive):
            self.wire += len(data)
            return receive(data)
        protocol.receive_data = counted

    def _reopen(self, deadline: float) -> None:
        """Open the connection again (the load balancer sends it to a live replica), retrying until
        ``deadline`` while no replica answers."""
        self._close_quietly()
        while True:
            try:
                self._open()
                self.reconnects += 1
                return
            except (OSError, ConnectionClosed, TimeoutError) as exc:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"could not reconnect: {exc!r}") from exc
                time.sleep(0.5)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rerun(self, query_string: str, page_name: str = "", timeout: float = 120, keep_payload: bool = False) -> Rerun:
        """Ask for a rerun with this query string and page (a URL opened); return when the script finished.

        ``timeout`` bounds the whole rerun (not each message), so a stuck server fails the caller.
        With ``reconnect``, a dropped connection is opened again and the rerun asked for again."""
        self.query_string, self.page_name = query_string, page_name
        return self._send(self._rerun_msg(), timeout, keep_payload)

    def widget(self, key: str) -> tuple[str, str, object, str]:
        """(id, element type, proto, fragment id) of the most recently drawn widget whose key is ``key``."""
        for wid, (kind, proto, fragment) in reversed(self.widgets.items()):
            if wid.endswith("-" + key):
                return wid, kind, proto, fragment
        raise KeyError(f"no widget with key {key!r} on the page (widgets: {sorted(self.widgets)})")

    def interact(self, key: str, choice, timeout: float = 120, keep_payload: bool = False) -> Rerun:
        """Change the widget keyed ``key`` as a user does: a selectbox or radio to option number ``choice``, a
        multiselect to the options numbered in ``choice``, a text input to the text ``choice``, a checkbox
        or toggle to ``choice`` (True/False), a segmented control to option number ``choice``. Only that widget's fragment reruns when it sits in one."""
        wid, kind, proto, fragment = self.widget(key)
        state = WidgetStates_pb2.WidgetState(id=wid)
        if kind in ("selectbox", "radio"):
            state.string_value = proto.options[choice % len(proto.options)]
        elif kind == "multiselect":
            state.string_array_value.data.extend(proto.options[i % len(proto.options)] for i in choice)
        elif kind == "text_input":
            state.string_value = str(choice)
        elif kind == "checkbox":
            state.bool_value = bool(choice)
        elif kind == "button_group":      # a segmented control or pills: option number ``choice``
            state.string_array_value.data.append(proto.options[choice % len(proto.options)].content)
        else:
            raise TypeError(f"cannot drive a {kind} widget")
        msg = self._rerun_msg()
        msg.rerun_script.widget_states.widgets.append(state)
        if fragment:
            msg.rerun_script.fragment_id = fragment
        return self._send(msg, timeout, keep_payload)

    def _rerun_msg(self) -> BackMsg_pb2.BackMsg:
        msg = BackMsg_pb2.BackMsg()
        msg.rerun_script.query_string = self.query_string
        msg.rerun_script.page_name = self.page_name
        msg.rerun_script.cached_message_hashes.extend(self.cache.hashes())
        return msg

    def _send(self, msg: BackMsg_pb2.BackMsg, timeout: float, keep_payload: bool) -> Rerun:
        start, wire = time.perf_counter(), self.wire
        deadline = start + timeout
        reconnected = False
        while True:
            try:
                size, exception, chunks, geometry, deltas = self._run_once(msg, deadline, keep_payload)
                break
            except ConnectionClosed:
                if not self.reconnect:
                    raise
                self._reopen(deadline)
                reconnected = True
                msg = self._rerun_msg()    # a new server session: the whole page, from its URL
        return Rerun((time.perf_counter() - start) * 1000, size, exception,
                     b"".join(chunks) if keep_payload else None, reconnected, geometry, deltas,
                     self.wire - wire)

    def _run_once(self, msg: BackMsg_pb2.BackMsg, deadline: float, keep_payload: bool):
        self.ws.send(msg.SerializeToString())
        size, exception, chunks, geometry, deltas = 0, False, [], 0, []
        while True:
            data = self.ws.recv(timeout=max(0.1, deadline - time.perf_counter()))
            size += len(data)
            if GEOMETRY_MARK in data:
                geometry += len(data)
            fm = ForwardMsg_pb2.ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.cache.max_age = fm.new_session.config.max_cached_message_age or self.cache.max_age
            shown = self.cache.receive(fm, data)
            if keep_payload:
                chunks.append(shown)
            was_ref = kind == "ref_hash"
            if was_ref:
                fm = ForwardMsg_pb2.ForwardMsg()
                fm.ParseFromString(shown)
                kind = fm.WhichOneof("type")
            if kind == "page_info_changed":
                self.query_string = fm.page_info_changed.query_string
            if kind == "delta":
                dtype = fm.delta.WhichOneof("type")
                deltas.append((fm.delta.new_element.WhichOneof("type") if dtype == "new_element" else dtype,
                               fm.delta.fragment_id, was_ref))
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                etype = element.WhichOneof("type")
                exception = exception or etype == "exception"
                wid = getattr(getattr(element, etype), "id", "") if etype in WIDGET_TYPES else ""
                if wid:     # most recently drawn last
                    self.widgets.pop(wid, None)
                    self.widgets[wid] = (etype, getattr(element, etype), fm.delta.fragment_id)
            if kind == "script_finished":
                if fm.script_finished != FINISHED_EARLY:
                    self.cache.script_finished()
                return size, exception, chunks, geometry, deltas

    def _close_quietly(self) -> None:
        try:
            self._connection.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - the connection is already gone
            pass

    def close(self) -> None:
        self._close_quietly()


def run_sessions(base: str, plans: list[list[str]], page: str, opening: str = "lang=fr",
                 timeout: float = 600, reconnect: bool = False,
                 during=None) -> tuple[list[float], list[tuple], float]:
    """One session per plan: each opens ``page``, waits for all the others, then reruns its query strings
    back to back. Returns (rerun times in ms, errors as (session, what, why), wall seconds).

    ``reconnect``: sessions reopen a dropped connection (see ``Session``). ``during(sessions)``: called
    once every session has opened, while they rerun (e.g. to kill a replica)."""
    times: list[float] = []
    errors: list[tuple] = []
    lock = threading.Lock()
    start = threading.Barrier(len(plans) + (1 if during else 0))
    sessions: dict[int, Session] = {}

    def user(k: int) -> None:
        try:
            with Session(base, reconnect=reconnect) as s:
                with lock:
                    sessions[k] = s
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
    if during:
        start.wait(timeout=timeout)
        during(sessions)
    for th in threads:
        th.join(timeout=timeout)
    return times, errors, time.perf_counter() - t0
