"""NIS (REFNIS) codes of the Brussels-Capital Region."""
from __future__ import annotations

import re

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


def check_nis(raw: str, allowed=KNOWN) -> tuple[str, str | None]:
    """Return (normalised code, reason it is refused or None)."""
    code = normalise_nis(raw)
    if code in allowed:
        return code, None
    if not re.fullmatch(r"\d{5}", code):
        return code, f"'{raw}' is not a 5-digit NIS code"
    if code == ARRONDISSEMENT:
        return code, "21000 is the arrondissement; use the region code 04000 or a commune 21001-21019"
    if code.startswith("21"):
        return code, f"unknown NIS code {code}: Brussels communes are 21001-21019"
    return code, (f"NIS code {code} is outside the Brussels-Capital Region (or a code retired by the 2019/2025 "
                  "municipal mergers); only 21001-21019 and the region 04000 are accepted")
