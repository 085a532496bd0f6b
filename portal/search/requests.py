"""What a search asks for and what it gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    all_tags: tuple[str, ...] = ()
    any_tags: tuple[tuple[str, ...], ...] = ()  # each inner group: at least one must be there
    covers: int | None = None
    near: tuple[float, float] | None = None
    within: float = 10.0
    accept: Callable[[dict], bool] | None = None  # a last check on each hit's stored dict
    offset: int = 0
    limit: int = 20


@dataclass
class Hit:
    id: str
    stored: dict
    distance: float | None = None


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # there are hits past this page
    total: int | None = None  # exact, when it came for free
    estimate: int = 0
    nothing_to_search: bool = False
