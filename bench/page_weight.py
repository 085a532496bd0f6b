"""The weight of a first visit to /login: every resource Chromium fetches, raw and gzip-compressed.

Run: .venv/bin/python bench/page_weight.py
Budget (DESIGN section 9): the first load under 100 KB compressed, htmx included. The development
server may not compress, so each body is gzip-compressed here (level 6, like a typical proxy).
Exits 1 when over budget, 2 when Debian's Chromium is missing.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.liveserver import chromium_launch_args, chromium_path, live_server  # noqa: E402

BUDGET = 100 * 1024
PAGE = "/login"


def measure(base_url: str, executable: str) -> list[dict]:
    fetched = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_args(executable))
        try:
            context = browser.new_context(base_url=base_url, locale="en-US")  # a new context: an empty cache
            page = context.new_page()
            page.on("requestfinished", lambda request: fetched.append(request))
            page.goto(PAGE, wait_until="load")
            page.wait_for_load_state("networkidle")
            rows = []
            for request in fetched:
                response = request.response()
                body = response.body() if response else b""
                sizes = request.sizes()
                rows.append({
                    "url": request.url,
                    "status": response.status if response else 0,
                    "type": (response.headers.get("content-type", "") if response else "").split(";")[0],
                    "raw": len(body),
                    "gzip": len(gzip.compress(body, compresslevel=6)) if body else 0,
                    "sent": sizes["responseBodySize"],
                    "headers": sizes["responseHeadersSize"],
                })
            context.close()
            rows.sort(key=lambda row: (row["type"] != "text/html", row["url"]))  # the page first, then a stable order
        finally:
            browser.close()
    return rows


def report(rows: list[dict], base_url: str) -> str:
    lines = [f"first load of {PAGE} on {base_url} (cold cache, {len(rows)} requests)", ""]
    lines.append(f"{'resource':<50} {'status':>6} {'type':<24} {'raw':>9} {'gzip -6':>9} {'on wire':>9}")
    for row in rows:
        parts = urlsplit(row["url"])
        name = parts.path + (f"?{parts.query}" if parts.query else "") if parts.netloc == urlsplit(base_url).netloc else row["url"]
        lines.append(f"{name:<50} {row['status']:>6} {row['type']:<24} {row['raw']:>9,} {row['gzip']:>9,} {row['sent']:>9,}")
    raw, packed, sent, headers = (sum(row[key] for row in rows) for key in ("raw", "gzip", "sent", "headers"))
    lines.append(f"{'total bodies':<50} {'':>6} {'':<24} {raw:>9,} {packed:>9,} {sent:>9,}")
    lines.append(f"response headers: {headers:,} bytes (not compressed by gzip; counted in the budget)")
    total = packed + headers
    verdict = "within" if total <= BUDGET else "OVER"
    lines.append(f"compressed first load: {total:,} bytes = {total / 1024:.1f} KB, {verdict} the {BUDGET // 1024} KB budget")
    lines.append(f"uncompressed first load: {raw + headers:,} bytes = {(raw + headers) / 1024:.1f} KB")
    return "\n".join(lines)


def main() -> int:
    executable = chromium_path()
    if executable is None:
        print("Debian's chromium is not on the PATH (apt-get install chromium, or `make browser`)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="page-weight-") as directory, live_server(Path(directory)) as server:
        rows = measure(server.url, executable)
    print(report(rows, server.url))
    third_party = [row["url"] for row in rows if urlsplit(row["url"]).netloc != urlsplit(server.url).netloc]
    if third_party:
        print(f"third-party requests: {third_party}")
    over = sum(row["gzip"] + row["headers"] for row in rows) > BUDGET
    return 1 if over or third_party else 0


if __name__ == "__main__":
    sys.exit(main())
