"""The `portal` command: serve, migrate, demo, create-user, worker, send-mail, prune, import-hsds, export-hsds, reindex."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from contextlib import contextmanager

from portal.settings import Settings, SettingsError, settings_from_env


@contextmanager
def _database(settings: Settings):
    """Sessions for one command; the engine is closed when the command ends."""
    from portal.database import Sessions, create_database_engine

    engine = create_database_engine(settings)
    try:
        yield Sessions(engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portal", description="Community health portal")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the portal with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--reload", action="store_true")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("demo", help="load the demo data (development only; safe to run twice)")
    create = commands.add_parser("create-user", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, action="append", choices=["patient", "caregiver", "partner", "coordinator", "admin"])
    create.add_argument("--name", default="")
    commands.add_parser("worker", help="run background work (search indexing, mail delivery, pruning) without serving pages")
    commands.add_parser("send-mail", help="deliver the mail waiting in the outbox once")
    commands.add_parser("prune", help="delete dead sessions, old sign-in failures and spent e-mail links")
    hsds_in = commands.add_parser("import-hsds", help="import an HSDS 3.1 data package (folder or zip) or HSDS JSON: all or nothing")
    hsds_in.add_argument("path")
    hsds_out = commands.add_parser("export-hsds", help="export the directory as an HSDS 3.1 data package and JSON")
    hsds_out.add_argument("path")
    commands.add_parser("reindex", help="rebuild the directory's search index from the database")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env()
    except SettingsError as error:
        print(f"portal: {error}", file=sys.stderr)
        return 2
    return COMMANDS[args.command](settings, args)


def _serve(settings: Settings, args) -> int:
    import uvicorn

    os.environ.setdefault("PORTAL_ENV", settings.env)
    uvicorn.run(
        "portal.asgi:app", host=args.host, port=settings.port, workers=args.workers, reload=args.reload,
        proxy_headers=True, access_log=False, forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"), log_level=settings.log_level.lower(),
    )
    return 0


def _migrate(settings: Settings, args) -> int:
    from portal.migrate import migrate

    migrate(settings)
    print("database is up to date")
    return 0


def _demo(settings: Settings, args) -> int:
    from portal.demo import load_demo

    if not settings.development:
        print("portal demo: only in development (PORTAL_ENV=development)", file=sys.stderr)
        return 2
    for line in load_demo(settings):
        print(line)
    return 0


def _create_user(settings: Settings, args) -> int:
    from portal.accounts.queries import create_person, person_by_email
    from portal.forms import EMAIL
    from portal.security.passwords import Passwords, password_problem

    email = args.email.strip().lower()
    if not EMAIL.match(email):
        print(f"portal create-user: {args.email!r} is not an email address", file=sys.stderr)
        return 2
    password = os.environ.get("PORTAL_NEW_PASSWORD") or getpass.getpass("Password for the new account: ")
    problem = password_problem(password, email=email)
    if problem:
        print(f"portal create-user: password refused ({problem.replace('_', ' ')})", file=sys.stderr)
        return 2
    with _database(settings) as sessions, sessions.begin() as db:
        if person_by_email(db, email):
            print(f"portal create-user: {email} already has an account", file=sys.stderr)
            return 2
        create_person(db, email=email, name=args.name or email.split("@")[0], roles=args.role,
                      password_hash=Passwords(settings.argon2_time_cost, settings.argon2_memory_cost).hash(password))
    print(f"created {email} ({', '.join(args.role)})")
    return 0


def _send_mail(settings: Settings, args) -> int:
    from portal.notifications.sender import send_pending

    if not settings.smtp_url:
        print("portal send-mail: PORTAL_SMTP_URL is not set", file=sys.stderr)
        return 2
    with _database(settings) as sessions:
        sent = send_pending(sessions, settings.smtp_url, settings.mail_from)
    print(f"sent {sent} message(s)")
    return 0


def _worker(settings: Settings, args) -> int:
    from portal.database import Sessions, create_database_engine
    from portal.directory.engine import directory_index, directory_indexer
    from portal.housekeeping import prune
    from portal.notifications.sender import send_pending
    from portal.requestlog import configure_logging, describe_error

    configure_logging(settings.log_level)
    sessions = Sessions(create_database_engine(settings))  # lives as long as the worker
    indexer = directory_indexer(directory_index(settings), sessions, settings)
    log = logging.getLogger("portal")
    log.info("worker started (search indexer on; mail %s)", "on" if settings.smtp_url else "off: PORTAL_SMTP_URL unset")
    last_mail = last_prune = 0.0
    while True:
        try:
            indexer.step()
            if settings.smtp_url and time.monotonic() - last_mail > 5:
                send_pending(sessions, settings.smtp_url, settings.mail_from)
                last_mail = time.monotonic()
            if time.monotonic() - last_prune > 600:
                prune(sessions)
                last_prune = time.monotonic()
        except Exception:  # a bad moment of the database must not end the worker
            log.error("worker step failed; trying again: %s", describe_error())
        time.sleep(1)


def _import_hsds(settings: Settings, args) -> int:
    from pathlib import Path

    from portal.directory.hsds_commands import import_hsds

    with _database(settings) as sessions:
        return import_hsds(sessions, Path(args.path))


def _export_hsds(settings: Settings, args) -> int:
    from pathlib import Path

    from portal.directory.hsds_commands import export_hsds

    with _database(settings) as sessions:
        return export_hsds(sessions, Path(args.path))


def _reindex(settings: Settings, args) -> int:
    from portal.directory.engine import directory_index, directory_indexer
    from portal.search.indexer import IndexerLock

    started = time.monotonic()
    with _database(settings) as sessions:
        index = directory_index(settings)
        indexer = directory_indexer(index, sessions, settings)
        lock = IndexerLock(index.folder)
        lock.acquire(wait=True)  # a running server's indexer finishes its batch first
        try:
            count = indexer.rebuild(lambda done: print(f"  {done} services indexed", flush=True))
        finally:
            lock.release()
    print(f"search index rebuilt: {count} services in {time.monotonic() - started:.1f} s")
    return 0


def _prune(settings: Settings, args) -> int:
    from portal.housekeeping import prune

    with _database(settings) as sessions:
        counts = prune(sessions)
    print(", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items()) + " deleted")
    return 0


COMMANDS = {"serve": _serve, "migrate": _migrate, "demo": _demo, "create-user": _create_user, "worker": _worker, "send-mail": _send_mail, "prune": _prune,
            "import-hsds": _import_hsds, "export-hsds": _export_hsds, "reindex": _reindex}

if __name__ == "__main__":
    sys.exit(main())
