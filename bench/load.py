"""A shift's worth of phones at once: signed-in clients that each send one request a second.

70% are briefings for a point near Derby's centre, 30% engagement records sent as the phone's
outbox sends them (JSON answer, a fresh UUID each). The database holds the demo data plus
generated police.uk crimes (1,000,000 by default). Prints, for the paced run, requests, errors
and latency (p50, p95, p99, max); then the same mix sent back to back (no pause) and a bare
Litestar route served the same way, in alternating rounds, and their throughput ratio.

    .venv/bin/python -m bench.load                                  # SQLite, 100 clients, 1 process
    .venv/bin/python -m bench.load --postgres --workers 2 --clients 200
    .venv/bin/python -m bench.load --crimes 0 --seconds 20          # a quick look

--postgres starts a throwaway cluster (needs PostgreSQL installed; as scripts/test does);
--database-url uses an existing, EMPTY database instead (its schema is dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench._postgres import throwaway_postgres
from bench._servers import ROOT, serve, serve_bare
from bench.briefing_data import DERBY_CENTRE, near

PASSWORD = "bench-load-password"
SECRET = "bench-load-secret-key-not-for-use-anywhere"
USERS = ["pcso", "officer", "volunteer"]  # the demo's people who both read briefings and log


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: {"briefing": [], "log": []})
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, started: float, status: int | str, expected: int) -> None:
        self.times[kind].append((time.perf_counter() - started) * 1000)
        if status != expected:
            self.errors.append(f"{kind}: {status}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


async def sign_in(url: str, username: str) -> tuple[aiohttp.ClientSession, str]:
    session = aiohttp.ClientSession(
        base_url=url, headers={"accept": "text/html"}, cookie_jar=aiohttp.CookieJar(unsafe=True)
    )
    async with session.get("/login") as response:
        await response.read()
    token = next(c.value for c in session.cookie_jar if c.key == "csrftoken")
    form = {"username": username, "password": PASSWORD, "next": "/"}
    async with session.post(
        "/login", data=form, headers={"x-csrftoken": token}, allow_redirects=False
    ) as response:
        await response.read()
        if response.status != 303:
            raise RuntimeError(f"sign-in as {username} answered {response.status}")
    return session, token


async def one_request(session, token: str, rng: random.Random, results: Results) -> None:
    started = time.perf_counter()
    try:
        if rng.random() < 0.7:
            lat, lng = near(rng, *DERBY_CENTRE, 300)
            path = f"/briefing?lat={lat:.5f}&lng={lng:.5f}&radius=500&acc=10"
            async with session.get(path) as response:
                await response.read()
                results.add("briefing", started, response.status, 200)
        else:
            lat, lng = near(rng, *DERBY_CENTRE, 300)
            body = {
                "uuid": str(uuid.uuid4()),
                "kind": "street",
                "topics": ["asb"],
                "lat": f"{lat:.5f}",
                "lng": f"{lng:.5f}",
                "accuracy_m": "12",
            }
            headers = {"x-csrftoken": token, "accept": "application/json"}
            async with session.post("/log", data=body, headers=headers) as response:
                await response.read()
                results.add("log", started, response.status, 201)
    except (TimeoutError, aiohttp.ClientError) as error:
        kind = "briefing" if "briefing" in str(error) else "log"
        results.add(kind, started, type(error).__name__, 0)


async def paced(sessions, seconds: float, seed: int) -> Results:
    """Each client sends one request a second (at its own phase), as phones do."""
    results = Results()
    end = time.perf_counter() + seconds

    async def client(index: int, session, token: str) -> None:
        rng = random.Random(seed * 1000 + index)
        tick = time.perf_counter() + rng.random()
        while tick < end:
            await asyncio.sleep(max(0.0, tick - time.perf_counter()))
            await one_request(session, token, rng, results)
            tick += 1.0

    await asyncio.gather(*(client(i, s, t) for i, (s, t) in enumerate(sessions)))
    return results


async def back_to_back(sessions, seconds: float, seed: int) -> tuple[int, Results]:
    results = Results()
    end = time.perf_counter() + seconds

    async def client(index: int, session, token: str) -> None:
        rng = random.Random(seed * 7919 + index)
        while time.perf_counter() < end:
            await one_request(session, token, rng, results)

    await asyncio.gather(*(client(i, s, t) for i, (s, t) in enumerate(sessions)))
    return sum(len(t) for t in results.times.values()), results


async def bare_back_to_back(url: str, clients: int, seconds: float) -> tuple[int, int]:
    done = errors = 0
    end = time.perf_counter() + seconds
    async with aiohttp.ClientSession(base_url=url) as session:

        async def client() -> None:
            nonlocal done, errors
            while time.perf_counter() < end:
                async with session.get("/") as response:
                    await response.read()
                    done += 1
                    errors += response.status != 200

        await asyncio.gather(*(client() for _ in range(clients)))
    return done, errors


def report(title: str, results: Results, seconds: float) -> None:
    every = [t for times in results.times.values() for t in times]
    print(f"\n{title}")
    print(
        f"  requests {len(every)} ({len(every) / seconds:.0f}/s), errors {len(results.errors)}"
        + (f" e.g. {sorted(set(results.errors))[:5]}" if results.errors else "")
    )
    for kind, times in [*results.times.items(), ("all", every)]:
        print(
            f"  {kind:<9} n={len(times):<6} p50 {percentile(times, 0.5):6.1f} ms"
            f"  p95 {percentile(times, 0.95):6.1f}  p99 {percentile(times, 0.99):6.1f}"
            f"  max {max(times, default=float('nan')):6.1f}"
        )


async def run(url: str, bare_url: str, args) -> None:
    semaphore = asyncio.Semaphore(8)

    async def signed(index: int):
        async with semaphore:
            return await sign_in(url, USERS[index % len(USERS)])

    sessions = await asyncio.gather(*(signed(i) for i in range(args.clients)))
    try:
        results = await paced(sessions, args.seconds, seed=1)
        report(
            f"paced: {args.clients} clients, one request a second each, {args.seconds:.0f} s",
            results,
            args.seconds,
        )
        ratios = []
        busy = sessions[: args.busy_clients]
        print(f"\nback to back: {len(busy)} clients, no pause, rounds of {args.busy_seconds:.0f} s")
        for round_ in range(args.rounds):
            bare, bare_errors = await bare_back_to_back(bare_url, len(busy), args.busy_seconds)
            done, results = await back_to_back(busy, args.busy_seconds, seed=round_ + 2)
            ratio = done / bare if bare else float("nan")
            ratios.append(ratio)
            print(
                f"  round {round_ + 1}: Beatbook mix {done / args.busy_seconds:6.0f}/s"
                f" (errors {len(results.errors)}), bare route {bare / args.busy_seconds:6.0f}/s"
                f" (errors {bare_errors}), ratio {ratio:.3f}"
            )
        print(f"  median ratio of the mix to the bare route: {statistics.median(ratios):.3f}")
    finally:
        await asyncio.gather(*(s.close() for s, _ in sessions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--crimes", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    parser.add_argument("--database-url", help="an existing, empty database (schema dropped)")
    parser.add_argument("--pool-size", type=int, default=20, help="PostgreSQL pool per worker")
    parser.add_argument("--busy-clients", type=int, default=32)
    parser.add_argument("--busy-seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with ExitStack() as stack:
        var = Path(tempfile.mkdtemp(prefix="beatbook-load-"))
        if args.postgres:
            url = stack.enter_context(throwaway_postgres())
        else:
            url = args.database_url or f"sqlite:///{var / 'load.sqlite3'}"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bench._prepare", url, PASSWORD, str(args.crimes)],
            cwd=ROOT,
            check=True,
        )
        print(f"database: {url.split('@')[-1]}, demo data + {args.crimes:,} crimes", end="")
        print(f" (prepared in {time.perf_counter() - started:.0f} s)")
        env = {
            "BEATBOOK_DATABASE_URL": url,
            "BEATBOOK_VAR_DIR": str(var),
            "BEATBOOK_SECRET_KEY": SECRET,
            "BEATBOOK_DATABASE_POOL_SIZE": str(args.pool_size),
        }
        beatbook = stack.enter_context(serve(env, workers=args.workers))
        bare = stack.enter_context(serve_bare(workers=args.workers))
        print(f"servers: Beatbook and the bare route, {args.workers} worker(s) each, uvloop")
        asyncio.run(run(beatbook, bare, args))


if __name__ == "__main__":
    main()
