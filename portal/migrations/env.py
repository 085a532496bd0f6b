"""Alembic runs migrations with the portal's own engine (SQLite pragmas included)."""

from alembic import context
from sqlmodel import SQLModel

import portal.models  # noqa: F401  (fills the metadata)
from portal.database import create_database_engine
from portal.settings import settings_from_env

config = context.config
settings = config.attributes.get("settings") or settings_from_env()
given = config.attributes.get("engine")
engine = given or create_database_engine(settings)

try:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
finally:
    if given is None:
        engine.dispose()
