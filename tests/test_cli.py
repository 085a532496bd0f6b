"""The `portal` command: migrate, demo (idempotent, development only), create-user."""

import pytest
from sqlmodel import func, select

from portal import cli
from portal.accounts.models import Person
from portal.accounts.queries import person_by_email, roles_of
from portal.care.models import CaseloadEntry
from portal.database import Sessions, create_database_engine


@pytest.fixture
def environment(monkeypatch, settings):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(settings.data_dir))
    engine = create_database_engine(settings)
    yield Sessions(engine)
    engine.dispose()


def test_migrate_then_demo_twice_creates_the_demo_people_once(environment, capsys):
    assert cli.main(["migrate"]) == 0
    assert cli.main(["demo"]) == 0
    first = capsys.readouterr().out
    assert "coordinator@example.org" in first and "demo-portal-pass" in first and "created 10" in first
    assert cli.main(["demo"]) == 0
    assert "already loaded" in capsys.readouterr().out
    with environment() as s:
        assert s.exec(select(func.count()).select_from(Person)).one() == 10
        grace = person_by_email(s, "coordinator@example.org")
        assert grace.totp_secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        assert s.exec(select(func.count()).select_from(CaseloadEntry).where(CaseloadEntry.coordinator_id == grace.id)).one() == 2
        assert person_by_email(s, "patient@example.org").preferred_language == "es"


def test_demo_refuses_to_run_outside_development(environment, monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    assert cli.main(["demo"]) == 2
    assert "only in development" in capsys.readouterr().err


def test_create_user_makes_an_account_with_its_roles(environment, monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "a long and unusual passphrase")
    assert cli.main(["create-user", "--email", "New.Admin@Example.org", "--role", "admin", "--role", "coordinator"]) == 0
    with environment() as s:
        person = person_by_email(s, "new.admin@example.org")
        assert roles_of(s, person.id) == {"admin", "coordinator"}
    assert cli.main(["create-user", "--email", "new.admin@example.org", "--role", "admin"]) == 2
    assert "already has an account" in capsys.readouterr().err


def test_create_user_refuses_a_weak_password_or_a_bad_email(environment, monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "short")
    assert cli.main(["create-user", "--email", "someone@example.org", "--role", "admin"]) == 2
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "a long and unusual passphrase")
    assert cli.main(["create-user", "--email", "not an email", "--role", "admin"]) == 2


def test_bad_settings_are_a_clear_message_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    assert cli.main(["migrate"]) == 2
    assert "PORTAL_SECRET_KEY" in capsys.readouterr().err


def test_prune_deletes_dead_sessions_old_failures_and_spent_links(environment, settings, capsys):
    from datetime import timedelta

    import time_machine

    from portal.accounts.links import Purpose, issue_link
    from portal.clock import now
    from portal.security.models import SigninFailure, WebSession
    from portal.security.throttle import record_failure
    from tests.factories import make_person

    with environment.begin() as s:
        person = make_person(s)
        s.add(WebSession(id_hash="a" * 64, user_id=person.id, authenticated=True))
        record_failure(s, person.email, "203.0.113.9")
        issue_link(s, person, Purpose.reset)
    with time_machine.travel(now() + timedelta(minutes=20), tick=False):
        assert cli.main(["prune"]) == 0
    assert "0 sessions, 0 links, 1 signin failures, 0 mail bodies, 0 mail, 0 search changes deleted" in capsys.readouterr().out
    with time_machine.travel(now() + timedelta(days=31), tick=False):
        assert cli.main(["prune"]) == 0
    assert "1 sessions, 1 links, 0 signin failures, 0 mail bodies, 0 mail, 0 search changes deleted" in capsys.readouterr().out
    with environment() as s:
        assert s.exec(select(func.count()).select_from(WebSession)).one() == 0
        assert s.exec(select(func.count()).select_from(SigninFailure)).one() == 0
