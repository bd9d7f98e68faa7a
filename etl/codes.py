"""NIS (REFNIS) codes of the Brussels-Capital Region."""
from __future__ import annotations

import re

from .messages import Message

REGION = "04000"
ARRONDISSEMENT = "21000"
BELGIUM = "01000"
COMMUNES = tuple(f"210{i:02d}" for i in range(1, 20))
KNOWN = frozenset(COMMUNES + (REGION,))


def normalise_nis(raw: str) -> str:
    """Zero-pad a numeric code that lost its leading zero (``4000`` -> ``04000``); strip spaces and ``.0``."""
    s = str(raw).strip()
    if re.fullmatch(r"\d+\.0", s):
        s = s[:-2]
    if re.fullmatch(r"\d{1,4}", s):
        s = s.zfill(5)
    return s


def check_nis(raw: str, allowed=KNOWN) -> tuple[str, Message | None]:
    """Return (normalised code, reason it is refused or None)."""
    code = normalise_nis(raw)
    if code in allowed:
        return code, None
    if not re.fullmatch(r"\d{5}", code):
        return code, Message("nis_not_5_digits", text=raw)
    if code == ARRONDISSEMENT:
        return code, Message("nis_arrondissement")
    if code.startswith("21"):
        return code, Message("nis_unknown_brussels", code=code)
    return code, Message("nis_outside", code=code)
