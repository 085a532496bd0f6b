"""The public directory: search, a listing, its print view, and "report a problem"."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import htmx
from portal.clock import now
from portal.directory import hours as hours_
from portal.directory import queries
from portal.directory.page_cache import KeptPage
from portal.directory.filters import PER_PAGE, WITHIN_CHOICES, category_id, read_filters
from portal.directory.highlight import highlighter
from portal.directory.hours_text import CAPACITY_LABELS, describe_status, span
from portal.directory.languages import LANGUAGE_CHOICES
from portal.directory.models import PROBLEM_KINDS, ProblemReport
from portal.directory.search_documents import category_tag
from portal.forms import Form
from portal.i18n import _
from portal.pagination import Page
from portal.rendering import flash, render
from portal.search.index import IndexUnavailable, SearchRequest
from portal.security.policies import PUBLIC, guarded

log = logging.getLogger(__name__)
# Where the program's people may be: an "open at" hour is looked up in each of these zones, so a
# location outside the program's zone is still a candidate; the exact check uses its own zone.
US_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles")


@guarded(PUBLIC)
def search_results(request):
    """Services that match the person's words and filters, nearest first when they gave a ZIP."""
    at = now()
    key = _page_key(request)
    kept = request.app.state.search_pages.get(key, at) if key is not None else None
    if kept is not None:
        if kept.missed:
            _count_miss(request, kept.missed, at)
        return Response(kept.body, status_code=kept.status_code, headers=dict(kept.headers))
    response, missed, until = _search_page(request, at)
    if key is not None:
        headers = tuple((name, value) for name, value in response.headers.items() if name != "set-cookie")
        request.app.state.search_pages.keep(key, KeptPage(response.body, headers, response.status_code, missed, until))
    return response


def _page_key(request) -> tuple | None:
    """What a visitor's results page depends on; None when it must be rendered for this person alone."""
    if getattr(request.state, "principal", None) is not None or request.state.session.data.get("_flash"):
        return None
    try:
        version = request.state.directory_index.version()
    except IndexUnavailable:
        return None
    return (request.url.query, request.state.language, htmx.is_fragment_request(request), version,
            request.app.state.category_menu.stamp)


def _count_miss(request, text: str, at: datetime) -> None:
    with request.state.sessions.begin() as db:
        queries.record_miss(db, text, at.astimezone(request.app.state.settings.zone).date())


def _search_page(request, at: datetime):
    """The rendered page, the words it found nothing for ("" when it found something), and until when it is true."""
    settings = request.app.state.settings
    filters = read_filters(request.query_params)
    with request.state.sessions() as db:
        category_choices = request.app.state.category_menu.get(lambda: queries.categories(db))
        tags = []
        if filters.category:
            term_id = category_id(filters.category, queries.category_codes(db))
            if term_id is None:
                filters.errors["category"] = _("Choose a category from the list.")
            else:
                tags.append(category_tag(term_id))
        if filters.language:
            tags.append(f"lang_{filters.language}")
        if filters.cost == "free":
            tags.append("cost_free")
        any_tags, accept = (), None
        if filters.open_at is not None or filters.open_now:
            local = filters.open_at
            any_tags = ((tuple({hours_.slot_tag(local or at.astimezone(ZoneInfo(zone))) for zone in (*US_ZONES, settings.timezone)})),)
            accept = _open_check(local, at)
        request_ = SearchRequest(
            text=filters.q, all_tags=tuple(tags), any_tags=any_tags, covers=filters.age,
            near=filters.centre, within=float(filters.within), accept=accept,
            offset=(filters.page - 1) * PER_PAGE, limit=PER_PAGE,
        )
        limited, nothing_to_search = False, False
        try:
            found = request.state.directory_index.search(request_)
            hits = [(uuid.UUID(hit.id), hit.stored, hit.distance) for hit in found.hits]
            more, total, nothing_to_search = found.more, found.total, found.nothing_to_search
        except IndexUnavailable as error:
            log.warning("directory search is limited: %s", error)
            limited, total = True, None
            ids, more = queries.fallback_search(db, filters.q, request_.offset, PER_PAGE)
            facts = queries.stored_facts(db, ids, settings.timezone)
            hits = [(service_id, facts[service_id], None) for service_id in ids if service_id in facts]
    results = [queries.card(service_id, facts, distance, at, settings.timezone) for service_id, facts, distance in hits]
    missed = filters.q if filters.q and not results and filters.page == 1 and not filters.errors and not limited else ""
    if missed:
        _count_miss(request, missed, at)
    context = {
        "filters": filters, "params": filters.params(), "results": results, "total": total,
        "page": Page(filters.page, PER_PAGE, has_next=more), "limited": limited, "nothing_to_search": nothing_to_search,
        "categories": category_choices, "language_choices": LANGUAGE_CHOICES, "capacity_labels": CAPACITY_LABELS, "within_choices": WITHIN_CHOICES,
        "highlight": highlighter(filters.q), "now": at,
    }
    if filters.open_now:  # which places are open now changes with any place's hours, not only those shown
        until = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    else:  # the cards' texts change when a shown place opens or closes, and at midnight
        midnight = datetime.combine(at.astimezone(settings.zone).date() + timedelta(days=1), datetime.min.time(), tzinfo=settings.zone)
        until = min([midnight, *(card.changes_at for card in results)])
    return render(request, "directory/search_results.html", context, fragment="directory"), missed, until


def _open_check(local: datetime | None, at: datetime):
    def accept(stored: dict) -> bool:
        places = [hours_.from_json(h) for h in stored.get("hours", [])]
        if local is None:
            return hours_.is_open(places, at)
        return any(hours_.is_open([h], local.replace(tzinfo=ZoneInfo(h.zone))) for h in places)
    return accept


def _service_id(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["service_id"])
    except ValueError:
        raise HTTPException(404) from None


@guarded(PUBLIC)
def listing(request):
    """Everything about one service: what it offers, who can use it, where and when, and how to reach it."""
    return _listing_page(request, "directory/listing.html")


@guarded(PUBLIC)
def listing_print(request):
    """The listing on one printed page, without navigation."""
    return _listing_page(request, "directory/listing_print.html")


def _listing_page(request, template: str, form: Form | None = None, status_code: int = 200):
    settings = request.app.state.settings
    with request.state.sessions() as db:
        found = queries.listing(db, _service_id(request), settings.timezone)
    if found is None:
        raise HTTPException(404)
    at = now()
    local_today = at.astimezone(settings.zone).date()
    week_start = local_today
    context = {
        "listing": found, "now": at, "capacity_labels": CAPACITY_LABELS, "hour_span": span,
        "status_text": describe_status(hours_.status(found.hours, at), at, found.hours[0].zone if found.hours else settings.timezone),
        "weeks": [(place, hours_.week(place.hours, week_start)) for place in found.places],
        "service_week": hours_.week(found.hours[0], week_start) if found.hours and not found.places else None,
        "share_url": str(request.url_for("listing", service_id=found.service.id)),
        "form": form or Form(), "problem_kinds": PROBLEM_KINDS, "today": local_today,
        "upcoming_closures": _closures(found, local_today),
    }
    return render(request, template, context, status_code=status_code)


def _closures(found, today) -> list[tuple]:
    """Closures and special hours in the next 60 days, for "Holiday closures"."""
    result = []
    for place_hours in found.hours:
        for exception in place_hours.exceptions:
            if exception.ends >= today and exception.starts <= today + timedelta(days=60):
                result.append((exception, place_hours.zone))
    return sorted({(e.starts, e.ends, e.opens, e.closes, e.note) for e, _ in result})


@guarded(PUBLIC)
def report_problem(request):
    """Tell the organisation and our coordinators that something in a listing is wrong."""
    service_id = _service_id(request)
    form = Form(request.state.form)
    kind = form.choice("kind", PROBLEM_KINDS, label=_("What is wrong?"))
    comment = form.text("comment", label=_("Tell us more"), required=False, max_length=2000)
    reply_to = form.email("reply_to", label=_("Your email (if you want an answer)"), required=False) or None
    if kind == "other" and not comment:
        form.error("comment", _("Tell us what is wrong."))
    if not form.ok:
        return _listing_page(request, "directory/listing.html", form=form, status_code=400)
    with request.state.sessions.begin() as db:
        if queries.listing(db, service_id, request.app.state.settings.timezone) is None:
            raise HTTPException(404)
        db.add(ProblemReport(service_id=service_id, kind=kind, comment=comment, reply_to=reply_to))
    flash(request, _("Thank you. We will check this listing."), "success")
    return RedirectResponse(str(request.url_for("listing", service_id=service_id)) + "#report", status_code=303)


routes = [
    Route("/directory", search_results, name="search_results"),
    Route("/directory/services/{service_id}", listing, name="listing"),
    Route("/directory/services/{service_id}/print", listing_print, name="listing_print"),
    Route("/directory/services/{service_id}/report", report_problem, methods=["POST"], name="report_problem"),
]
