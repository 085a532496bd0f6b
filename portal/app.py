"""create_app(settings): the portal's table of contents."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TypedDict
from urllib.parse import urlsplit

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from portal import errors, home
from portal.accounts import admin_routes, oidc, profile_routes, staff_routes
from portal.accounts import routes as accounts
from portal.accounts.models import RoleNames
from portal.accounts.queries import identify
from portal.care import caregiver_routes
from portal.care import routes as care
from portal.coordination import routes as coordination
from portal.database import Sessions, create_database_engine
from portal.directory import api as directory_api
from portal.directory import feedback_routes as directory_feedback
from portal.directory import routes as directory
from portal.directory.engine import directory_index, directory_indexer
from portal.directory.expiring import Expiring
from portal.directory.page_cache import PageCache
from portal.housekeeping import prune
from portal.i18n import LanguageMiddleware
from portal.notifications import routes as notifications
from portal.notifications.sender import send_pending
from portal.partners import routes as partners
from portal.rendering import STATIC, create_templates
from portal.search.index import SearchIndex
from portal.requestlog import ErrorPageMiddleware, RequestIdMiddleware, configure_logging, describe_error
from portal.security.headers import SecurityHeadersMiddleware
from portal.security.passwords import Passwords
from portal.security.policies import PUBLIC, Refused
from portal.security.sessions import SessionMiddleware
from portal.settings import Settings

log = logging.getLogger(__name__)


class LifespanState(TypedDict):
    """What the lifespan owns; Starlette copies it into each request's state."""

    engine: Engine
    sessions: Sessions
    directory_index: SearchIndex


MAIL_EVERY_SECONDS = 5
INDEX_EVERY_SECONDS = 1
PRUNE_EVERY_SECONDS = 600


def create_app(settings: Settings) -> Starlette:
    configure_logging(settings.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[LifespanState]:
        engine = create_database_engine(settings)
        sessions = Sessions(engine)
        index = directory_index(settings)
        tasks = [
            asyncio.create_task(_every(PRUNE_EVERY_SECONDS, prune, sessions, first_delay=60)),
            # Every worker offers to index each second; a file lock lets one at a time do it.
            asyncio.create_task(_every(INDEX_EVERY_SECONDS, directory_indexer(index, sessions, settings).tick, first_delay=2)),
        ]
        if settings.smtp_url:
            tasks.append(asyncio.create_task(_every(MAIL_EVERY_SECONDS, send_pending, sessions, settings.smtp_url, settings.mail_from)))
        try:
            # Every request of this server sees these as request.state.engine and request.state.sessions.
            yield {"engine": engine, "sessions": sessions, "directory_index": index}
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    static = Mount("/static", app=StaticFiles(directory=STATIC), name="static")
    static.policy = PUBLIC
    app = Starlette(
        routes=[
            *home.routes,
            *accounts.routes,
            *profile_routes.routes,
            *oidc.routes,
            *staff_routes.routes,  # before admin_routes: /admin/people/new is not a person id
            *admin_routes.routes,
            *care.routes,
            *caregiver_routes.routes,
            *coordination.routes,
            *partners.routes,
            *directory.routes,
            *directory_feedback.routes,
            *directory_api.routes,
            *notifications.routes,
            static,
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(SecurityHeadersMiddleware, hsts=not settings.development, form_actions=_provider_origin(settings)),
            Middleware(
                SessionMiddleware, identify=identify, cookie_name=_cookie_name(settings, "session"),
                visitor_cookie_name=_cookie_name(settings, "visitor"), secure=not settings.development,
            ),
            Middleware(LanguageMiddleware, zone=settings.zone),
            Middleware(ErrorPageMiddleware, render_error=errors.render_server_error),
        ],
        exception_handlers={HTTPException: errors.http_exception, Refused: errors.refused},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = create_templates(role_names=RoleNames())
    app.state.passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_cost)
    app.state.oidc = oidc.create_oidc_client(settings)
    # The directory's category menu changes only with imports and edits: a minute old is fine.
    app.state.category_menu = Expiring(seconds=60)
    app.state.search_pages = PageCache(settings.search_page_cache)
    return app


def _cookie_name(settings: Settings, kind: str) -> str:
    # __Host- cookies must be Secure, so plain-HTTP development uses a plain name.
    return f"portal_{kind}" if settings.development else f"__Host-portal_{kind}"


def _provider_origin(settings: Settings) -> tuple[str, ...]:
    if not settings.oidc_enabled:
        return ()
    parts = urlsplit(settings.oidc_issuer)
    return (f"{parts.scheme}://{parts.netloc}",)


async def _every(seconds: float, job, *args, first_delay: float = 0) -> None:
    """Run a background job (in a thread: it uses the database) every so often, forever.

    Mail delivery claims each message and pruning deletes idempotently, so every worker may do both.
    """
    await asyncio.sleep(first_delay)
    while True:
        try:
            await asyncio.to_thread(job, *args)
        except Exception:  # a bad moment of the database or mail server must not end the loop
            log.error("background job %s failed; trying again: %s", job.__name__, describe_error())
        await asyncio.sleep(seconds)
