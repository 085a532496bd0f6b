"""One frozen Settings value, read from PORTAL_* environment variables once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PLACEHOLDER_SECRET = "development-only-secret-change-me"
ENVIRONMENTS = ("development", "production")


class SettingsError(ValueError):
    """The configuration cannot run; the message says which variable and why."""


@dataclass(frozen=True)
class Settings:
    env: str = "production"
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = PLACEHOLDER_SECRET
    base_url: str = "http://127.0.0.1:8000"
    port: int = 8000
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_trusted: bool = False
    smtp_url: str = ""
    mail_from: str = "Community Health Portal <no-reply@example.org>"
    timezone: str = "America/Chicago"
    holiday_country: str = "US"
    holiday_subdivision: str = "IL"
    log_level: str = "INFO"
    search_page_cache: int = 512  # visitors' results pages kept per worker (0: none)
    # argon2 costs; tests lower them so that hashing does not dominate the suite.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536

    def __post_init__(self) -> None:
        if self.env not in ENVIRONMENTS:
            raise SettingsError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}")
        if not self.development and self.secret_key in ("", PLACEHOLDER_SECRET):
            raise SettingsError("PORTAL_SECRET_KEY must be set to a long random value outside development")
        if not self.development and len(self.secret_key) < 32:
            raise SettingsError("PORTAL_SECRET_KEY must be at least 32 characters outside development")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(f"PORTAL_TIMEZONE {self.timezone!r} is not an IANA time zone") from error
        if self.search_page_cache < 0:
            raise SettingsError("PORTAL_SEARCH_PAGE_CACHE must be 0 or more")
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{Path(self.data_dir) / 'portal.db'}")
        object.__setattr__(self, "data_dir", Path(self.data_dir))

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def but(self, **changes) -> Settings:
        """A copy with some values changed (tests use this)."""
        return replace(self, **changes)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    """Read every PORTAL_* variable; unset ones keep their defaults (listed in the README)."""
    env = os.environ if environ is None else environ
    values: dict = {}
    text = {
        "PORTAL_ENV": "env",
        "PORTAL_DATA_DIR": "data_dir",
        "PORTAL_DATABASE_URL": "database_url",
        "PORTAL_SECRET_KEY": "secret_key",
        "PORTAL_BASE_URL": "base_url",
        "PORTAL_OIDC_ISSUER": "oidc_issuer",
        "PORTAL_OIDC_CLIENT_ID": "oidc_client_id",
        "PORTAL_OIDC_CLIENT_SECRET": "oidc_client_secret",
        "PORTAL_SMTP_URL": "smtp_url",
        "PORTAL_MAIL_FROM": "mail_from",
        "PORTAL_TIMEZONE": "timezone",
        "PORTAL_HOLIDAY_COUNTRY": "holiday_country",
        "PORTAL_HOLIDAY_SUBDIVISION": "holiday_subdivision",
        "PORTAL_LOG_LEVEL": "log_level",
    }
    for name, attribute in text.items():
        if env.get(name):
            values[attribute] = env[name]
    if env.get("PORTAL_PORT"):
        try:
            values["port"] = int(env["PORTAL_PORT"])
        except ValueError as error:
            raise SettingsError(f"PORTAL_PORT must be a number, not {env['PORTAL_PORT']!r}") from error
    if env.get("PORTAL_SEARCH_PAGE_CACHE"):
        try:
            values["search_page_cache"] = int(env["PORTAL_SEARCH_PAGE_CACHE"])
        except ValueError as error:
            raise SettingsError(f"PORTAL_SEARCH_PAGE_CACHE must be a number, not {env['PORTAL_SEARCH_PAGE_CACHE']!r}") from error
    if env.get("PORTAL_OIDC_TRUSTED"):
        values["oidc_trusted"] = _flag(env["PORTAL_OIDC_TRUSTED"])
    if "base_url" not in values and "port" in values:
        values["base_url"] = f"http://127.0.0.1:{values['port']}"
    return Settings(**values)
