"""Run Alembic migrations from code (`portal migrate`, the app's tests)."""

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from portal.settings import Settings


def alembic_config(settings: Settings, engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("portal") / "migrations"))
    config.attributes["settings"] = settings
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def migrate(settings: Settings, engine: Engine | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings, engine), revision)
