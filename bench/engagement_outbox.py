"""Benchmark the outbox path: storing engagements, replays, double taps, and page weight.

Runs the demo server on a loopback port and prints figures (no pass/fail):
    .venv/bin/python bench/engagement_outbox.py [N]
"""

from __future__ import annotations

import gzip
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser.conftest import (  # noqa: E402
    DEMO_PASSWORD,
    free_port,
    start_demo_server,
    wait_until_up,
)


def signed_in(url: str, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, headers={"accept": "text/html"})
    client.get("/login")
    token = client.cookies["csrftoken"]
    client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "next": "/"},
        headers={"x-csrftoken": token},
    )
    return client, token


def timed_posts(client, token, bodies) -> list[float]:
    times = []
    for body in bodies:
        start = time.perf_counter()
        response = client.post(
            "/log", data=body, headers={"x-csrftoken": token, "accept": "application/json"}
        )
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 201), response.text
    return times


def describe(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{name:<34} n={len(times):<4} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    var = Path(tempfile.mkdtemp(prefix="beatbook-bench-"))
    port = free_port()
    process = start_demo_server(var, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, var / "server.log")
        client, token = signed_in(url, "pcso")
        bodies = [
            {
                "uuid": str(uuid.uuid4()),
                "kind": "street",
                "topics": ["asb", "drugs"],
                "lat": "52.92",
                "lng": "-1.47",
                "accuracy_m": "12",
            }
            for _ in range(n)
        ]
        describe("new engagement (201)", timed_posts(client, token, bodies))
        describe("replay of a stored one (200)", timed_posts(client, token, bodies))

        def double_tap(body):
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda b: timed_posts(client, token, [b]), [body, body]))

        taps = [{**b, "uuid": str(uuid.uuid4())} for b in bodies[:50]]
        start = time.perf_counter()
        for body in taps:
            double_tap(body)
        print(f"{'50 double taps (2 at once each)':<34} {(time.perf_counter() - start):.2f} s")
        with sqlite3.connect(var / "demo.sqlite3") as db:
            uuids = [b["uuid"] for b in bodies + taps]
            sent = set(uuids)
            rows = db.execute("SELECT client_uuid FROM engagement").fetchall()
            stored = sum(1 for (u,) in rows if u in sent)
        print(f"rows stored for {len(uuids)} distinct UUIDs sent {2 * len(uuids)} times: {stored}")
        page = client.get("/log", headers={"accept-encoding": "gzip"})
        html = page.content
        print(f"/log page: {len(html)} bytes, {len(gzip.compress(html))} gzipped")
        for name in ("js/outbox.js", "css/app.css"):
            raw = (ROOT / "app/static" / name).read_bytes()
            print(f"{name}: {len(raw)} bytes, {len(gzip.compress(raw))} gzipped")
        assert re.search(rb"data-outbox", html)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
