"""Reset links are limited per hour; an admin opening a patient's account is audited."""

from sqlmodel import func, select

from portal.accounts.links import LINKS_PER_HOUR
from portal.notifications.models import OutboxMessage
from portal.security.models import AuditEvent
from tests.conftest import csrf_from


def test_reset_links_are_limited_per_hour(client, people, db):
    for _ in range(LINKS_PER_HOUR + 2):
        page = client.post("/password/forgot", data={"email": "james@example.org", "csrf_token": csrf_from(client, "/password/forgot")})
        assert page.status_code == 200 and "If an account uses that email" in page.text
    with db() as s:
        assert s.exec(select(func.count()).select_from(OutboxMessage)).one() == LINKS_PER_HOUR


def test_an_admin_opening_a_patient_account_is_a_patient_read(sign_in_as, people, db):
    admin = sign_in_as("admin")
    assert admin.get(f"/admin/people/{people['patient'].id}").status_code == 200
    assert admin.get(f"/admin/people/{people['coordinator'].id}").status_code == 200
    with db() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "person_viewed")).all()
    assert [(e.patient_id, e.actor_id) for e in events] == [(people["patient"].id, people["admin"].id)]


def test_a_replaced_invitation_reads_as_expired_not_used(sign_in_as, client, db):
    from tests.helpers import outbox

    coordinator = sign_in_as("coordinator")
    for _ in range(2):
        data = {"name": "Ana Torres", "email": "ana@example.org", "preferred_language": "en", "date_of_birth": "", "csrf_token": csrf_from(coordinator, "/patients/invite")}
        assert coordinator.post("/patients/invite", data=data, follow_redirects=False).status_code == 303
    first, second = [message.body_text.split("/invitations/")[1].split()[0] for message in outbox(db)]
    replaced = client.get(f"/invitations/{first}")
    assert replaced.status_code == 410 and "expired" in replaced.text and "already chose" not in replaced.text
    assert client.get(f"/invitations/{second}").status_code == 200
