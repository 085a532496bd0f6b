"""Languages: which one a request speaks, its translations, and dates in the person's locale."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT = "en"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
COOKIE = "lang"

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT)
_zone: contextvars.ContextVar[ZoneInfo | None] = contextvars.ContextVar("zone", default=None)


@cache
def translations(language: str) -> NullTranslations:
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")


def current_language() -> str:
    return _locale.get()


def use_language(language: str, zone: ZoneInfo | None = None) -> None:
    _locale.set(language if language in LANGUAGES else DEFAULT)
    if zone is not None:
        _zone.set(zone)


@contextmanager
def speaking(language: str):
    """Translate in another language for a while (an e-mail in the recipient's language)."""
    token = _locale.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _locale.reset(token)


def gettext(message: str, **variables) -> str:
    text = translations(_locale.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    text = translations(_locale.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def template_gettext(message: str) -> str:
    """For Jinja's newstyle i18n, which does the %-formatting (and escaping) itself."""
    return translations(_locale.get()).gettext(message)


def template_ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_locale.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, at request time."""
    return message


def negotiate(accept_language: str) -> str | None:
    preferred = []
    for part in accept_language.split(",")[:20]:
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag and tag != "*":
            preferred.append(tag)
    try:
        found = Locale.negotiate(preferred, list(LANGUAGES), sep="_")
    except (UnknownLocaleError, ValueError):
        return None
    return str(found) if found else None


def choose_language(saved: str | None, cookie: str | None, accept_language: str) -> str:
    """A person's saved preference, then the cookie, then what the browser asks for."""
    for candidate in (saved, cookie):
        if candidate in LANGUAGES:
            return candidate
    return negotiate(accept_language) or DEFAULT


def _zone_or(zone: ZoneInfo | None) -> ZoneInfo | None:
    return zone or _zone.get()


def format_when(value: datetime | None, format: str = "medium", zone: ZoneInfo | None = None) -> str:
    if value is None:
        return ""
    return format_datetime(value, format=format, tzinfo=_zone_or(zone), locale=_locale.get())


def format_day(value: date | datetime | None, format: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone.get()) if _zone.get() else value
    return format_date(value, format=format, locale=_locale.get())


def format_clock(value: datetime | None, zone: ZoneInfo | None = None) -> str:
    if value is None:
        return ""
    return format_time(value, format="short", tzinfo=_zone_or(zone), locale=_locale.get())


class LanguageMiddleware:
    """Picks the request's language (and the program's time zone) before the handler runs."""

    def __init__(self, app, *, zone: ZoneInfo):
        self.app = app
        self.zone = zone

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        principal = scope.get("state", {}).get("principal")
        language = choose_language(
            principal.language if principal else None,
            _cookie_value(headers.get(b"cookie", b"").decode("latin-1"), COOKIE),
            headers.get(b"accept-language", b"").decode("latin-1"),
        )
        use_language(language, self.zone)
        scope.setdefault("state", {})["language"] = language
        await self.app(scope, receive, send)


def _cookie_value(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def format_number(value: float) -> str:
    """A number as the reader writes it (1.5 in English, 1,5 in Spanish)."""
    return format_decimal(value, locale=_locale.get())
