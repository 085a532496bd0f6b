"""The search page's address-bar parameters, read leniently: a bad value gets a message, never an error page."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from portal.forms import query_text
from portal.i18n import _

WITHIN_CHOICES = (1, 2, 5, 10, 25, 50)
DEFAULT_WITHIN = 10
MAX_PAGE = 50
PER_PAGE = 10  # a phone screen or two; more pages are a tap away
_ZIP = re.compile(r"\d{5}")
_LANGUAGE = re.compile(r"[a-z]{2}")


@cache
def zip_centre(code: str) -> tuple[float, float] | None:
    """The centre of a US ZIP code, from the `zipcodes` package's offline data."""
    import zipcodes

    try:
        found = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    if not found or not found[0].get("lat"):
        return None
    return float(found[0]["lat"]), float(found[0]["long"])


@dataclass
class DirectoryFilters:
    q: str = ""
    near: str = ""
    within: int = DEFAULT_WITHIN
    category: str = ""
    open_now: bool = False
    open_at: datetime | None = None
    open_at_text: str = ""
    language: str = ""
    cost: str = ""
    age: int | None = None
    page: int = 1
    centre: tuple[float, float] | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.q or self.near or self.category or self.open_now or self.open_at or self.language or self.cost or self.age is not None)

    def params(self) -> dict[str, str]:
        """The filters as they go back into links (page links, the form), without empty ones."""
        values = {
            "q": self.q, "near": self.near, "within": str(self.within) if self.near else "",
            "category": self.category, "open_now": "1" if self.open_now else "", "open_at": self.open_at_text,
            "language": self.language, "cost": self.cost, "age": "" if self.age is None else str(self.age),
        }
        return {key: value for key, value in values.items() if value}


def read_filters(params) -> DirectoryFilters:
    filters = DirectoryFilters(q=query_text(params, "q", 200))
    near = query_text(params, "near", 10)
    if near:
        filters.near = near
        centre = zip_centre(near) if _ZIP.fullmatch(near) else None
        if centre is None:
            filters.errors["near"] = _("Enter a 5-digit US ZIP code, like 60608.")
        filters.centre = centre
    within = query_text(params, "within", 4)
    if within:
        if within.isdigit() and int(within) in WITHIN_CHOICES:
            filters.within = int(within)
        else:
            filters.errors["within"] = _("Choose a distance from the list.")
    filters.category = query_text(params, "category", 80)
    filters.open_now = query_text(params, "open_now", 5) in {"1", "on", "true"}
    open_at = query_text(params, "open_at", 20)
    if open_at:
        filters.open_at_text = open_at
        try:
            filters.open_at = datetime.fromisoformat(open_at).replace(tzinfo=None, second=0, microsecond=0)
        except ValueError:
            filters.errors["open_at"] = _("Enter a date and time, like 2026-12-01 18:30.")
    language = query_text(params, "language", 10).lower()
    if language:
        if _LANGUAGE.fullmatch(language):
            filters.language = language
        else:
            filters.errors["language"] = _("Choose a language from the list.")
    cost = query_text(params, "cost", 10)
    if cost == "free":
        filters.cost = "free"
    elif cost:
        filters.errors["cost"] = _("Choose a cost from the list.")
    age = query_text(params, "age", 4)
    if age:
        if age.isdigit() and int(age) <= 120:
            filters.age = int(age)
        else:
            filters.errors["age"] = _("Enter an age in years, like 34.")
    page = query_text(params, "page", 4)
    filters.page = int(page) if page.isdigit() and 1 <= int(page) <= MAX_PAGE else 1
    return filters


def category_id(value: str, codes: dict[str, uuid.UUID]) -> uuid.UUID | None:
    """A taxonomy term given by id or by code."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return codes.get(value.casefold())
