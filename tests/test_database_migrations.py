"""Migrations build the schema from empty on SQLite and PostgreSQL, and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from portal.database import create_database_engine
from portal.migrate import migrate
from tests.conftest import POSTGRES_URL


def fresh_engine(settings):
    engine = create_database_engine(settings)
    if POSTGRES_URL:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    return engine


def test_migrations_run_from_empty_and_match_the_models(settings, tmp_path):
    if not POSTGRES_URL:
        settings = settings.but(database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    engine = fresh_engine(settings)
    try:
        migrate(settings, engine)
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert differences == []
        migrate(settings, engine)  # running again changes nothing
    finally:
        if POSTGRES_URL:
            # Leave the shared test database as the session template had it.
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            migrate(settings, engine)
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(settings, tmp_path):
    engine = create_database_engine(settings.but(database_url=f"sqlite:///{tmp_path / 'wal.db'}"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_concurrent_writers_wait_for_each_other_instead_of_failing(db):
    """Read-then-write transactions from several threads: BEGIN IMMEDIATE makes them queue."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import func, select

    from portal.notifications.models import OutboxMessage

    sessions = db

    def write(worker: int) -> None:
        for number in range(25):
            with sessions.begin() as s:
                count = s.exec(select(func.count()).select_from(OutboxMessage)).one()
                s.add(OutboxMessage(to_address=f"w{worker}@example.org", subject=f"{count}", body_text="x", kind="test"))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    with sessions() as s:
        subjects = sorted(int(m.subject) for m in s.exec(select(OutboxMessage)))
    assert len(subjects) == 100  # nobody failed with "database is locked"
    if not POSTGRES_URL:
        # On SQLite, BEGIN IMMEDIATE serialises writers: each saw every earlier row, so the counts are 0..99.
        assert subjects == list(range(100))


def test_database_errors_never_carry_the_values_into_the_log(db):
    from sqlalchemy.exc import IntegrityError

    from portal.requestlog import describe_error
    from tests.factories import make_person

    with db.begin() as s:
        make_person(s, email="private.person@example.org")
    with pytest.raises(IntegrityError) as refused, db.begin() as s:
        make_person(s, email="private.person@example.org")
    try:
        raise refused.value
    except IntegrityError:
        logged = describe_error()
    assert "IntegrityError" in logged and "private.person" not in logged
    if not POSTGRES_URL:
        # SQLAlchemy itself leaves the values out of its message (hide_parameters).
        assert "private.person" not in str(refused.value)
