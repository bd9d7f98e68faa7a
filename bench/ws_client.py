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


class Session:
    def __init__(self, base: str):
        self.ws = connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],  # noqa
                          max_size=None, open_timeout=30)

    def rerun(self, query_string: str, page_name: str = "", timeout: float = 60) -> Rerun:
        msg = BackMsg_pb2.BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_name = page_name
        start = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        size, exception = 0, False
        while True:
            data = self.ws.recv(timeout=timeout)
            size += len(data)
            fm = ForwardMsg_pb2.ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                    and fm.delta.new_element.WhichOneof("type") == "exception":
                exception = True
            if kind == "script_finished":
                return Rerun((time.perf_counter() - start) * 1000, size, exception)

    def close(self):
        self.ws.close()
