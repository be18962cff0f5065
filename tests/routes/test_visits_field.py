"""Field fixes to home visits (issue 16): questions asked as answers call for them, kept by
the template's version; taps for ratings and counts; missed answers said at the top of check
answers and at their section; a timer that says what it means."""

from __future__ import annotations

import json

from app.tables.visits import ChecklistTemplate, HomeVisit
from app.visits import checklist, store
from tests.helpers import html, sync
from tests.routes.test_visits import answer, start


def test_missed_required_answers_are_said_at_the_top_of_check_answers_and_at_their_section(
    as_role,
):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    answer(pcso, visit_uuid, "door_locks", "yes")
    page = html(pcso.get(f"/visits/{visit_uuid}/check"))
    summary = page.select_one("[data-missing-summary]")
    assert summary is not None
    assert summary.find_previous("h1") is not None  # under the title, above every section
    first_section = page.select_one(".check-section")
    assert first_section.find_previous("div", attrs={"data-missing-summary": True}) is summary
    links = {a["href"] for a in summary.select("a")}
    assert f"/visits/{visit_uuid}?section=1#question-burgled" in links
    assert f"/visits/{visit_uuid}?section=5#question-children" in links
    assert f"/visits/{visit_uuid}?section=1#question-door_locks" not in links  # answered
    assert summary.find("h2").get_text(strip=True) == "9 required answers still to give"
    at_section = page.select_one("[data-section-missing='1']")
    assert [a["href"] for a in at_section.select("a")] == [
        f"/visits/{visit_uuid}?section=1#question-burgled"
    ]
    assert page.select_one("[data-section-missing='11']") is None  # consent: nothing required
    # Every link leads to the question on its screen.
    target = html(pcso.get(f"/visits/{visit_uuid}?section=1"))
    assert target.find(id="question-burgled") is not None


def test_check_answers_lists_only_the_questions_asked(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    answer(pcso, visit_uuid, "children", "0")
    page = html(pcso.get(f"/visits/{visit_uuid}/check"))
    shown = page.get_text()
    assert "How many children under 16 live here?" in shown
    assert "Are medicines, cleaning products and blind cords out of children's reach?" not in shown
    assert "What kind?" not in shown


def test_ratings_and_counts_are_tap_choices_not_typed_numbers(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    page = html(pcso.get(f"/visits/{visit_uuid}"))
    for key, values in (("children", range(16)), ("health_rating", range(1, 6))):
        block = page.find(id=f"question-{key}")
        radios = block.select(f"input[type=radio][name=q_{key}]")
        assert [r["value"] for r in radios] == [str(n) for n in values]
        assert all(block.find("label", attrs={"for": r["id"]}) for r in radios)
        assert block.select("input[type=text]") == []
    response = answer(pcso, visit_uuid, "health_rating", "1")
    assert response.status_code == 200
    swapped = html(response).find(id="question-health_rating")
    assert swapped.find("input", attrs={"value": "1"}).has_attr("checked")
    assert not swapped.select_one("[data-advice]").has_attr("hidden")  # 1 calls for advice


def test_the_visit_page_says_the_time_left(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    timer = html(pcso.get(f"/visits/{visit_uuid}")).select_one("[data-visit-timer]")
    said = timer.select_one("[data-visit-timer-text]").get_text(strip=True)
    assert said in ("30 minutes left of 30", "29 minutes left of 30")
    assert timer["data-minutes"] == "30"


def test_the_rules_are_kept_by_the_templates_version(as_role):
    """The shipped rules came as a new version of the default template; a visit on the older
    version keeps its questions, all asked, as they were."""
    pcso = as_role("pcso")
    visit_uuid = start(pcso)  # makes the shipped template
    name, content = store.shipped_content()
    assert any(q.get("ask_if") for _, q in checklist.questions(content))
    old = json.loads(json.dumps(content))
    for _, q in checklist.questions(old):
        q.pop("ask_if", None)
    [current] = sync(ChecklistTemplate.select().where(ChecklistTemplate.current.eq(True)))
    # An older version, as a database made before the rules holds it, with a visit on it.
    sync(
        ChecklistTemplate.update({ChecklistTemplate.content: checklist.dump(old)}).where(
            ChecklistTemplate.id == current["id"]
        )
    )
    sync(store.ensure_default_template())  # the first look adds the shipped rules
    rows = sync(ChecklistTemplate.select().order_by(ChecklistTemplate.version))
    assert [(r["version"], r["current"]) for r in rows] == [(1, False), (2, True)]
    assert checklist.load(rows[1]["content"]) == content
    # The visit started on version 1 asks every question, as that version did.
    page = html(pcso.get(f"/visits/{visit_uuid}?section=9"))
    assert not page.find(id="question-asb_kinds").has_attr("hidden")
    # A visit started now uses version 2: "What kind?" waits for a yes.
    newer = start(pcso)
    visit = sync(HomeVisit.select().where(HomeVisit.uuid == newer).first())
    assert visit["template"] == rows[1]["id"]
    page = html(pcso.get(f"/visits/{newer}?section=9"))
    assert page.find(id="question-asb_kinds").has_attr("hidden")
