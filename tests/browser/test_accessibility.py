"""axe-core (shipped in the axe-playwright-python package) on the shell's pages at phone size:
no WCAG 2.2 A/AA violations, colour contrast included."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

from tests.browser.conftest import PHONE, sign_in

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    None: ["/login", "/offline"],
    "pcso": ["/", "/briefing", "/tasks", "/log", "/visits", "/plan", "/account/password"],
    "volunteer": ["/visits/new", "/visits/follow-ups", "/visits/referrals"],
    "supervisor": [
        "/visits/coverage",
        "/visits/templates",
        "/agencies",
        "/agencies/new",
        "/plan/plans",
        "/plan/plans/new",
        "/plan/plans/1",
        "/plan/compliance",
        "/plan/demand",
        "/plan/plans/2",
        "/tasks/manage",
        "/tasks/volunteers",
        "/log/team",
        "/briefing?area=1",
    ],
    "mentor": ["/", "/mentoring", "/agencies", "/tasks"],
    "admin": ["/people", "/people/new", "/audit", "/audit?date_from=nonsense"],
}


@pytest.fixture
def axe_page(browser, live_server):
    # The injected axe script is inline: this one context bypasses the CSP to run it.
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    yield context.new_page()
    context.close()


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r or "signed-out")
def test_pages_have_no_accessibility_violations(axe_page, role):
    if role:
        sign_in(axe_page, role)
    found = {}
    for url in PAGES[role]:
        axe_page.goto(url)
        problems = violations(axe_page)
        if problems:
            found[url] = problems
    assert found == {}


def test_sign_in_errors_have_no_accessibility_violations(axe_page):
    axe_page.goto("/login")
    axe_page.get_by_role("button", name="Sign in").click()
    axe_page.wait_for_selector("[data-error-summary]")
    assert violations(axe_page) == []
