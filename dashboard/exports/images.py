"""Charts and maps as PNG / SVG files that stand alone: title, unit, year, source, quality mark and the
EXAMPLE mark (when the data is illustrative) are baked into the image, at two sizes.

* ``screen``: 1100 px wide, the figure's own height (650 px when it has none) — as on screen;
* ``slide``: 16:9, 1920 × 1080 px (laid out at 1280 × 720 and rendered at scale 1.5 so text stays
  readable on a projected slide); SVG files of the slide size are 1280 × 720 (vector: any size).

Rendering uses kaleido 1.x with Debian's Chromium (``BROWSER_PATH``, default ``/usr/bin/chromium``); no
network: a map whose geometry is a URL served from ``static/`` gets the geometry inlined from that file
(or from the ``geojson`` argument), and the map is zoomed to fit the image. One kaleido server (one
Chromium) is kept per process after the first image (~5 s cold, ~0.5 s after). Results are cached in
memory by (figure JSON, format, size). Pure functions here take and return plain values, so they can
run inside ``st.download_button(data=callable)`` (no script context there): the 'Download image'
popover that offers them is ``ui.chart.image_download_buttons``.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import textwrap
import threading
import warnings
from collections import OrderedDict

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.charts.maps import feature_id
from dashboard.charts.style import screen_lines, unwrapped_texts
from dashboard.config import STATIC_DIR, browser_path, export_browser_path

SCREEN_WIDTH, SCREEN_HEIGHT = 1100, 650
SLIDE_LAYOUT = (1280, 720)      # layout size of the slide image
SLIDE_SCALE = 1.5               # -> 1920 x 1080 pixels
SIZES = ("screen", "slide")
FORMATS = ("png", "svg")
MIME = {"png": "image/png", "svg": "image/svg+xml"}

_lock = threading.Lock()
_server_started = False
_cache: OrderedDict[str, bytes] = OrderedDict()
_CACHE_MAX = 64


class ImageExportUnavailable(RuntimeError):
    """kaleido or a Chromium is missing: images cannot be rendered here."""


# ----------------------------------------------------------------------------- availability

def available() -> bool:
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return browser_path() is not None


# ----------------------------------------------------------------------------- sizes

def image_size(fig: go.Figure, size="screen") -> tuple[int, int, float]:
    """(layout width, layout height, scale) of ``size``; pixels = width·scale × height·scale. ``size`` may
    also be a (width, height, scale) tuple: a box of its own (the deck lays a chart out at its box's size)."""
    if isinstance(size, tuple):
        return int(size[0]), int(size[1]), float(size[2])
    if size == "slide":
        return SLIDE_LAYOUT[0], SLIDE_LAYOUT[1], SLIDE_SCALE
    if size != "screen":
        raise ValueError(f"unknown size {size!r}")
    height = fig.layout.height or SCREEN_HEIGHT
    return SCREEN_WIDTH, int(height), 1.0


def pixel_size(fig: go.Figure, size: str = "screen") -> tuple[int, int]:
    w, h, s = image_size(fig, size)
    return round(w * s), round(h * s)


# ----------------------------------------------------------------------------- geometry for maps

def geojson_from_url(url: str) -> dict | None:
    """The FeatureCollection behind a ``app/static/<file>`` URL written by ``data.static_geometry`` (None if absent)."""
    if not isinstance(url, str):
        return None
    name = url.rsplit("/", 1)[-1]
    path = STATIC_DIR / name
    if not name or not path.is_file() or path.parent.resolve() != STATIC_DIR.resolve():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _bounds(features) -> tuple[float, float, float, float] | None:
    lons, lats = [], []

    def walk(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            lons.append(float(c[0]))
            lats.append(float(c[1]))
        elif isinstance(c, (list, tuple)):
            for x in c:
                walk(x)

    for f in features:
        walk((f.get("geometry") or {}).get("coordinates", []))
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_zoom(bounds, plot_w: float, plot_h: float, pad: float = 0.9) -> tuple[dict, float]:
    """(center, zoom) so that ``bounds`` (lon0, lat0, lon1, lat1) fill ``pad`` of the plot area (maplibre, 512 px tiles)."""
    lon0, lat0, lon1, lat1 = bounds
    center = {"lon": (lon0 + lon1) / 2, "lat": math.degrees(2 * math.atan(math.exp((_merc(lat0) + _merc(lat1)) / 2))
                                                            - math.pi / 2)}
    zx = math.log2(max(plot_w * pad, 1) / (max(lon1 - lon0, 1e-6) * 512 / 360))
    zy = math.log2(max(plot_h * pad, 1) / (max(_merc(lat1) - _merc(lat0), 1e-9) * 512 / (2 * math.pi)))
    return center, min(zx, zy)


def inline_geometry(fig: go.Figure, geojson: dict | None = None) -> go.Figure:
    """Replace map traces' geojson URLs by the geometry itself (kaleido has no app server)."""
    for tr in fig.data:
        if tr.type not in ("choroplethmap", "choroplethmapbox"):
            continue
        if isinstance(tr.geojson, str):
            geo = geojson or geojson_from_url(tr.geojson)
            if geo is None:
                raise ImageExportUnavailable(f"no geometry for {tr.geojson!r}")
            key = tr.featureidkey or "id"
            wanted = {str(x) for x in (tr.locations or ())}
            tr.geojson = {"type": "FeatureCollection",
                          "features": [f for f in geo.get("features", []) if feature_id(f, key) in wanted]}
    return fig


# ----------------------------------------------------------------------------- layout for the image

def _is_footer(a) -> bool:
    return a.xref == "paper" and a.yref == "paper" and a.y == 0 and a.yanchor == "top"


def _wrap(text: str, width_chars: int) -> tuple[str, int]:
    """(text wrapped at ``width_chars``, lines added); text already broken with <br> is kept as it is."""
    if not text or "<br>" in text:
        return text, 0
    lines = textwrap.wrap(text, width=max(20, width_chars), break_long_words=False) or [text]
    return "<br>".join(lines), len(lines) - 1


def prepare(fig: go.Figure, size="screen", geojson: dict | None = None) -> go.Figure:
    """A copy of ``fig`` laid out for an image of ``size``: geometry inlined, the map zoomed to fit,
    the title and footer wrapped to the width and kept inside the margins."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    inline_geometry(out, geojson)
    width, height, _scale = image_size(fig, size)
    m = out.layout.margin
    ml, mr, mt, mb = (m.l if m.l is not None else 80), (m.r if m.r is not None else 80), \
        (m.t if m.t is not None else 100), (m.b if m.b is not None else 80)
    # title: wrap long titles, give them room
    # the chart's own unwrapped title and footer (``style.finish``) are wrapped again to this width
    raw_title, raw_footer = unwrapped_texts(out)
    title = out.layout.title.text if out.layout.title and out.layout.title.text else ""
    if title:
        tsize = (out.layout.title.font.size or 16)
        if raw_title:
            wrapped, added = "<br>".join(screen_lines(raw_title, tsize, width - 30)), 0
        else:
            wrapped, added = _wrap(title, int((width - 20) / (tsize * 0.55)))
        out.layout.title.text = wrapped
        mt += added * int(tsize * 1.3)
        has_mark = any(a.yref == "paper" and a.y == 1 and a.yanchor == "bottom" for a in out.layout.annotations)
        gap = 34 if has_mark else 10
        title_h = (wrapped.count("<br>") + 1) * int(tsize * 1.4)
        mt = max(mt, 12 + title_h + gap)
        out.layout.title.update(yref="container", y=1 - (12 + title_h / 2) / height, yanchor="middle")
    # footer annotation(s): wrap and make the bottom margin hold them
    for a in out.layout.annotations:
        if _is_footer(a):
            fsize = (a.font.size if a.font and a.font.size else 11)
            if raw_footer:
                text = "<br>".join(screen_lines(raw_footer, fsize, width - ml - 20))
            else:
                text, _added = _wrap(a.text or "", int((width - ml - 10) / (fsize * 0.56)))
            a.text = text
            n = text.count("<br>") + 1
            need = -(a.yshift or 0) + n * int(fsize * 1.35) + 8
            mb = max(mb, need)
    out.update_layout(width=width, height=height, margin={"l": ml, "r": mr, "t": mt, "b": mb, "autoexpand": True})
    # cartesian charts: long category labels (commune names) must not be cut at the image edge
    if any(tr.type in ("bar", "scatter", "histogram", "box") for tr in out.data):
        out.update_xaxes(automargin=True)
        out.update_yaxes(automargin=True)
    # maps: fit the features in the plot area
    feats = [f for tr in out.data if tr.type == "choroplethmap" and isinstance(tr.geojson, dict)
             for f in tr.geojson.get("features", [])]
    if feats and (b := _bounds(feats)):
        center, zoom = fit_zoom(b, width - ml - mr - 180, height - mt - mb)  # room for the legend on the right
        out.update_layout(map={"center": center, "zoom": zoom})
    return out


# ----------------------------------------------------------------------------- rendering

def _ensure_server() -> None:
    global _server_started
    if _server_started:
        return
    import kaleido
    export_browser_path()
    kaleido.start_sync_server(silence_warnings=True)
    _server_started = True


def _stop_server() -> None:
    global _server_started
    if _server_started:
        import kaleido
        kaleido.stop_sync_server(silence_warnings=True)
        _server_started = False


def _render(fig: go.Figure, fmt: str, scale: float) -> bytes:
    if not available():
        raise ImageExportUnavailable("kaleido and a Chromium are needed for images")
    with _lock:
        _ensure_server()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return pio.to_image(fig, format=fmt, scale=scale, validate=False)
            except Exception:  # a dead browser: restart once
                _stop_server()
                _ensure_server()
                return pio.to_image(fig, format=fmt, scale=scale, validate=False)


def figure_image(fig: go.Figure | str | dict, fmt: str = "png", size="screen",
                 geojson: dict | None = None) -> bytes:
    """PNG or SVG bytes of ``fig`` (a Figure, its JSON or dict) at ``size`` (``screen`` | ``slide``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if isinstance(fig, str):
        fig = pio.from_json(fig, skip_invalid=True)
    else:
        fig = go.Figure(fig)     # a copy: the caller's figure (still on screen) is never changed
    key = hashlib.sha256((fig.to_json() + fmt + str(size) + ("g" if geojson else "")).encode()).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ready = prepare(fig, size, geojson)
    _w, _h, scale = image_size(fig, size)
    data = _render(ready, fmt, scale if fmt == "png" else 1.0)
    with _lock:
        _cache[key] = data
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)
    return data


def to_png(fig, size="screen", geojson: dict | None = None) -> bytes:
    return figure_image(fig, "png", size, geojson)


def to_svg(fig, size: str = "screen", geojson: dict | None = None) -> bytes:
    return figure_image(fig, "svg", size, geojson)


def file_name(name: str, fmt: str, size: str, is_example: bool = False) -> str:
    """'unemployment-2025-slide.png'; '-EXAMPLE' in the name when the data is illustrative."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "chart"
    return f"{safe}{'-EXAMPLE' if is_example else ''}{'-slide' if size == 'slide' else ''}.{fmt}"


def figure_is_example(fig: go.Figure) -> bool:
    """The figure shows example rows (``charts.style.mark_quality`` wrote it in ``layout.meta``)."""
    meta = fig.layout.meta
    return bool(isinstance(meta, dict) and meta.get("example"))
