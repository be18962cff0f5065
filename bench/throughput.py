"""Throughput with wrk: Beatbook's pages against a bare Litestar route served the same way.

    .venv/bin/python -m bench.throughput [--workers N] [--seconds S] [--rounds R] [PATH ...]

Starts a demo database, Beatbook (`beatbook serve`) and the bare route (bench/_bare.py), both
with uvicorn, uvloop and httptools, then runs wrk (apt-get install wrk) against each in
alternating rounds: the bare route, then each path signed in as a PCSO (the session cookie
sent with -H; /healthz without it, as a load balancer asks). Prints requests per second and
each path's ratio to the bare route of the same round, and the median ratio. Default paths:
the signed-in home page `/` and `/healthz`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench._servers import ROOT, serve, serve_bare

PASSWORD = "bench-throughput-password"


def wrk(url: str, seconds: float, connections: int, cookie: str | None = None) -> tuple[float, int]:
    """Requests per second and the count of non-2xx/3xx answers and socket errors."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rate, errors


def session_cookie(url: str, username: str) -> str:
    with httpx.Client(base_url=url, headers={"accept": "text/html"}) as client:
        client.get("/login")
        token = client.cookies["csrftoken"]
        response = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "next": "/"},
            headers={"x-csrftoken": token},
        )
        assert response.status_code in (200, 303), response.status_code
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=["/", "/healthz"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with ExitStack() as stack:
        var = Path(tempfile.mkdtemp(prefix="beatbook-throughput-"))
        url = f"sqlite:///{var / 'bench.sqlite3'}"
        subprocess.run(
            [sys.executable, "-m", "bench._prepare", url, PASSWORD, "0"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        env = {"BEATBOOK_DATABASE_URL": url, "BEATBOOK_VAR_DIR": str(var)}
        beatbook = stack.enter_context(serve(env, workers=args.workers))
        bare = stack.enter_context(serve_bare(workers=args.workers))
        cookie = session_cookie(beatbook, "pcso")
        print(
            f"wrk, {args.connections} connections, {args.seconds:.0f} s a run,"
            f" {args.workers} worker(s) each"
        )
        ratios: dict[str, list[float]] = {p: [] for p in args.paths}
        for round_ in range(args.rounds):
            reference, bare_errors = wrk(bare + "/", args.seconds, args.connections)
            line = f"round {round_ + 1}: bare {reference:7.0f}/s ({bare_errors} errors)"
            for path in args.paths:
                # /healthz as a load balancer asks it: no cookie; pages as a signed-in phone.
                sent = None if path == "/healthz" else cookie
                rate, errors = wrk(beatbook + path, args.seconds, args.connections, sent)
                ratios[path].append(rate / reference)
                line += f" | {path} {rate:6.0f}/s ({errors} errors) ratio {rate / reference:.3f}"
            print(line)
        for path, values in ratios.items():
            print(f"median ratio of {path} to the bare route: {statistics.median(values):.3f}")


if __name__ == "__main__":
    main()
