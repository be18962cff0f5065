"""Start `beatbook demo` on a free loopback port for a benchmark, and stop it afterwards."""

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
PASSWORD = "bench-demo-password"


@contextlib.contextmanager
def demo_server(extra_env: dict | None = None):
    """Yields the base URL of a fresh demo server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    var_dir = Path(tempfile.mkdtemp(prefix="beatbook-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
    env.update(BEATBOOK_VAR_DIR=str(var_dir), BEATBOOK_DEMO_PASSWORD=PASSWORD, **(extra_env or {}))
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
