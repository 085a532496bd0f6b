"""Settings come from PORTAL_* variables once; unsafe production settings are refused."""

from pathlib import Path

import pytest

from portal.settings import PLACEHOLDER_SECRET, Settings, SettingsError, settings_from_env

SECRET = "a-production-secret-of-at-least-32-characters"


def test_production_is_the_default_and_refuses_the_placeholder_secret():
    with pytest.raises(SettingsError, match="PORTAL_SECRET_KEY"):
        settings_from_env({})
    with pytest.raises(SettingsError):
        settings_from_env({"PORTAL_SECRET_KEY": PLACEHOLDER_SECRET})
    assert settings_from_env({"PORTAL_SECRET_KEY": SECRET}).env == "production"


def test_development_allows_the_placeholder():
    settings = settings_from_env({"PORTAL_ENV": "development"})
    assert settings.development and settings.secret_key == PLACEHOLDER_SECRET


def test_defaults_put_the_sqlite_database_in_the_data_dir():
    settings = settings_from_env({"PORTAL_ENV": "development", "PORTAL_DATA_DIR": "/srv/portal"})
    assert settings.data_dir == Path("/srv/portal")
    assert settings.database_url == "sqlite:////srv/portal/portal.db"
    assert settings_from_env({"PORTAL_ENV": "development"}).database_url == "sqlite:///var/portal.db"


def test_every_variable_is_read():
    settings = settings_from_env({
        "PORTAL_ENV": "production", "PORTAL_SECRET_KEY": SECRET, "PORTAL_DATABASE_URL": "postgresql://db/portal",
        "PORTAL_BASE_URL": "https://portal.example.org", "PORTAL_PORT": "9000", "PORTAL_OIDC_ISSUER": "https://id.example.org",
        "PORTAL_OIDC_CLIENT_ID": "portal", "PORTAL_OIDC_CLIENT_SECRET": "s", "PORTAL_SMTP_URL": "smtp://mail:25",
        "PORTAL_TIMEZONE": "America/New_York", "PORTAL_SEARCH_PAGE_CACHE": "0",
    })
    assert settings.search_page_cache == 0
    assert (settings.database_url, settings.base_url, settings.port) == ("postgresql://db/portal", "https://portal.example.org", 9000)
    assert settings.oidc_enabled and settings.smtp_url == "smtp://mail:25" and settings.timezone == "America/New_York"


@pytest.mark.parametrize(("variable", "value"), [("PORTAL_ENV", "staging"), ("PORTAL_TIMEZONE", "Mars/Olympus"), ("PORTAL_PORT", "eighty"),
                                                  ("PORTAL_SEARCH_PAGE_CACHE", "lots"), ("PORTAL_SEARCH_PAGE_CACHE", "-1")])
def test_bad_values_are_refused_with_the_variable_named(variable, value):
    with pytest.raises(SettingsError, match=variable):
        settings_from_env({"PORTAL_ENV": "development", variable: value})


def test_a_short_secret_is_refused_outside_development():
    with pytest.raises(SettingsError, match="32"):
        Settings(secret_key="short")
