"""Servers for the benchmarks: the demo, Beatbook on a prepared database, and the bare
reference, the last two run by uvicorn the same way (uvloop, httptools, no access log)."""

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
DEMO_PASSWORD = "bench-demo-password"


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
def _running(command: list[str], env: dict[str, str] | None, ready_path: str, port: int):
    """Run a server command from the project root; yields its URL once `ready_path` answers,
    and stops it afterwards (its output goes to a log file, shown if it never comes up)."""
    log = Path(tempfile.mkstemp(prefix="beatbook-bench-", suffix=".log")[1])
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + ready_path, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _without_beatbook_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}


@contextlib.contextmanager
def serve(env: dict[str, str], workers: int = 1):
    """`beatbook serve` on a free loopback port with the given BEATBOOK_* environment."""
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    with _running(command, {**_without_beatbook_settings(), **env}, "/healthz", port) as url:
        yield url


@contextlib.contextmanager
def serve_bare(workers: int = 1):
    """The bare Litestar route (bench/_bare.py) served by uvicorn as `beatbook serve` serves."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench._bare:app", "--port", str(port)]
    command += ["--workers", str(workers), "--loop", "uvloop", "--http", "httptools"]
    command += ["--no-access-log", "--log-level", "warning"]
    with _running(command, None, "/", port) as url:
        yield url


@contextlib.contextmanager
def demo_server(extra_env: dict | None = None):
    """`beatbook demo` (a fresh demo database, password DEMO_PASSWORD) on a free port."""
    port = free_port()
    env = _without_beatbook_settings()
    var_dir = tempfile.mkdtemp(prefix="beatbook-bench-")
    env.update(BEATBOOK_VAR_DIR=var_dir, BEATBOOK_DEMO_PASSWORD=DEMO_PASSWORD, **(extra_env or {}))
    command = [sys.executable, "-m", "app.cli", "demo", "--port", str(port)]
    with _running(command, env, "/healthz", port) as url:
        yield url
