"""Lighthouse (mobile) scores for the signed-in pages a PCSO opens most, maps included.

    .venv/bin/python -m bench.lighthouse [--lighthouse PATH] [--role pcso] [PATH...]

Needs npm's `lighthouse` (12.x: `npm install lighthouse@12`, then pass
`--lighthouse node_modules/.bin/lighthouse`, or have it on PATH) and Debian's Chromium. Starts
the demo with its map tiles served by the tests' loopback tile server, signs in as the role in
Chromium, and runs Lighthouse against each page with that session's cookie. Prints performance,
accessibility and best practices (the target is 100 each) and, for any score below 100, the
audits that cost it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from playwright.sync_api import sync_playwright

from bench._servers import DEMO_PASSWORD, demo_server
from tests.browser.tiles import TileServer

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["/", "/briefing", "/log", "/tasks", "/plan"]
CATEGORIES = ["performance", "accessibility", "best-practices"]


def session_cookie(base: str, role: str) -> str:
    """Sign in as the role in Chromium: the Cookie header that session sends."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(base_url=base)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Username").fill(role)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda u: "/login" not in u)
        cookies = context.cookies(base)
        browser.close()
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies)


def run(lighthouse: str, url: str, cookie: str) -> dict:
    command = [
        lighthouse,
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(FLAGS)}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed for {url}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def costs(report: dict, category: str) -> list[str]:
    """The audits that keep a category below 100, with their scores."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = audit.get("displayValue") or ""
            found.append(f"{ref['id']} {audit['score']:.2f} {value}".strip())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    parser.add_argument("--role", default="pcso")
    parser.add_argument("paths", nargs="*", default=PAGES)
    args = parser.parse_args()
    tiles = TileServer().start()
    env = {"BEATBOOK_TILE_URL": tiles.url, "BEATBOOK_TILE_ATTRIBUTION": "Test tiles (loopback)"}
    try:
        with demo_server(env) as base:
            cookie = session_cookie(base, args.role)
            print(f"Lighthouse mobile, signed in as {args.role}, against {base}")
            print(f"{'page':<12} {'performance':>12} {'accessibility':>14} {'best practices':>15}")
            for path in args.paths:
                report = run(args.lighthouse, base + path, cookie)
                final = report.get("finalDisplayedUrl") or report.get("finalUrl", "")
                if "/login" in final:
                    raise RuntimeError(f"{path} was not signed in (ended at {final})")
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                print(f"{path:<12} {scores[0]:>12} {scores[1]:>14} {scores[2]:>15}")
                for category, score in zip(CATEGORIES, scores, strict=True):
                    if score < 100:
                        for line in costs(report, category):
                            print(f"    {category}: {line}")
                sys.stdout.flush()
    finally:
        tiles.stop()


if __name__ == "__main__":
    main()
