"""Time to keep one visit answer on the server, and the size of the visit screen a phone loads.

    .venv/bin/python -m bench.visits_answers [ANSWERS]

Against the demo on loopback (SQLite, one worker): signs in as the demo PCSO, starts a visit,
then sends ANSWERS answers one at a time as htmx does (default 300) and prints the median and
95th-percentile round trip, then the same answers replayed as the shared outbox sends them
(JSON, X-Outbox-User: a phone's queue resending them).
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
import uuid

import httpx

from bench._servers import DEMO_PASSWORD as PASSWORD
from bench._servers import demo_server

KEYS = [("smoke_alarm", ["no", "yes"]), ("food", ["yes", "no"]), ("children", ["1", "2", "3"])]


def sign_in(client: httpx.Client) -> str:
    client.get("/login")
    token = client.cookies.get("csrftoken")
    client.post("/login", data={"username": "pcso", "password": PASSWORD, "_csrf_token": token})
    return client.cookies.get("csrftoken")


# How the shared outbox (outbox.js) sends an answer kept on the phone.
OUTBOX = {"accept": "application/json", "x-outbox-user": "pcso"}


def timed(client, token, visit, n, offset=0, outbox=False) -> list[float]:
    times = []
    for i in range(n):
        key, values = KEYS[i % len(KEYS)]
        data = {f"q_{key}": values[i % len(values)], "at": str(1_000 + i + offset)}
        headers = {"x-csrftoken": token, **(OUTBOX if outbox else {"hx-request": "true"})}
        start = time.perf_counter()
        r = client.post(f"/visits/{visit}/answers/{key}", data=data, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code in ((200, 201) if outbox else (200,)), r.text
    return times


def report(label: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[18]
    print(
        f"{label}: {len(times)} answers, median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with demo_server() as base, httpx.Client(base_url=base, follow_redirects=False) as client:
        token = sign_in(client)
        visit = str(uuid.uuid4())
        client.post(
            "/visits",
            data={
                "uuid": visit,
                "consent": "yes",
                "address": "1 Bench Street",
                "_csrf_token": token,
            },
        )
        screen = client.get(f"/visits/{visit}", headers={"accept": "text/html"})
        print(
            f"visit screen (all 10 sections): {len(screen.content):,} bytes, "
            f"{len(gzip.compress(screen.content)):,} gzipped"
        )
        report("answers kept", timed(client, token, visit, n))
        replayed = timed(client, token, visit, n, offset=-1000, outbox=True)
        report("answers replayed by the outbox (older, ignored)", replayed)


if __name__ == "__main__":
    main()
