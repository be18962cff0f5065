"""Page weight with maps (issue 15): bytes a phone downloads on a first, uncached load
(compressed, as sent), tiles counted apart, for pages with a map and pages without one, in
this checkout and, as the reference measured in the same run, in another checkout (main).

    .venv/bin/python -m bench.map_weight [--reference /work/main]

Budgets: a page without a map at most 60 KB (and unchanged against the reference: the ratio
is printed); a map page at most 110 KB, tiles apart. The demo runs with a loopback tile server
of generated PNGs (tests/browser/tiles.py) so the tile bytes are real requests, counted apart.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench._servers import DEMO_PASSWORD, ROOT, free_port
from bench.page_weight import ARGS
from tests.browser.tiles import TileServer

WITHOUT_MAP = [("pcso", "/"), ("pcso", "/tasks"), ("pcso", "/log"), ("pcso", "/visits")]
WITH_MAP = [
    ("pcso", "/briefing"),
    ("pcso", "/plan"),
    ("supervisor", "/plan/demand"),
    ("supervisor", "/tasks/manage/new"),
    ("pcso", "/problems/1"),
]


@contextlib.contextmanager
def demo(root: Path, env_extra: dict):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
    env.update(
        BEATBOOK_VAR_DIR=tempfile.mkdtemp(prefix="beatbook-bench-"),
        BEATBOOK_DEMO_PASSWORD=DEMO_PASSWORD,
        **env_extra,
    )
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "demo", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(900):
            if process.poll() is not None:
                raise RuntimeError(log.read_text())
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def measure(browser, base: str, role: str, path: str, tile_port: int) -> tuple[int, int, int]:
    """(bytes without tiles, tile bytes, responses) of a first load in a fresh context."""
    context = browser.new_context(
        base_url=base,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(role)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/login" not in u)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(path, wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    tile = f"127.0.0.1:{tile_port}/"
    tiles = sum(n for r, n in sizes.items() if tile in urls.get(r, ""))
    return sum(sizes.values()) - tiles, tiles, len(sizes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", default=str(ROOT.parent / "main"))
    args = parser.parse_args()
    tiles = TileServer().start()
    env = {"BEATBOOK_TILE_URL": tiles.url, "BEATBOOK_TILE_ATTRIBUTION": "Bench tiles"}
    results: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, root in (("this", ROOT), ("reference", Path(args.reference))):
            if not (root / "app").is_dir():
                print(f"no reference checkout at {root}: skipped")
                continue
            with demo(root, env) as base:
                results[name] = {
                    (role, path): measure(browser, base, role, path, tiles.port)
                    for role, path in WITHOUT_MAP + WITH_MAP
                }
        browser.close()
    tiles.stop()
    print("first load, compressed bytes on the wire, tiles apart (KB):")
    print(f"  {'page':<32} {'this':>7} {'tiles':>7} {'reference':>10} {'ratio':>6}  budget")
    for group, budget in ((WITHOUT_MAP, 60), (WITH_MAP, 110)):
        for role, path in group:
            size, tile_bytes, _ = results["this"][(role, path)]
            ref = results.get("reference", {}).get((role, path))
            ref_text = f"{ref[0] / 1024:10.1f}" if ref else f"{'-':>10}"
            ratio = f"{size / ref[0]:6.2f}" if ref else f"{'-':>6}"
            ok = "ok" if size <= budget * 1024 else "OVER"
            print(
                f"  {role + ' ' + path:<32} {size / 1024:7.1f} {tile_bytes / 1024:7.1f} "
                f"{ref_text} {ratio}  <= {budget} {ok}"
            )


if __name__ == "__main__":
    main()
