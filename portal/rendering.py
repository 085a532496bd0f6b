"""The Jinja environment and `render()`: the whole page, or one named block of it for htmx."""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments.starlette import Jinja2Blocks

from portal import htmx, i18n
from portal.security.csrf import csrf_token

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def _fingerprint(path: str) -> str:
    return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]


def static_url(path: str) -> str:
    """A static file's URL with its content hash, so browsers may cache it for a year."""
    return f"/static/{path}?v={_fingerprint(path)}"


def web_url(value) -> str:
    """A link from data only if it is http(s): a `javascript:` address in a listing must not run."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def flash(request, message: str, kind: str = "info") -> None:
    """Show a message on the next page this browser sees."""
    request.state.session.data.setdefault("_flash", []).append({"message": message, "kind": kind})


def _take_flashes(request) -> list[dict]:
    return request.state.session.data.pop("_flash", []) if request.state.session.data.get("_flash") else []


def _path_finder(app):
    """path_for(name, **params) for templates, remembered per app: Starlette walks every route to
    build each path, and a results page builds about twenty."""
    finder = getattr(app.state, "path_for", None)
    if finder is None:
        @lru_cache(maxsize=8192)
        def remembered(name: str, params: tuple) -> str:
            return str(app.url_path_for(name, **dict(params)))

        def finder(name: str, **params) -> str:
            return remembered(name, tuple(sorted((key, str(value)) for key, value in params.items())))

        app.state.path_for = finder
    return finder


def _context(request) -> dict:
    state = request.state
    return {
        "principal": getattr(state, "principal", None),
        "language": getattr(state, "language", i18n.DEFAULT),
        "languages": i18n.LANGUAGES,
        "csrf_token": lambda: csrf_token(request),
        "path_for": _path_finder(request.app),
        "current_path": request.url.path,
        "flashes": _take_flashes(request),
        "development": request.app.state.settings.development,
        "request_id": getattr(state, "request_id", ""),
    }


def create_templates(**extra_globals) -> Jinja2Blocks:
    """The environment; features may add globals (app.py passes them, so rendering imports no feature)."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(i18n.template_gettext, i18n.template_ngettext, newstyle=True)
    environment.filters["dict_merge"] = lambda params, **changes: {**{k: v for k, v in params.items() if v}, **changes}
    environment.filters["tel"] = lambda number: "".join(c for c in str(number) if c.isdigit() or c == "+")
    environment.filters["web_url"] = web_url
    environment.globals.update(
        static_url=static_url,
        format_when=i18n.format_when,
        format_day=i18n.format_day,
        format_clock=i18n.format_clock,
        format_decimal=i18n.format_number,
        **extra_globals,
    )
    return Jinja2Blocks(env=environment, context_processors=[_context])


def render(request, template: str, context: dict | None = None, *, fragment: str | None = None, status_code: int = 200, headers=None):
    templates: Jinja2Blocks = request.app.state.templates
    context = context or {}
    if fragment and htmx.is_fragment_request(request):
        response = templates.TemplateResponse(request, template, context, status_code=status_code, headers=headers, block_name=fragment)
    else:
        response = templates.TemplateResponse(request, template, context, status_code=status_code, headers=headers)
    return htmx.vary_on_htmx(response)
