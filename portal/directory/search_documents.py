"""A service as a search document: its words, its filter tags, where it is and when it is open."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlmodel import select
from sqlmodel import Session

from portal.directory import hours as hours_
from portal.directory.models import (
    Address, Attribute, CostOption, Language, Location, Organization, Phone, Schedule, Service, ServiceAtLocation,
    TaxonomyTerm,
)

INDEX_NAME = "directory"
SEARCHABLE_STATUSES = ("active", "temporarily closed")
CARD_TEXT = 600  # characters of the description kept for a result's snippet


def all_ids(db: Session) -> list[str]:
    query = select(Service.id).where(Service.status.in_(SEARCHABLE_STATUSES)).order_by(Service.id)
    return [str(service_id) for service_id in db.execute(query).scalars()]


def category_tag(term_id: uuid.UUID) -> str:
    return f"cat_{term_id.hex}"


def load_documents(db: Session, ids: list[str], zone: str) -> dict[str, dict | None]:
    """The document of each service, or None when it should not be found (gone, inactive, defunct)."""
    facts = ServiceFacts.load(db, [uuid.UUID(i) for i in ids], zone)
    result: dict[str, dict | None] = {i: None for i in ids}
    for service_id, service in facts.services.items():
        if service.status in SEARCHABLE_STATUSES:
            result[str(service_id)] = facts.document(service)
    return result


class ServiceFacts:
    """Everything about a set of services that search and result cards need, loaded in a few queries."""

    def __init__(self):
        self.services: dict[uuid.UUID, Service] = {}
        self.organizations: dict[uuid.UUID, Organization] = {}
        self.places: dict[uuid.UUID, list[tuple[ServiceAtLocation, Location, Address | None]]] = defaultdict(list)
        self.hours: dict[uuid.UUID, list[hours_.Hours]] = defaultdict(list)
        self.languages: dict[uuid.UUID, list[Language]] = defaultdict(list)
        self.costs: dict[uuid.UUID, list[CostOption]] = defaultdict(list)
        self.categories: dict[uuid.UUID, list[TaxonomyTerm]] = defaultdict(list)
        self.phones: dict[uuid.UUID, list[Phone]] = defaultdict(list)

    @classmethod
    def load(cls, db: Session, service_ids: list[uuid.UUID], zone: str) -> ServiceFacts:
        facts = cls()
        services = list(db.exec(select(Service).where(Service.id.in_(service_ids))))
        facts.services = {service.id: service for service in services}
        org_ids = {s.organization_id for s in services}
        facts.organizations = {o.id: o for o in db.exec(select(Organization).where(Organization.id.in_(org_ids)))}
        rows = db.exec(select(ServiceAtLocation, Location).join(Location, Location.id == ServiceAtLocation.location_id)
                       .where(ServiceAtLocation.service_id.in_(service_ids)).order_by(ServiceAtLocation.id)).all()
        location_ids = {location.id for _, location in rows}
        addresses = {}
        for address in db.exec(select(Address).where(Address.location_id.in_(location_ids)).order_by(Address.id)):
            if address.location_id not in addresses or address.address_type == "physical":
                addresses[address.location_id] = address
        sal_ids = [sal.id for sal, _ in rows]
        schedules = defaultdict(list)
        # Each schedule belongs to its most specific owner: a place of a service, a location, or a service.
        table = Schedule.__table__
        query = select(table).where(
            table.c.service_at_location_id.in_(sal_ids)
            | (table.c.service_at_location_id.is_(None) & table.c.location_id.in_(location_ids))
            | (table.c.service_at_location_id.is_(None) & table.c.location_id.is_(None) & table.c.service_id.in_(service_ids)))
        for schedule in db.execute(query.order_by(table.c.id)).mappings():
            key = ("sal", schedule["service_at_location_id"]) if schedule["service_at_location_id"] else \
                  ("location", schedule["location_id"]) if schedule["location_id"] else ("service", schedule["service_id"])
            schedules[key].append(schedule)
        for sal, location in rows:
            facts.places[sal.service_id].append((sal, location, addresses.get(location.id)))
            own = schedules.get(("sal", sal.id)) or schedules.get(("location", location.id)) or schedules.get(("service", sal.service_id), [])
            facts.hours[sal.service_id].append(hours_.from_schedules(own, location.timezone or zone))
        for service in services:
            if not facts.places[service.id] and schedules.get(("service", service.id)):
                facts.hours[service.id].append(hours_.from_schedules(schedules[("service", service.id)], zone))
        for language in db.exec(select(Language).where(Language.service_id.in_(service_ids)).order_by(Language.id)):
            facts.languages[language.service_id].append(language)
        for cost in db.exec(select(CostOption).where(CostOption.service_id.in_(service_ids)).order_by(CostOption.id)):
            facts.costs[cost.service_id].append(cost)
        query = (select(Attribute.link_id, TaxonomyTerm).join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
                 .where(Attribute.link_id.in_(service_ids), Attribute.link_entity == "service").order_by(TaxonomyTerm.name))
        for service_id, term in db.exec(query):
            facts.categories[service_id].append(term)
        facts._load_phones(db, services, rows)
        return facts

    def _load_phones(self, db: Session, services: list[Service], rows) -> None:
        """Each service's phones, its own first, then its places', then its organisation's."""
        owners = {}
        for service in services:
            owners.setdefault(("service", service.id), []).append(service.id)
            owners.setdefault(("organization", service.organization_id), []).append(service.id)
        for sal, location in rows:
            owners.setdefault(("sal", sal.id), []).append(sal.service_id)
            owners.setdefault(("location", location.id), []).append(sal.service_id)
        def ids(kind):
            return [owner_id for owner_kind, owner_id in owners if owner_kind == kind]
        # A phone belongs to its most specific owner; a location's or organisation's own phones have no service.
        query = select(Phone).where(
            Phone.service_id.in_(ids("service")) | Phone.service_at_location_id.in_(ids("sal"))
            | (Phone.service_id.is_(None) & Phone.service_at_location_id.is_(None) & Phone.location_id.in_(ids("location")))
            | (Phone.service_id.is_(None) & Phone.service_at_location_id.is_(None) & Phone.location_id.is_(None)
               & Phone.organization_id.in_(ids("organization")))).order_by(Phone.id)
        found = list(db.exec(query))
        for kind, column in (("service", "service_id"), ("sal", "service_at_location_id"),
                             ("location", "location_id"), ("organization", "organization_id")):
            for phone in found:
                if _owner(phone) != column:  # a sibling service's phone shares the organisation, not the service
                    continue
                for service_id in owners.get((kind, getattr(phone, column)), ()):
                    self.phones[service_id].append(phone)

    def is_free(self, service_id: uuid.UUID) -> bool:
        return any(cost.amount == 0 for cost in self.costs[service_id])

    def language_codes(self, service_id: uuid.UUID) -> list[str]:
        return list(dict.fromkeys((l.code or "").strip().lower()[:2] for l in self.languages[service_id] if l.code))

    def document(self, service: Service) -> dict:
        organization = self.organizations.get(service.organization_id)
        places = self.places[service.id]
        cities = " ".join(dict.fromkeys(a.city for _, _, a in places if a))
        categories = self.categories[service.id]
        body = " ".join(filter(None, [
            service.alternate_name, organization.name if organization else "", service.description,
            service.eligibility_description, " ".join(t.name for t in categories), cities,
        ]))
        tags = {category_tag(t.id) for t in categories}
        tags |= {category_tag(t.parent_id) for t in categories if t.parent_id}
        tags |= {f"lang_{code}" for code in self.language_codes(service.id)}
        if self.is_free(service.id):
            tags.add("cost_free")
        tags |= hours_.slot_tags(self.hours[service.id])
        return {
            "id": str(service.id), "title": service.name, "body": body, "sort": service.name, "tags": sorted(tags),
            "low": service.minimum_age, "high": service.maximum_age,
            "points": [(l.latitude, l.longitude) for _, l, _ in places if l.latitude is not None and l.longitude is not None],
            "stored": self.card_facts(service),
        }

    def card_facts(self, service: Service) -> dict:
        """What a result card shows, kept with the search document so a results page reads no tables."""
        organization = self.organizations.get(service.organization_id)
        cities = [address.city for _, _, address in self.places[service.id] if address and address.city]
        phone = next((p for p in self.phones[service.id] if (p.type or "voice") != "fax"), None)
        costs = self.costs[service.id]
        return {
            "name": service.name, "organization": organization.name if organization else "",
            "description": (service.description or "")[:CARD_TEXT], "status": service.status,
            "city": cities[0] if cities else "", "phone": phone.number if phone else "",
            "phone_type": (phone.type or "voice") if phone else "",
            "languages": [language.name or language.code for language in self.languages[service.id]],
            "free": self.is_free(service.id), "cost": next((c.option for c in costs if c.option and c.amount != 0), ""),
            "capacity": service.capacity_status or "", "verified": service.assured_date.isoformat() if service.assured_date else "",
            "hours": [hours_.to_json(h) for h in self.hours[service.id]],
        }


def _owner(phone: Phone) -> str:
    """The column naming a phone's most specific owner."""
    for column in ("service_id", "service_at_location_id", "location_id", "organization_id"):
        if getattr(phone, column) is not None:
            return column
    return ""
