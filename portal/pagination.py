"""Page numbers from the query string, and the slice of a query they select."""

from dataclasses import dataclass

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    has_next: bool = False

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page


def page_from(query_params, per_page: int = PER_PAGE) -> Page:
    raw = query_params.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < len(raw) < 6 else 1
    return Page(number=max(number, 1), per_page=per_page)


def fetch_page(db, statement, page: Page) -> tuple[list, Page]:
    """One page of rows; asks for one more row to know whether there is a next page (no count)."""
    rows = list(db.exec(statement.offset(page.offset).limit(page.per_page + 1)).all())
    return rows[: page.per_page], Page(page.number, page.per_page, has_next=len(rows) > page.per_page)
