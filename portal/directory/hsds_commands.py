"""`portal import-hsds` and `portal export-hsds`: the work behind the commands, with progress."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from portal.database import Sessions
from portal.directory.hsds_export import export
from portal.directory.hsds_import import affected_services, apply, check
from portal.directory.hsds_read import read
from portal.directory.search_documents import INDEX_NAME
from portal.search import changes

PROGRESS_EVERY = 5000


def import_hsds(sessions: Sessions, path: Path, out: TextIO = sys.stdout) -> int:
    """Imports all of `path` or nothing; prints every problem. Returns a process exit code."""
    if not path.exists():
        print(f"import-hsds: {path} does not exist", file=out)
        return 2
    raw = read(path)
    print(f"read {len(raw)} rows from {path}", file=out)
    with sessions.begin() as db:
        checked = check(db, raw)
        if checked.problems:
            print(f"nothing imported: {len(checked.problems)} problem(s)", file=out)
            for problem in checked.problems:
                print(f"  {problem}", file=out)
            return 1

        def progress(name: str, done: int, total: int) -> None:
            if total >= PROGRESS_EVERY:
                print(f"  {name}: {done}/{total}", file=out, flush=True)

        written = apply(db, checked, progress)
        services = affected_services(db, checked)
        changes.record(db, INDEX_NAME, services)
    print(f"imported {sum(written.values())} rows; {len(services)} service(s) queued for search", file=out)
    return 0


def export_hsds(sessions: Sessions, path: Path, out: TextIO = sys.stdout) -> int:
    with sessions() as db:
        counts = export(db, path, lambda name, rows: print(f"  {name}: {rows}", file=out, flush=True))
    print(f"exported {sum(counts.values())} rows to {path} (CSV, datapackage.json, services.json)", file=out)
    return 0
