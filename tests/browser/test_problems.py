"""Problem solving on a phone (390x844): an area priority becomes a problem in at most three
screens, and an action becomes a tasking in one step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_accessibility import violations


def test_a_priority_becomes_a_problem_in_three_screens_and_an_action_a_tasking(page, live_server):
    [(priority_id, issue)] = live_server.query(
        "SELECT id, issue FROM area_priority WHERE issue LIKE 'ASB at the Stockbrook%'"
    )
    sign_in(page, "supervisor")
    screens = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and screens.append(frame.url))
    # Screen 1: the three fields, filled from the priority.
    page.goto(f"/problems/new?priority={priority_id}")
    expect(page.get_by_label("Title")).to_have_value(issue)
    expect(page.get_by_label("What it is, in a sentence")).not_to_be_empty()
    page.get_by_role("button", name="Open the problem").click()
    # Screen 2: the problem, opened.
    page.wait_for_url("**/problems/*?created=1")
    expect(page.locator(".notice[role=status]")).to_contain_text("Problem opened")
    expect(page.locator("h1")).to_have_text(issue)
    assert len(screens) <= 3, screens
    problem_id = int(page.url.split("/problems/")[1].split("?")[0])
    [(stored_priority, state)] = live_server.query(
        "SELECT priority, state FROM problem WHERE id = ?", problem_id
    )
    assert (stored_priority, state) == (priority_id, "open")
    # An action that becomes a tasking for the demo PCSO, in one step.
    form = page.locator("form[data-add-action]")
    form.get_by_label("What will be done").fill("Foot patrol at the shops after school")
    form.get_by_label("Who owns it").select_option("staff")
    form.get_by_label("Person (staff or volunteer)").select_option(label="Demo PCSO")
    due = (date.today() + timedelta(days=7)).isoformat()
    form.get_by_label("Due by").fill(due)
    form.get_by_label("At once, make it").select_option("tasking")
    form.get_by_role("button", name="Add the action").click()
    page.wait_for_url("**/problems/*?action=1*")
    progress = page.locator("[data-tasking-progress]")
    expect(progress).to_contain_text("Tasking: Assigned (Demo PCSO)")
    [(tasking_id, title)] = live_server.query(
        "SELECT t.id, t.title FROM problem_action a JOIN tasking t ON t.id = a.tasking_id "
        "WHERE a.problem = ?",
        problem_id,
    )
    assert title == "Foot patrol at the shops after school"
    assert live_server.query(
        "SELECT p.username, s.state FROM tasking_assignment s JOIN person p ON p.id = s.person "
        "WHERE s.tasking = ?",
        tasking_id,
    ) == [("pcso", "assigned")]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The problem shows in its area's briefing, in the problem-solving panel.
    [(team_id,)] = live_server.query(
        "SELECT team_area FROM area_priority WHERE id = ?", priority_id
    )
    page.goto(f"/briefing?area={team_id}")
    panel = page.locator("[data-slot=problem-solving]")
    expect(panel.get_by_role("link", name=issue)).to_be_visible()
    expect(panel).to_contain_text("Open")


PAGES = {
    "supervisor": [
        "/problems",
        "/problems/new",
        "/problems/1",
        "/problems/2",
        "/problems/3/people",
        "/problems/3/sara",
        "/problems/review",
        "/problems/powers",
    ],
    "volunteer": ["/problems", "/problems/2"],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_problem_pages_have_no_accessibility_violations(browser, live_server, role):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    try:
        sign_in(page, role)
        found = {}
        for url in PAGES[role]:
            page.goto(url)
            problems = violations(page)
            if problems:
                found[url] = problems
        assert found == {}
    finally:
        context.close()
