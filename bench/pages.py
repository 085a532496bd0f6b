"""HTTP speed of the foundation's pages: `portal serve --workers 2` on a fresh SQLite database with the demo.

Run: .venv/bin/python bench/pages.py [--seconds 10] [--connections 32]
Prints requests/s and latency percentiles per page, measured by wrk (apt-get install wrk) when it is
installed, otherwise by a small httpx load loop in this process (slower: it measures itself too).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyotp

ROOT = Path(__file__).resolve().parent.parent
PORTAL = Path(sys.executable).parent / "portal"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.1f %.2f %.2f %.2f %d\\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_in_cookie(base: str) -> str:
    """Sign the demo coordinator in through the real forms; returns the Cookie header value."""
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"email": "coordinator@example.org", "password": "demo-portal-pass", "csrf_token": token})
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login/verify").text).group(1)
        assert client.post("/login/verify", data={"code": pyotp.TOTP(TOTP).now(), "csrf_token": token}).status_code == 303
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def with_wrk(url: str, cookie: str, seconds: int, connections: int) -> tuple[float, float, float, float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    _, _requests, rate, p50, p95, p99, errors = re.search(r"RESULT (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)", output).group(0).split()
    return float(rate), float(p50), float(p95), float(p99), int(errors)


async def _hammer(url: str, cookie: str, seconds: int, connections: int):
    latencies, errors = [], 0
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}
    async with httpx.AsyncClient(headers=headers, limits=httpx.Limits(max_connections=connections)) as client:

        async def worker():
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

        await asyncio.gather(*(worker() for _ in range(connections)))
    latencies.sort()
    cut = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, cut[49], cut[94], cut[98], errors


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    port = free_port()
    env = {**os.environ, "PORTAL_ENV": "development", "PORTAL_DATA_DIR": str(data), "PORTAL_PORT": str(port), "PORTAL_LOG_LEVEL": "WARNING"}
    env.pop("PORTAL_DATABASE_URL", None)
    subprocess.run([PORTAL, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([PORTAL, "demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([PORTAL, "serve", "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        cookie = signed_in_cookie(base)
        tool = "wrk" if shutil.which("wrk") else "httpx (wrk not installed)"
        print(f"portal serve --workers 2, SQLite, {args.connections} connections, {args.seconds} s per page, measured with {tool}")
        print(f"{'page':<34}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        pages = [("/healthz", ""), ("/login (visitor)", ""), ("/ (visitor)", ""), ("/caseload (coordinator)", cookie), ("/profile (coordinator)", cookie)]
        for label, page_cookie in pages:
            path = label.split()[0]
            if tool == "wrk":
                rate, p50, p95, p99, errors = with_wrk(base + path, page_cookie, args.seconds, args.connections)
            else:
                rate, p50, p95, p99, errors = asyncio.run(_hammer(base + path, page_cookie, args.seconds, args.connections))
            print(f"{label:<34}{rate:>8.0f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{errors:>8}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
