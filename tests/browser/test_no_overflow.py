"""Every GET page, as every role, at 390x844: nothing scrolls sideways, and every visible button
or action link is at least 44 px tall (issue 16, "Everywhere").

Routes come from the app itself; a route with ids in its path is opened with ids the demo data
gives: the first link to it found on a page the role opened (pages are followed breadth first
from the routes without ids). Routes that answer something other than HTML (CSV, JSON, the
service worker, static files) are skipped.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from litestar.routes import HTTPRoute

from app.access import PUBLIC_RULE, rule_of
from app.main import create_app
from app.roles import Role
from tests.browser.conftest import PHONE, sign_in

WIDTH = PHONE["width"]
MAX_PAGES = 160  # per role: enough to reach every route the demo links to


def get_routes() -> list[tuple[str, re.Pattern, object]]:
    """(path pattern, regex matching a concrete path, access rule) for every GET page route."""
    found = []
    for route in create_app().routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/static"):
            continue
        for handler in route.route_handlers:
            if "GET" not in handler.http_methods:
                continue
            regex = re.sub(
                r"\{[^}:]+:(\w+)\}",
                lambda m: r"\d+" if m.group(1) == "int" else r"[^/]+",
                re.escape(route.path).replace(r"\{", "{").replace(r"\}", "}"),
            )
            found.append((route.path, re.compile(f"^{regex}/?$"), rule_of(handler)))
    return found


ROUTES = get_routes()


def may_open(rule, role: Role) -> bool:
    return rule == PUBLIC_RULE or role in rule


def route_of(path: str) -> str | None:
    for pattern, regex, _ in ROUTES:
        if regex.match(path):
            return pattern
    return None


MEASURE = """() => {
  const tooShort = [];
  for (const el of document.querySelectorAll('a.button, a.action-link, a.back, button')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('.leaflet-container')) continue;  // the map's own controls
    if (box.height < 44) {
      tooShort.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim()
        .slice(0, 40)}" ${Math.round(box.height)} px`);
    }
  }
  const wide = [];
  if (document.documentElement.scrollWidth > innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > innerWidth + 1 && !el.closest('.table-wrap, .leaflet-container')) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}`);
      }
    }
  }
  const links = [...document.querySelectorAll('a[href]')]
    .map(a => a.href).filter(h => h.startsWith(location.origin));
  return {width: document.documentElement.scrollWidth, tooShort, wide: wide.slice(0, 5), links};
}"""


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_no_page_scrolls_sideways_and_action_links_fit_a_thumb(browser, browser_context_args, role):
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        sign_in(page, role.value)
        allowed = {p for p, _, rule in ROUTES if may_open(rule, role)}
        start = [p for p in sorted(allowed) if "{" not in p]
        waiting, seen, covered = deque(start), set(start), set()
        problems, opened = [], 0
        while waiting and opened < MAX_PAGES:
            url = waiting.popleft()
            pattern = route_of(urlsplit(url).path)
            if pattern in covered:
                continue
            check = context.request.get(url, max_redirects=0)
            if check.status >= 300 or "text/html" not in check.headers.get("content-type", ""):
                covered.add(pattern)
                continue  # a file, a redirect, a refusal: not a page of this role's
            page.goto(url)
            opened += 1
            covered.add(pattern)
            found = page.evaluate(MEASURE)
            if found["width"] > WIDTH:
                problems.append(f"{url}: {found['width']} px wide: {found['wide']}")
            problems.extend(f"{url}: {short}" for short in found["tooShort"])
            for link in found["links"]:
                path = urlsplit(link).path
                target = route_of(path)
                if target in allowed and target not in covered and path not in seen:
                    seen.add(path)
                    waiting.append(path)
        print(f"{role}: {opened} pages, {len(covered)} of {len(allowed)} GET routes")
        assert opened >= len(start) // 2
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
