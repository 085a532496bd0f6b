"""The ASGI entry point for uvicorn: settings from the environment, read once."""

from portal.app import create_app
from portal.settings import settings_from_env

app = create_app(settings_from_env())
