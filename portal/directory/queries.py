"""What the directory pages show, read from the database (the search index only says which services)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.directory import hours as hours_
from portal.directory.models import (
    Accessibility, Address, Attribute, Contact, CostOption, Language, Location, Organization, Phone, ProblemReport,
    Program, RequiredDocument, Schedule, SearchMiss, Service, ServiceArea, ServiceAtLocation, ServiceCapacity, TaxonomyTerm,
    Unit, Url,
)
from portal.directory.hours_text import describe_status, span
from portal.directory.hsds_spec import PORTAL_TAXONOMY_ID
from portal.directory.search_documents import SEARCHABLE_STATUSES, ServiceFacts
from portal.search.analysis import terms


@dataclass
class Card:
    """One search result, as the results list shows it, from the facts stored with its search document."""

    id: uuid.UUID
    facts: dict
    distance: float | None
    status_text: str
    today: str
    verified: date | None
    changes_at: datetime  # when the status or today's hours next read differently


def card(service_id: uuid.UUID, facts: dict, distance: float | None, at: datetime, zone: str) -> Card:
    places = [hours_.from_json(h) for h in facts["hours"]]
    first = places[0] if places else hours_.Hours(zone=zone)
    local = at.astimezone(ZoneInfo(first.zone))
    status = hours_.status(places, at)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=local.tzinfo)  # "today", "tomorrow"
    return Card(
        id=service_id, facts=facts, distance=distance,
        status_text=describe_status(status, at, first.zone),
        today=", ".join(span(opens, closes, first.zone) for opens, closes in first.intervals(local.date())),
        verified=date.fromisoformat(facts["verified"]) if facts["verified"] else None,
        changes_at=min(filter(None, (status.closes_at, status.next_opening, midnight))),
    )


def stored_facts(db: Session, ids: list[uuid.UUID], zone: str) -> dict[uuid.UUID, dict]:
    """Card facts read from the tables, for when the search index cannot give them."""
    facts = ServiceFacts.load(db, ids, zone)
    return {service_id: facts.card_facts(service) for service_id, service in facts.services.items()}


@dataclass
class Place:
    link: ServiceAtLocation
    location: Location
    addresses: list[Address]
    accessibility: list[Accessibility]
    phones: list[Phone]
    hours: hours_.Hours
    languages: list[Language] = field(default_factory=list)

    @property
    def address(self) -> Address | None:
        return next((a for a in self.addresses if a.address_type == "physical"), self.addresses[0] if self.addresses else None)


@dataclass
class Listing:
    service: Service
    organization: Organization
    program: Program | None
    places: list[Place]
    phones: list[Phone]
    languages: list[Language]
    costs: list[CostOption]
    documents: list[RequiredDocument]
    areas: list[ServiceArea]
    contacts: list[Contact]
    capacities: list[tuple[ServiceCapacity, Unit | None]]
    categories: list[TaxonomyTerm]
    urls: list[Url]
    hours: list[hours_.Hours]


def listing(db: Session, service_id: uuid.UUID, zone: str) -> Listing | None:
    """Everything about one service; None if there is no such service (or it is defunct)."""
    service = db.get(Service, service_id)
    if service is None or service.status == "defunct":
        return None
    organization = db.get(Organization, service.organization_id)
    links = list(db.exec(select(ServiceAtLocation).where(ServiceAtLocation.service_id == service_id).order_by(ServiceAtLocation.id)))
    places = []
    for link in links:
        location = db.get(Location, link.location_id)
        own = _rows(db, Schedule, Schedule.service_at_location_id == link.id) or _rows(db, Schedule, Schedule.location_id == location.id) \
            or _rows(db, Schedule, Schedule.service_id == service_id)
        places.append(Place(
            link=link, location=location,
            addresses=_rows(db, Address, Address.location_id == location.id),
            accessibility=_rows(db, Accessibility, Accessibility.location_id == location.id),
            phones=_rows(db, Phone, or_(Phone.service_at_location_id == link.id, Phone.location_id == location.id)),
            hours=hours_.from_schedules([s.model_dump() for s in own], location.timezone or zone),
            languages=_rows(db, Language, Language.location_id == location.id),
        ))
    service_hours = [p.hours for p in places]
    if not places:
        schedules = _rows(db, Schedule, Schedule.service_id == service_id)
        if schedules:
            service_hours = [hours_.from_schedules([s.model_dump() for s in schedules], zone)]
    phones = _rows(db, Phone, Phone.service_id == service_id) or _rows(db, Phone, Phone.organization_id == service.organization_id)
    capacities = [(c, db.get(Unit, c.unit_id)) for c in _rows(db, ServiceCapacity, ServiceCapacity.service_id == service_id)]
    categories = list(db.exec(
        select(TaxonomyTerm).join(Attribute, Attribute.taxonomy_term_id == TaxonomyTerm.id)
        .where(Attribute.link_id == service_id, Attribute.link_entity == "service", TaxonomyTerm.taxonomy_id != PORTAL_TAXONOMY_ID)
        .order_by(TaxonomyTerm.name)))
    return Listing(
        service=service, organization=organization,
        program=db.get(Program, service.program_id) if service.program_id else None,
        places=places, phones=phones,
        languages=_rows(db, Language, Language.service_id == service_id),
        costs=_rows(db, CostOption, CostOption.service_id == service_id),
        documents=_rows(db, RequiredDocument, RequiredDocument.service_id == service_id),
        areas=_rows(db, ServiceArea, ServiceArea.service_id == service_id),
        contacts=_rows(db, Contact, Contact.service_id == service_id),
        capacities=capacities, categories=categories,
        urls=_rows(db, Url, Url.service_id == service_id),
        hours=service_hours,
    )


def _rows(db: Session, model, condition) -> list:
    return list(db.exec(select(model).where(condition).order_by(model.id)))


@dataclass
class Category:
    id: uuid.UUID
    code: str
    name: str
    parent_id: uuid.UUID | None
    children: list[Category] = field(default_factory=list)


def categories(db: Session) -> list[Category]:
    """The category terms that services use, as a tree of top-level terms and their children."""
    used = select(Attribute.taxonomy_term_id).where(Attribute.link_entity == "service").distinct()
    terms_ = list(db.exec(select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id != PORTAL_TAXONOMY_ID).order_by(TaxonomyTerm.name)))
    in_use = set(db.exec(used).all())
    by_id = {t.id: Category(t.id, t.code or "", t.name, t.parent_id) for t in terms_}
    roots = []
    for category in by_id.values():
        parent = by_id.get(category.parent_id) if category.parent_id else None
        if parent is not None:
            if category.id in in_use:
                parent.children.append(category)
        elif category.id in in_use or category.id in {c.parent_id for c in by_id.values() if c.id in in_use}:
            roots.append(category)
    return roots


def category_codes(db: Session) -> dict[str, uuid.UUID]:
    return {code.casefold(): term_id for term_id, code in db.execute(select(TaxonomyTerm.id, TaxonomyTerm.code)) if code}


def fallback_search(db: Session, text: str, offset: int, limit: int) -> tuple[list[uuid.UUID], bool]:
    """While the index rebuilds: services whose name or description holds every word (slow, plain)."""
    query = select(Service.id).where(Service.status.in_(SEARCHABLE_STATUSES))
    for word in text.split()[:6]:
        pattern = "%" + word.replace("\\", "").replace("%", "").replace("_", "")[:40] + "%"
        query = query.where(or_(Service.name.ilike(pattern), Service.description.ilike(pattern)))
    ids = list(db.execute(query.order_by(Service.name).offset(offset).limit(limit + 1)).scalars())
    return ids[:limit], len(ids) > limit


def normalised_query(text: str) -> str:
    return " ".join(terms(text))[:200]


def record_miss(db: Session, text: str, day: date) -> None:
    """Count a search that found nothing: the words and the day, not who searched."""
    query = normalised_query(text)
    if not query:
        return
    counted = db.execute(update(SearchMiss).where(SearchMiss.day == day, SearchMiss.query == query)
                         .values(count=SearchMiss.count + 1)).rowcount
    if not counted:
        try:
            with db.begin_nested():
                db.add(SearchMiss(day=day, query=query, count=1))
        except IntegrityError:  # someone else counted the same words first
            db.execute(update(SearchMiss).where(SearchMiss.day == day, SearchMiss.query == query).values(count=SearchMiss.count + 1))


def top_misses(db: Session, since: date, limit: int = 100) -> list[tuple[str, int, date]]:
    query = (select(SearchMiss.query, func.sum(SearchMiss.count), func.max(SearchMiss.day))
             .where(SearchMiss.day >= since).group_by(SearchMiss.query)
             .order_by(func.sum(SearchMiss.count).desc(), SearchMiss.query).limit(limit))
    return [(text, int(count), day) for text, count, day in db.execute(query)]


@dataclass
class ReportRow:
    report: ProblemReport
    service_name: str
    organization_name: str


def open_reports(db: Session, organization_ids: list[uuid.UUID] | None = None, limit: int = 200) -> list[ReportRow]:
    """Unresolved problem reports, newest first; only these organisations' when given."""
    query = (select(ProblemReport, Service.name, Organization.name)
             .join(Service, Service.id == ProblemReport.service_id)
             .join(Organization, Organization.id == Service.organization_id)
             .where(ProblemReport.resolved_at.is_(None)).order_by(ProblemReport.created_at.desc()).limit(limit))
    if organization_ids is not None:
        query = query.where(Service.organization_id.in_(organization_ids))
    return [ReportRow(report, service, organization) for report, service, organization in db.exec(query)]


def report_organization(db: Session, report_id: uuid.UUID) -> tuple[ProblemReport, uuid.UUID] | None:
    found = db.exec(select(ProblemReport, Service.organization_id).join(Service, Service.id == ProblemReport.service_id)
                    .where(ProblemReport.id == report_id)).first()
    return (found[0], found[1]) if found else None


def services_of(db: Session, organization_ids: list[uuid.UUID]) -> list[Service]:
    return list(db.exec(select(Service).where(Service.organization_id.in_(organization_ids)).order_by(Service.name)))
