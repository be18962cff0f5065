"""Servers for the load benchmarks: Beatbook on a prepared database, and the bare reference,
both run by uvicorn the same way (uvloop, httptools, no access log, N workers)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


@contextlib.contextmanager
def serve(env: dict[str, str], workers: int = 1):
    """`beatbook serve` on a free loopback port with the given BEATBOOK_* environment."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="beatbook-bench-", suffix=".log")[1])
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**clean, **env}, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/healthz", process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextlib.contextmanager
def serve_bare(workers: int = 1):
    """The bare Litestar route (bench/_bare.py) served by uvicorn as `beatbook serve` serves."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench._bare:app", "--port", str(port)]
    command += ["--workers", str(workers), "--loop", "uvloop", "--http", "httptools"]
    command += ["--no-access-log", "--log-level", "warning"]
    log = Path(tempfile.mkstemp(prefix="beatbook-bare-", suffix=".log")[1])
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/", process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
