"""Bytes a phone downloads on a first, uncached load of each page (compressed, as sent).

    .venv/bin/python -m bench.page_weight                 # pcso: home and every nav page
    .venv/bin/python -m bench.page_weight volunteer /briefing /tasks

Counts every response the page loads (document, CSS, JS, images, fetches made on load) by
Chromium's encodedDataLength, in a fresh browser context so nothing comes from a cache.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

from bench._servers import DEMO_PASSWORD as PASSWORD
from bench._servers import demo_server

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def measure(browser, base: str, role: str, path: str) -> tuple[int, int]:
    # A fresh context: an empty cache and no service worker.
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
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/login" not in u)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(path, wait_until="networkidle")
    page.wait_for_timeout(300)
    context.close()
    return sum(sizes.values()), len(sizes)


def main() -> None:
    role = sys.argv[1] if len(sys.argv) > 1 else "pcso"
    paths = sys.argv[2:] or ["/", "/briefing", "/tasks", "/log", "/visits", "/plan"]
    with demo_server() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        print(f"first load as {role}, compressed bytes on the wire (every request):")
        for path in paths:
            total, count = measure(browser, base, role, path)
            print(f"  {path:<30} {total / 1024:7.1f} KB in {count} responses")
        browser.close()


if __name__ == "__main__":
    main()
