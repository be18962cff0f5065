"""Consent to share per referral: given, refused, or not needed with the lawful reason; a
referral without one of these is not marked made; a visit's sharing answer sets the default."""

from __future__ import annotations

import json
import uuid

from app.tables.audit import AuditEntry
from app.tables.visits import ChecklistTemplate, HomeVisit, Referral
from app.visits import checklist, store
from tests.factories import make_team
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.test_visits import answer, answer_all_required, start


def submitted(session, team, address="4 Abbey Street", decisions=None, **answers) -> str:
    visit_uuid = start(session, address=address, team=str(team.id))
    answer_all_required(session, visit_uuid, **answers)
    decisions = decisions or {"referral_food-bank": "suggested"}
    assert session.post(f"/visits/{visit_uuid}/submit", decisions).status_code == 303
    return visit_uuid


def referral() -> dict:
    return sync(Referral.select().first())


def alterations() -> list[str]:
    rows = sync(
        AuditEntry.select(AuditEntry.detail).where(
            (AuditEntry.record_type == "referral") & (AuditEntry.operation == "alteration")
        )
    )
    return [r["detail"] for r in rows]


def test_a_referral_without_consent_is_not_marked_made_and_says_why_beside_the_field(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    submitted(pcso, team, food="no")
    before = referral()
    assert (before["state"], before["consent"]) == ("suggested", "")
    url = f"/visits/referrals/{before['id']}"
    response = pcso.post(url, {"state": "made"})
    assert response.status_code == 400
    assert field_error(response, f"consent-{before['id']}") == (
        "Record the household's consent to share before marking the referral made"
    )
    assert list(summary_links(response)) == [f"consent-{before['id']}"]
    assert referral() == before and alterations() == []
    # Not needed, without the lawful reason: the reason's field says so; nothing changes.
    response = pcso.post(url, {"state": "made", "consent": "not-needed"})
    assert response.status_code == 400
    assert field_error(response, f"consent_reason-{before['id']}") == (
        "State the lawful reason consent is not needed"
    )
    assert html(response).select_one(f"#consent-{before['id']}-not-needed").has_attr("checked")
    assert referral() == before
    # Refused: still not made.
    assert pcso.post(url, {"state": "consent", "consent": "refused"}).status_code == 303
    assert (referral()["consent"], referral()["state"]) == ("refused", "suggested")
    response = pcso.post(url, {"state": "made"})
    assert response.status_code == 400
    assert "refused consent" in field_error(response, f"consent-{before['id']}")
    assert referral()["state"] == "suggested"
    # Not needed with the lawful reason: made, both in one change and one audit entry.
    reason = "Safeguarding: risk to a child (Children Act 1989 s47)"
    made = pcso.post(url, {"state": "made", "consent": "not-needed", "consent_reason": reason})
    assert made.status_code == 303
    row = referral()
    assert (row["state"], row["consent"], row["consent_reason"]) == ("made", "not-needed", reason)
    assert row["made_at"] is not None and row["consent_by"] == pcso.person.id
    assert alterations()[-1] == "to made; consent to share not-needed"
    page = html(pcso.get("/visits/referrals"))
    assert reason in page.select_one(f"[data-referral='{row['id']}'] [data-consent]").get_text()


def test_the_visits_sharing_answer_sets_each_referrals_consent(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    submitted(pcso, team, "1 Abbey Street", food="no", consent_share="yes")
    assert (referral()["consent"], referral()["state"]) == ("given", "suggested")
    made = pcso.post(f"/visits/referrals/{referral()['id']}", {"state": "made"})
    assert made.status_code == 303 and referral()["state"] == "made"
    sync(Referral.delete(force=True))
    # The household said no to sharing: the check page offers no "refer now", and a referral
    # posted as made anyway is kept suggested, consent refused.
    visit_uuid = start(pcso, address="2 Abbey Street", team=str(team.id))
    answer_all_required(pcso, visit_uuid, food="no", consent_share="no")
    check = html(pcso.get(f"/visits/{visit_uuid}/check"))
    assert check.select("input[name='referral_food-bank'][value=made]") == []
    assert check.select_one("[data-no-sharing]") is not None
    pcso.post(f"/visits/{visit_uuid}/submit", {"referral_food-bank": "made"})
    assert (referral()["consent"], referral()["state"]) == ("refused", "suggested")
    sync(Referral.delete(force=True))
    # Unanswered: referring now is the visitor recording that the household agrees.
    submitted(pcso, team, "3 Abbey Street", {"referral_food-bank": "made"}, food="no")
    assert (referral()["consent"], referral()["state"]) == ("given", "made")


def test_the_consent_questions_come_as_a_new_version_and_older_visits_stay_readable(as_role):
    pcso = as_role("pcso")
    # A database made before the consent questions: the shipped template as it was then.
    name, content = store.shipped_content()
    old = {"sections": [s for s in content["sections"] if s["title"] != "Consent"]}
    sync(
        ChecklistTemplate.insert(
            ChecklistTemplate(
                family="default", name=name, version=1, content=checklist.dump(old), current=True
            )
        )
    )
    v1 = sync(ChecklistTemplate.select().first())
    earlier = str(uuid.uuid4())  # a visit started on version 1, before the upgrade
    sync(
        HomeVisit.insert(
            HomeVisit(
                uuid=earlier,
                template=v1["id"],
                visitor=pcso.person.id,
                address="9 Old Road",
                household_key="9 old road",
                consent=True,
            )
        )
    )
    answer_all_required(pcso, earlier, food="no")
    assert answer(pcso, earlier, "consent_share", "yes").status_code == 404  # not on v1
    # The first look at the templates adds the shipped questions as version 2.
    [current] = sync(store.current_templates())
    assert current["version"] == 2 and current["id"] != v1["id"]
    assert checklist.find_question(checklist.load(current["content"]), "consent_share")
    assert len(sync(store.current_templates())) == 1  # asked again: no third version
    assert pcso.post(f"/visits/{earlier}/submit", {"referral_food-bank": "made"}).status_code == 303
    visit = sync(HomeVisit.select().where(HomeVisit.uuid == earlier).first())
    assert visit["template"] == v1["id"]
    page = html(pcso.get(f"/visits/{earlier}"))
    assert page.select_one("[data-referral-consent]").get_text(strip=True) == "given"
    # Someone edited the default family: their version stays current, no upgrade over it.
    sync(
        ChecklistTemplate.update({ChecklistTemplate.current: False}).where(ChecklistTemplate.id > 0)
    )
    sync(
        ChecklistTemplate.insert(
            ChecklistTemplate(
                family="default",
                name=name,
                version=3,
                content=json.dumps(old),
                current=True,
                created_by=pcso.person.id,
            )
        )
    )
    [current] = sync(store.current_templates())
    assert current["version"] == 3
