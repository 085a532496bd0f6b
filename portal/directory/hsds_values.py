"""One HSDS value in and out: text from a CSV cell or a JSON value, checked and turned into ours."""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from portal.directory.hsds_spec import MAX_TEXT, Field

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class BadValue(ValueError):
    """The message says what is wrong in words a data manager understands."""


def parse(field: Field, raw):
    """A checked Python value for `field`, or None when empty; raises BadValue."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if field.required:
            raise BadValue("is required")
        return None
    if field.kind == "number":
        return _number(raw)
    if not isinstance(raw, str):
        raise BadValue(f"must be text, not {type(raw).__name__}")
    text = raw.strip()
    if "\x00" in text:
        raise BadValue("contains a NUL character")
    if len(text) > MAX_TEXT:
        raise BadValue(f"is longer than {MAX_TEXT} characters")
    return _PARSERS.get(field.kind, _text)(field, text)


def _number(raw) -> float:
    if isinstance(raw, bool):
        raise BadValue("must be a number")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadValue(f"must be a number, not {str(raw)[:40]!r}") from None
    if not math.isfinite(value):
        raise BadValue("must be a finite number")
    return value


def _uuid(_field, text):
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BadValue(f"must be a UUID, not {text[:40]!r}") from None


def _date(_field, text):
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"must be a date as YYYY-MM-DD, not {text[:40]!r}") from None


def _datetime(_field, text):
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(f"must be a date and time as 2026-01-31T14:30:00Z, not {text[:40]!r}") from None
    if value.tzinfo is None:
        raise BadValue("needs a time zone (Z or an offset such as -06:00)")
    return value.astimezone(UTC)


def _time(_field, text):
    if not TIME_OF_DAY.fullmatch(text):
        raise BadValue(f"must be a time of day as HH:MM, not {text[:40]!r}")
    return text


def _enum(field, text):
    if text not in field.choices:
        raise BadValue(f"must be one of {', '.join(field.choices)}, not {text[:40]!r}")
    return text


def _email(_field, text):
    if not _EMAIL.fullmatch(text):
        raise BadValue(f"must be an e-mail address, not {text[:40]!r}")
    return text


def _uri(_field, text):
    parts = urlsplit(text)
    if not parts.scheme or not (parts.netloc or parts.path) or any(c.isspace() for c in text):
        raise BadValue(f"must be a full web address (https://...), not {text[:40]!r}")
    return text


def _text(_field, text):
    return text


_PARSERS = {
    "uuid": _uuid, "date": _date, "datetime": _datetime, "time": _time,
    "enum": _enum, "email": _email, "uri": _uri,
}


def to_json(value):
    """Our value as HSDS JSON has it (None stays None; the caller drops it)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        micro = value.microsecond
        spec = "seconds" if not micro else "milliseconds" if micro % 1000 == 0 else "microseconds"
        return value.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")
    if isinstance(value, (date, uuid.UUID)):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    return value


def to_cell(value) -> str:
    """Our value as a CSV cell."""
    value = to_json(value)
    return "" if value is None else str(value)
