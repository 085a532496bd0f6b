"""The portal served by uvicorn in a background thread, on a fresh SQLite database with the demo people and catalogue.

Shared by the browser tests (tests/browser/conftest.py) and bench/page_weight.py.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from portal.app import create_app
from portal.database import Sessions, create_database_engine
from portal.demo import load_catalogue, load_people
from portal.directory.engine import directory_index, directory_indexer
from portal.migrate import migrate
from portal.security.passwords import Passwords
from portal.settings import Settings

# Cheap argon2: the demo password is hashed once at start-up and checked at every sign-in.
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 1024}
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings


def chromium_path() -> str | None:
    """Debian's Chromium on the PATH (Playwright cannot download its own browser here)."""
    return shutil.which("chromium")


def chromium_launch_args(path: str) -> dict:
    return {"executable_path": path, "headless": True, "args": list(CHROMIUM_ARGS)}


@contextmanager
def live_server(data_dir: Path):
    """Migrate a new database in data_dir, load the demo people, and serve the app until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # a free port, held from now on: no race with other processes
    port = listener.getsockname()[1]
    settings = Settings(
        env="development", data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'portal.db'}",
        base_url=f"http://127.0.0.1:{port}", port=port, log_level="WARNING", **CHEAP_ARGON2,
    )
    engine = create_database_engine(settings)
    try:
        migrate(settings, engine)
        sessions = Sessions(engine)
        load_catalogue(sessions)
        with sessions.begin() as db:
            load_people(db, Passwords(settings.argon2_time_cost, settings.argon2_memory_cost))
        # The search index is ready before the first page, as after `portal reindex`.
        directory_indexer(directory_index(settings), sessions, settings).step(wait=True)
    finally:
        engine.dispose()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the live server did not start on {settings.base_url}")
            time.sleep(0.02)
        yield LiveServer(url=settings.base_url, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()
