"""A listing page, its print view, "report a problem", and who sees the reports."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from portal.directory.models import Organization, OrganizationMember, ProblemReport, RequiredDocument, Service
from tests.conftest import csrf_from
from tests.factories import make_organisation, make_service

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def service(db):
    with db.begin() as s:
        made = make_service(
            s, name="Pilsen Food Pantry", description="Groceries for families.", eligibility_description="Lakeshore County residents.",
            exceptions=[(date(2026, 11, 26), date(2026, 11, 26), None, None, "Closed for Thanksgiving")],
            languages=("en", "es"), assured_date=date(2026, 10, 1), url="javascript:alert(1)",
        )
        s.add(RequiredDocument(service_id=made.id, document="Photo ID"))
        return made.id


def test_the_listing_shows_everything_a_visitor_needs(client, service):
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=CHICAGO), tick=False):
        page = client.get(f"/directory/services/{service}").text.replace("\u202f", " ")
    assert "<h1>Pilsen Food Pantry</h1>" in page
    assert "Lakeshore County residents." in page and "Photo ID" in page and "English" in page and "Spanish" in page
    assert "1800 S Blue Island Ave" in page and "openstreetmap.org/directions?to=41.8515%2C-87.6694" in page
    assert 'href="tel:3125550143"' in page
    assert "Open now, closes 5:00 PM" in page
    assert "Closed for Thanksgiving" in page and "Holiday closures" in page
    assert "Last checked October 1, 2026." in page
    assert "mailto:?subject=Pilsen%20Food%20Pantry" in page and "sms:?&amp;body=" in page
    assert "javascript:alert" not in page  # a bad website address in the data is not linked
    assert f'/directory/services/{service}/print' in page


def test_the_print_view_is_one_plain_page(client, service):
    page = client.get(f"/directory/services/{service}/print").text
    assert "site-nav" not in page and "Pilsen Food Pantry" in page and "Photo ID" in page


def test_unknown_malformed_and_defunct_listings_are_not_found(client, db, service):
    assert client.get("/directory/services/not-a-uuid").status_code == 404
    assert client.get("/directory/services/5d1f0a4e-0000-4000-8000-000000000009").status_code == 404
    with db.begin() as s:
        s.get(Service, service).status = "defunct"
    assert client.get(f"/directory/services/{service}").status_code == 404


def test_listing_text_is_escaped(client, db):
    with db.begin() as s:
        made = make_service(s, name='<script>alert("x")</script>', description="<img src=x onerror=alert(1)>")
    page = client.get(f"/directory/services/{made.id}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_problem_report_is_stored_for_the_partner_and_coordinators(client, db, service):
    token = csrf_from(client, f"/directory/services/{service}")
    response = client.post(f"/directory/services/{service}/report", data={
        "csrf_token": token, "kind": "hours", "comment": "They close at 4 now.", "reply_to": "neighbour@example.org",
    }, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("#report")
    with db() as s:
        report = s.exec(select(ProblemReport)).one()
    assert (report.kind, report.comment, report.reply_to) == ("hours", "They close at 4 now.", "neighbour@example.org")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"kind": "haunted"}, "kind", "Choose one of the options"),
    ({"kind": "other"}, "comment", "Tell us what is wrong."),
    ({"kind": "phone", "reply_to": "not an email"}, "reply_to", "Enter an email address"),
    ({"kind": "other", "comment": "x" * 2001}, "comment", "2000 characters or fewer"),
])
def test_a_bad_report_comes_back_with_what_was_typed(client, db, service, data, field, message):
    token = csrf_from(client, f"/directory/services/{service}")
    response = client.post(f"/directory/services/{service}/report", data={"csrf_token": token, "comment": "", **data})
    assert response.status_code == 400
    assert f'id="error-{field}"' in response.text and message in response.text
    if data.get("reply_to"):
        assert 'value="not an email"' in response.text
    with db() as s:
        assert s.exec(select(ProblemReport)).all() == []


def test_a_report_without_its_csrf_token_is_refused(client, service, db):
    response = client.post(f"/directory/services/{service}/report", data={"kind": "hours"})
    assert response.status_code in (400, 403)
    with db() as s:
        assert s.exec(select(ProblemReport)).all() == []


@pytest.fixture
def reports(db, people, service):
    """One report on the partner's organisation's listing, one on another organisation's."""
    with db.begin() as s:
        own = s.exec(select(OrganizationMember.organization_id).where(OrganizationMember.person_id == people["partner"].id)).one()
        s.get(Service, service).organization_id = own
        other = make_service(s, name="Other Org Clinic", organization=make_organisation(s, name="Other Org"))
        mine, theirs = ProblemReport(service_id=service, kind="phone"), ProblemReport(service_id=other.id, kind="closed", comment="Gone")
        s.add_all([mine, theirs])
        s.flush()
        return {"mine": mine.id, "theirs": theirs.id}


def test_a_partner_sees_and_resolves_only_their_organisations_reports(sign_in_as, reports, db):
    partner = sign_in_as("partner")
    home = partner.get("/partner").text
    assert "Pilsen Food Pantry" in home and "The phone number is wrong" in home and "Other Org Clinic" not in home
    token = csrf_from(partner, "/partner")
    assert partner.post(f"/directory/reports/{reports['theirs']}/resolve", data={"csrf_token": token}).status_code == 404
    assert partner.post(f"/directory/reports/{reports['mine']}/resolve", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    with db() as s:
        assert s.get(ProblemReport, reports["mine"]).resolved_at is not None
        assert s.get(ProblemReport, reports["theirs"]).resolved_at is None


def test_coordinators_see_every_report_and_the_searches_that_found_nothing(sign_in_as, reports, client, index_now):
    index_now()
    client.get("/directory?q=helicopter")
    coordinator = sign_in_as("coordinator")
    page = coordinator.get("/directory/feedback").text
    assert "Other Org Clinic" in page and "Pilsen Food Pantry" in page and "Gone" in page
    assert "helicopt" in page
    assert sign_in_as("patient").get("/directory/feedback").status_code == 403
