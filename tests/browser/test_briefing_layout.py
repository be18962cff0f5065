"""The briefing's arrangement on a 390x844 phone (issue 16): one summary line first, then the map,
the priorities, the top three of each list with "show all", taskings, problems, and the counts
last; priorities within the first two screens; chart text at least 12 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in

ORDER = [
    "[data-summary]",
    "#briefing-map",
    ".area-notes",
    ".recent",
    ".repeat-places",
    "[data-slot=taskings]",
    "[data-slot=problem-solving]",
    ".counts-by-type",
]


@pytest.fixture
def abbey(live_server) -> int:
    return live_server.query("SELECT id FROM team_area WHERE name = 'Abbey'")[0][0]


def top_of(page, selector: str) -> float:
    return page.evaluate(
        "s => document.querySelector(s).getBoundingClientRect().top + scrollY", selector
    )


def test_the_briefing_leads_with_its_summary_and_priorities_come_early(page, abbey):
    sign_in(page, "pcso")
    page.goto(f"/briefing?area={abbey}")
    summary = page.locator("[data-summary]")
    expect(summary).to_be_visible()
    text = " ".join(summary.inner_text().split())
    found = re.match(
        r"(\d+) incidents? in 7 days \((no change|[+-]\d+) on the 7 days before\) · "
        r"(\d+) repeat places? · (\d+) priorit(y|ies)$",
        text,
    )
    assert found, text
    # The figures are the page's own: the 7-day counts table, the repeat places, the priorities.
    week = page.locator(".period", has=page.locator("h3", has_text="Last 7 days (incidents)"))
    counts = [int(n) for n in week.locator("tbody td:nth-child(2)").all_inner_texts()]
    before = [int(n) for n in week.locator("tbody td:nth-child(3)").all_inner_texts()]
    assert int(found[1]) == sum(counts) > 0
    change = sum(counts) - sum(before)
    assert found[2] == ("no change" if change == 0 else f"{change:+d}")
    assert int(found[3]) == page.locator(".repeat-places li").count()
    assert int(found[4]) == page.locator(".area-notes .priorities > li").count() >= 1

    tops = [top_of(page, selector) for selector in ORDER]
    assert tops == sorted(tops), dict(zip(ORDER, tops, strict=True))
    assert top_of(page, ".area-notes .priorities") < 2 * PHONE["height"]

    # Top three of each list; the rest behind "show all".
    for section in (".recent", ".repeat-places"):
        first = page.locator(f"{section} > ol")
        assert first.locator("li").count() <= 3
        more = page.locator(f"{section} details.show-all")
        if more.count():
            hidden = more.locator("li")
            expect(hidden.first).to_be_hidden()
            more.locator("summary").click()
            expect(hidden.first).to_be_visible()
            assert more.locator("summary").inner_text() == (
                f"Show all {first.locator('li').count() + hidden.count()}"
            )
    assert page.locator(".recent details.show-all li").count() > 0  # the demo has more than 3

    # Chart text: at least 12 px as drawn on the phone.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].map(t =>
             parseFloat(t.getAttribute('font-size')) * t.ownerSVGElement.getScreenCTM().a)"""
    )
    assert sizes and min(sizes) >= 12, min(sizes)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_volunteers_summary_is_counts_only(page, abbey):
    sign_in(page, "volunteer")
    page.goto(f"/briefing?area={abbey}")
    text = " ".join(page.locator("[data-summary]").inner_text().split())
    assert re.match(r"\d+ incidents? in 7 days \((no change|[+-]\d+) on the 7 days before\)", text)
    assert not re.search(r"\d{1,2}:\d{2}", text)
