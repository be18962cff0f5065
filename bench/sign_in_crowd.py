"""A crowd signing in at once, and a page asked for meanwhile (issue 11: Argon2 off the loop).

    python -m bench.sign_in_crowd [SIGN_INS]

Starts the demo on loopback, then measures /healthz answered alone (the reference), and again
while SIGN_INS people (default 20) sign in at the same instant with the right password.
Prints both, their ratio, and how long the crowd took. With hashing on the event loop every
/healthz waited behind the hashes; in worker threads it does not.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time

import httpx

from bench._servers import DEMO_PASSWORD as PASSWORD
from bench._servers import demo_server

USERS = ["pcso", "officer", "volunteer", "mentor", "supervisor", "admin"]


def healthz_times(base: str, until: threading.Event | None = None, count: int = 40) -> list[float]:
    times = []
    with httpx.Client(base_url=base, timeout=60) as client:
        while len(times) < count or (until is not None and not until.is_set()):
            start = time.perf_counter()
            client.get("/healthz").raise_for_status()
            times.append(time.perf_counter() - start)
            if until is not None and until.is_set() and len(times) >= 5:
                break
    return times


def crowd(base: str, n: int, done: threading.Event) -> float:
    clients = []
    for i in range(n):
        client = httpx.Client(base_url=base, headers={"accept": "text/html"}, timeout=120)
        client.get("/login")
        clients.append((client, USERS[i % len(USERS)]))
    barrier = threading.Barrier(n + 1)
    statuses: list[int] = []

    def sign_in(client: httpx.Client, username: str) -> None:
        barrier.wait()
        token = client.cookies.get("csrftoken")
        data = {"username": username, "password": PASSWORD, "_csrf_token": token}
        statuses.append(client.post("/login", data=data).status_code)

    threads = [threading.Thread(target=sign_in, args=c) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - start
    done.set()
    assert statuses.count(303) == n, statuses
    return took


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with demo_server() as base:
        healthz_times(base, count=10)  # warm up
        alone = healthz_times(base)
        done = threading.Event()
        result: dict[str, float] = {}
        worker = threading.Thread(target=lambda: result.update(took=crowd(base, n, done)))
        worker.start()
        during = healthz_times(base, until=done, count=5)
        worker.join()
    p50_alone, p50_during = statistics.median(alone), statistics.median(during)
    print(f"{n} sign-ins at once took {result['took']:.2f} s")
    print(f"/healthz alone:        p50 {p50_alone * 1000:7.1f} ms  max {max(alone) * 1000:7.1f} ms")
    print(
        f"/healthz during them:  p50 {p50_during * 1000:7.1f} ms  max {max(during) * 1000:7.1f} ms"
        f"  ({len(during)} requests)"
    )
    ratio_max = max(during) / max(alone)
    print(f"ratio during/alone: p50 {p50_during / p50_alone:.1f}x, max {ratio_max:.1f}x")


if __name__ == "__main__":
    main()
