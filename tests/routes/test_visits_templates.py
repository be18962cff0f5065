"""The checklist editor: changes make new versions, and a visit keeps the version it started on."""

from __future__ import annotations

from app.tables.visits import ChecklistTemplate
from app.visits import store
from tests.helpers import field_error, html, sync
from tests.routes.test_visits import answer, start, visit_row

NEW_QUESTION = {
    "section": "1",
    "text": "Is there a working doorbell camera?",
    "kind": "yesno",
    "when": "no",
    "advice": "Explain what a doorbell camera records and the privacy of neighbours.",
    "referral_kind": "council",
    "referral_reason": "No doorbell camera",
    "followup_days": "10",
    "followup_reason": "Check a camera was fitted",
    "required": "yes",
}


def current_template() -> dict:
    sync(store.ensure_default_template())  # the shipped template is made on first use
    return sync(ChecklistTemplate.select().where(ChecklistTemplate.current.eq(True)).first())


def test_a_template_change_after_a_visit_started_leaves_the_visit_on_its_version(as_role):
    pcso = as_role("pcso")
    supervisor = as_role("supervisor")
    started = start(pcso)
    v1 = current_template()
    response = supervisor.post(f"/visits/templates/{v1['id']}/questions", NEW_QUESTION)
    assert response.status_code == 303
    v2 = current_template()
    assert (v2["version"], v2["family"]) == (2, v1["family"])
    assert response.headers["location"] == f"/visits/templates/{v2['id']}?saved=1"
    assert not sync(ChecklistTemplate.select().where(ChecklistTemplate.id == v1["id"]).first())[
        "current"
    ]

    # The visit started on version 1 neither shows nor takes the new question.
    assert visit_row(started)["template"] == v1["id"]
    page = html(pcso.get(f"/visits/{started}"))
    assert page.select_one("[data-question=is_there_a_working]") is None
    assert answer(pcso, started, "is_there_a_working", "no").status_code == 404
    # A visit started now uses version 2, and the new question's rules work on it.
    later = start(pcso, address="2 Other Street")
    assert visit_row(later)["template"] == v2["id"]
    response = answer(pcso, later, "is_there_a_working", "no")
    assert response.status_code == 200
    assert not html(response).select_one("[data-advice]").has_attr("hidden")


def test_changing_and_removing_a_question_each_make_a_version(as_role):
    supervisor = as_role("supervisor")
    v1 = current_template()
    edit = html(supervisor.get(f"/visits/templates/{v1['id']}/questions/smoke_alarm"))
    assert edit.select_one("#followup_days")["value"] == "14"
    changed = {
        "section": "4",
        "text": "Is there a tested smoke alarm on every floor?",
        "kind": "yesno",
        "when": "no",
        "advice": "Test it now.",
        "referral_kind": "fire",
        "required": "yes",
    }
    supervisor.post(f"/visits/templates/{v1['id']}/questions/smoke_alarm", changed)
    v2 = current_template()
    page = html(supervisor.get(f"/visits/templates/{v2['id']}"))
    assert "Is there a tested smoke alarm on every floor?" in page.get_text()
    supervisor.post(f"/visits/templates/{v2['id']}/questions/smoke_alarm", {"action": "remove"})
    v3 = current_template()
    assert v3["version"] == 3 and "smoke_alarm" not in v3["content"]
    assert "smoke_alarm" in v1["content"]  # the first version is untouched
    # An older version is read only.
    stale = supervisor.post(f"/visits/templates/{v1['id']}/questions", NEW_QUESTION)
    assert stale.status_code == 400 and "has been changed" in field_error(stale, "text")


def test_a_bad_question_is_refused_beside_its_fields(as_role):
    supervisor = as_role("supervisor")
    v1 = current_template()
    bad = {
        "section": "1",
        "text": "",
        "kind": "choice",
        "options": "Only one",
        "when": "Maybe",
        "followup_days": "0",
    }
    response = supervisor.post(f"/visits/templates/{v1['id']}/questions", bad)
    assert response.status_code == 400
    assert field_error(response, "text") == "Enter the question"
    assert (
        field_error(response, "options") == "Enter at least two answers to choose from, one a line"
    )
    assert field_error(response, "followup_days") == "Enter a number of days from 1 to 365"
    number = {"section": "1", "text": "How many?", "kind": "number", "min": "5", "max": "2"}
    response = supervisor.post(f"/visits/templates/{v1['id']}/questions", number)
    assert field_error(response, "max") == "The highest number must be at least the lowest"
    assert current_template()["id"] == v1["id"]


def test_sections_are_added_renamed_and_removed_when_empty(as_role):
    admin = as_role("admin")
    v1 = current_template()
    admin.post(f"/visits/templates/{v1['id']}/sections", {"title": "Scams"})
    v2 = current_template()
    page = html(admin.get(f"/visits/templates/{v2['id']}"))
    assert [h.get_text(strip=True) for h in page.select("section h2")][-1] == "12. Scams"
    refused = admin.post(
        f"/visits/templates/{v2['id']}/sections", {"section": "1", "action": "remove"}
    )
    assert field_error(refused, "title") == "Remove the section's questions first"
    admin.post(f"/visits/templates/{v2['id']}/sections", {"section": "12", "action": "remove"})
    assert current_template()["version"] == 3 and "Scams" not in current_template()["content"]
