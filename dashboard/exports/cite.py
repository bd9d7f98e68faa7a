"""'Cite this figure': a citation in the interface language for a headline number (figure, commune,
year, value, source, quality, link to the view), and the shareable URL of a view.

Pure functions; the popover that shows a citation is ``ui.cite.cite_popover``.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

from dashboard.model.meta import example_mark
from dashboard.model.quality import Quality
from dashboard.text.format import fmt_date
from dashboard.text.i18n import translator
from dashboard.text.plain import clean


def base_url(current_url: str | None) -> str:
    """'http://host:8501/commune?lang=fr' -> 'http://host:8501/' (keeps a base path such as '/monitor/')."""
    if not current_url:
        return ""
    parts = urlsplit(current_url)
    path = parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme else path


def view_url(base: str, page: str = "", params: dict | None = None) -> str:
    """Shareable link: ``base`` + page url path + the view's query parameters (None / '' dropped, lists
    comma-joined), in a stable order: lang first, then the others sorted."""
    params = {k: (",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v))
              for k, v in (params or {}).items() if v not in (None, "", [], ())}
    ordered = ({"lang": params.pop("lang")} if "lang" in params else {}) | dict(sorted(params.items()))
    url = (base or "").rstrip("/") + "/" + page.strip("/")
    return url + ("?" + urlencode(ordered, safe=",") if ordered else "")


def citation(*, lang: str, figure: str, value: str, year, where: str, source: str, quality: Quality | str = "",
             url: str = "", accessed: date | None = None) -> str:
    """'Taux de chômage ONEM, Ixelles / Elsene, 2025 : 12,8 %. Source : ONEM/RVA … (officiel). Brussels
    Social Impact Monitor, <url> (consulté le 27 novembre 2026).'

    ``quality``: of the rows behind the figure (a ``Quality`` or a tier, never a translated word); an
    example figure's citation opens with the example mark and says it again after the source. Plain
    text (shown in a code block), one line: data text is cleaned of control characters."""
    _ = translator(lang)
    quality = Quality.of(quality)
    accessed = accessed or date.today()
    head = ", ".join(clean(p) for p in (figure, where, year) if p not in (None, ""))
    colon = " : " if lang == "fr" else ": "
    parts = [f"[{_('EXAMPLE DATA')}]"] if quality.is_example else []
    value = clean(value)
    parts.append(f"{head}{colon}{value}" + ("" if value.endswith(".") else "."))
    src = _("Source: {source}", source=clean(source)) if source else ""
    label = quality.label(lang)
    if src:
        parts.append(src + (f" ({label})" if label else "") + ".")
    elif label:
        parts.append(_("Quality: {quality}", quality=label) + ".")
    if quality.is_example:
        parts.append(example_mark(lang) + ".")
    tail = _("Brussels Social Impact Monitor")
    if url:
        tail += f", {url}"
    tail += " (" + _("accessed {date}", date=fmt_date(accessed, lang)) + ")."
    parts.append(tail)
    return " ".join(parts)
