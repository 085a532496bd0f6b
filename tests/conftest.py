"""Fixtures: settings(tmp_path) -> app -> client, a fresh database per test, signed-in clients per role."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pyotp
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel
from starlette.testclient import TestClient

import portal.models  # noqa: F401  (every table in the metadata)
from portal.app import create_app
from portal.database import Sessions, create_database_engine
from portal.migrate import migrate
from portal.settings import Settings
from tests.factories import PASSWORD, TEST_ARGON2, TOTP_SECRET, add_to_caseload, make_grant, make_organisation, make_person

pytest_plugins = ["tests.oidc_fixture"]
POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "portal" / "translations"


def pytest_configure(config):
    _compile_translations()


def _compile_translations() -> None:
    """So that `pytest` alone works in a fresh clone (make compiles them too)."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)


def pytest_collection_modifyitems(config, items):
    # Database-backed tests run against PostgreSQL too (make test's second run): mark them all.
    for item in items:
        if "browser" not in item.keywords and "one_database" not in item.keywords:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """Migrate once per session: a template SQLite file, or the PostgreSQL test database."""
    if POSTGRES_URL:
        settings = Settings(env="development", database_url=POSTGRES_URL)
        engine = create_database_engine(settings)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrate(settings, engine)
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "portal.db"
    settings = Settings(env="development", database_url=f"sqlite:///{path}")
    engine = create_database_engine(settings)
    migrate(settings, engine)
    engine.dispose()
    return str(path)


_postgres_engine = None


def _empty_postgres_tables() -> None:
    """Delete every row, children first: on tables this small DELETE takes milliseconds where
    a TRUNCATE of every table took a large share of each test (new files for every table and index)."""
    global _postgres_engine
    if _postgres_engine is None:
        _postgres_engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=NullPool)
    with _postgres_engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event"))  # append-only: its trigger refuses DELETE
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name != "audit_event":
                connection.execute(table.delete())


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if POSTGRES_URL:
        _empty_postgres_tables()
        return POSTGRES_URL
    path = tmp_path / "portal.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        env="production",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=tmp_path,
        database_url=database_url,
        base_url="https://testserver",
        argon2_time_cost=TEST_ARGON2["time_cost"],
        argon2_memory_cost=TEST_ARGON2["memory_cost"],
    )


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    with TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture
def db(settings):
    """The test's own sessions on the app's database (the app's engine lives only while a client runs)."""
    engine = create_database_engine(settings)
    yield Sessions(engine)
    engine.dispose()


@pytest.fixture
def index_now(settings, db, monkeypatch):
    """Bring the directory's search index up to date now, as the background indexer would within a second."""
    import portal.search.index as search_index
    from portal.directory.engine import directory_index, directory_indexer

    monkeypatch.setattr(search_index, "REFRESH_SECONDS", 0)  # searchers look for changes on every search
    return lambda: directory_indexer(directory_index(settings), db, settings).step(wait=True)


@pytest.fixture
def people(db):
    """One person per role, a caseload, a caregiver grant and an organisation."""
    with db.begin() as s:
        maria = make_person(s, roles=("patient",), email="maria@example.org", name="Maria Lopez", preferred_language="es")
        james = make_person(s, roles=("patient",), email="james@example.org", name="James Carter")
        rosa = make_person(s, roles=("caregiver",), email="rosa@example.org", name="Rosa Lopez")
        partner = make_person(s, roles=("partner",), email="partner@example.org", name="Dana Whitfield", totp=True)
        coordinator = make_person(s, roles=("coordinator",), email="coordinator@example.org", name="Grace Kim", totp=True)
        coordinator2 = make_person(s, roles=("coordinator",), email="coordinator2@example.org", name="Samuel Okafor", totp=True)
        admin = make_person(s, roles=("admin",), email="admin@example.org", name="Alex Morgan", totp=True)
        add_to_caseload(s, coordinator, maria)
        add_to_caseload(s, coordinator, james)
        make_grant(s, rosa, maria, relationship="daughter")
        make_organisation(s, name="Riverside Community Food Bank", members=[partner])
    return {"patient": maria, "patient2": james, "caregiver": rosa, "partner": partner, "coordinator": coordinator, "coordinator2": coordinator2, "admin": admin}


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client, path: str) -> str:
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def sign_in(client, email: str, password: str = PASSWORD, totp_secret: str | None = None):
    """Sign in through the real forms (both steps); returns the last response."""
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_from(client, "/login")}, follow_redirects=False)
    if response.status_code == 303 and response.headers["location"] == "/login/verify":
        code = pyotp.TOTP(totp_secret or TOTP_SECRET).now()
        response = client.post("/login/verify", data={"code": code, "csrf_token": csrf_from(client, "/login/verify")}, follow_redirects=False)
    return response


@pytest.fixture
def sign_in_as(app, people):
    """sign_in_as("coordinator") -> a new client signed in as that person."""
    clients = []

    def signed_in(role: str) -> TestClient:
        client = TestClient(app, base_url="https://testserver")
        client.__enter__()
        clients.append(client)
        response = sign_in(client, people[role].email)
        assert response.status_code == 303, response.text
        return client

    yield signed_in
    for client in clients:
        client.__exit__(None, None, None)
