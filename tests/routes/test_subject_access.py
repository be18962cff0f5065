"""Subject access: an admin finds a data subject and exports what is held, as a printable page
and a JSON download; each export is audited as a disclosure; nobody else may."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from app.roles import Role
from app.tables.audit import AuditEntry
from app.tables.engagement import Engagement, KeyIndividual
from app.tables.mentoring import MentorClient, MentorContact, MentorGoal, PoliceCallCount
from app.tables.visits import HomeVisit, Referral
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, sync
from tests.routes.test_visits import answer_all_required, start

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def visited(session, team, address, decisions=None, **answers) -> str:
    visit_uuid = start(session, address=address, team=str(team.id))
    answer_all_required(session, visit_uuid, **answers)
    response = session.post(f"/visits/{visit_uuid}/submit", decisions or {})
    assert response.status_code == 303, response.text
    return visit_uuid


def disclosures() -> list[dict]:
    return sync(
        AuditEntry.select().where(AuditEntry.operation == "disclosure").order_by(AuditEntry.id)
    )


def export(admin, kind, ref):
    """(the printed page, the JSON document) for one subject."""
    page = admin.get(f"/subject-access/export?kind={kind}&ref={ref}")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    download = admin.get(f"/subject-access/export.json?kind={kind}&ref={ref}")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    return html(page), json.loads(download.text)


def section(document: dict, key: str) -> list[dict]:
    return next(s["records"] for s in document["sections"] if s["key"] == key)


def test_a_household_visited_twice_with_a_referral_is_exported_and_the_disclosure_audited(
    as_role,
):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    admin = as_role("admin")
    first = visited(
        pcso,
        team,
        "12 Abbey Street, Derby",
        {"referral_food-bank": "suggested"},
        food="no",
        consent_share="yes",
    )
    second = visited(pcso, team, "12  abbey street DERBY")  # typed differently
    other = visited(
        pcso, team, "14 Abbey Street, Derby", {"referral_fire": "made"}, smoke_alarm="no"
    )
    # The search matches whatever the case, spaces and punctuation.
    found = admin.get("/subject-access?kind=household&q=12+ABBEY+St.,+Derby")
    assert found.status_code == 400  # "St." is not "Street": nothing held under that
    assert field_error(found, "q") == "Nothing is held under that: check it and try again"
    found = html(admin.get("/subject-access?kind=household&q=12+ABBEY+Street,,+Derby"))
    [link] = found.select("[data-found] a[data-export]")
    assert link["href"].endswith("ref=12%20abbey%20street%20derby")
    page, document = export(admin, "household", "12 abbey street derby")
    text = page.get_text(" ")
    assert first in text and second in text and other not in text and "14 Abbey" not in text
    visits = section(document, "home_visits")
    assert sorted(v["visit"] for v in visits) == sorted([first, second])
    [referral] = section(document, "referrals")
    assert (referral["agency_kind"], referral["state"], referral["consent_to_share"]) == (
        "food bank",
        "suggested",
        "given",
    )
    answers = section(document, "visit_answers")
    food = "Has the household had enough food this week?"
    assert [(a["visit"], a["answer"]) for a in answers if a["question"] == food] == [
        (first, "No"),
        (second, "Yes"),
    ]
    assert {a["visit"] for a in answers} == {first, second}
    assert [f["reason"] for f in section(document, "follow_ups")] == [
        "Check the food bank parcel arrived"
    ]
    assert len(section(document, "taskings")) == 1  # the follow-up's home-visit tasking
    other_id = sync(HomeVisit.select(HomeVisit.id).where(HomeVisit.uuid == other).first())["id"]
    assert all(
        not (e["record_type"] == "home_visit" and e["record_id"] == str(other_id))
        for e in section(document, "audit")
    )
    assert sync(Referral.count()) == 2 and "fire" not in json.dumps(document)
    # Each export is a disclosure, naming the subject and the counts.
    entries = disclosures()
    assert [(e["record_type"], e["record_id"], e["actor"]) for e in entries] == [
        ("subject_access", "household:12 abbey street derby", admin.person.id)
    ] * 2
    assert "home_visits 2" in entries[0]["detail"] and "referrals 1" in entries[0]["detail"]
    assert "as html" in entries[0]["detail"] and "as json" in entries[1]["detail"]


def test_a_mentoring_client_is_found_by_the_exact_reference_with_contacts_risk_and_outcomes(
    as_role,
):
    admin = as_role("admin")
    mentor = make_person("mentor")
    clients = {}
    for reference in ("MC-101", "MC-102"):
        row = MentorClient(mentor=mentor.id, reference=reference, start_date=date(2026, 1, 5))
        sync(row.save())
        clients[reference] = row.id
    for client, note, risk in (
        ("MC-101", "Went to the housing office together", False),
        ("MC-101", "Says a neighbour threatened him", True),
        ("MC-102", "Another client's note", False),
    ):
        sync(
            MentorContact.insert(
                MentorContact(
                    client_uuid=str(uuid.uuid4()),
                    client=clients[client],
                    mentor=mentor.id,
                    kind="meeting",
                    contact_date=date(2026, 2, 1),
                    note=note,
                    is_risk=risk,
                )
            )
        )
    sync(MentorGoal.insert(MentorGoal(client=clients["MC-101"], title="Register with a GP")))
    sync(
        PoliceCallCount.insert(
            PoliceCallCount(client=clients["MC-101"], month=date(2026, 1, 1), calls=9)
        )
    )
    assert field_error(admin.get("/subject-access?kind=client&q=MC-10"), "q")  # exact only
    assert html(admin.get("/subject-access?kind=client&q=MC-101")).select("[data-export]")
    page, document = export(admin, "client", "MC-101")
    assert [c["note"] for c in section(document, "mentor_contacts")] == [
        "Went to the housing office together"
    ]
    assert [c["note"] for c in section(document, "risk_notes")] == [
        "Says a neighbour threatened him"
    ]
    assert [g["title"] for g in section(document, "mentor_goals")] == ["Register with a GP"]
    assert [c["calls"] for c in section(document, "police_calls")] == [9]
    assert "Another client's note" not in json.dumps(document) + page.get_text()
    assert disclosures()[0]["record_id"] == "client:MC-101"


def test_a_key_individual_is_found_by_number_or_name_with_the_entries_that_link_them(as_role):
    team = make_team()
    admin = as_role("admin")
    pcso = make_person("pcso", home_team=team.id)
    people = {}
    for name in ("Mrs Amrit Patel", "Mr Colin Grey"):
        row = KeyIndividual(team=team.id, name=name, community_role="Shopkeeper")
        sync(row.save())
        people[name] = row.id
    for who, note in (("Mrs Amrit Patel", "Raised parking"), ("Mr Colin Grey", "Raised litter")):
        sync(
            Engagement.insert(
                Engagement(
                    client_uuid=str(uuid.uuid4()),
                    author=pcso.id,
                    team=team.id,
                    kind="key-individual",
                    occurred_at=NOW,
                    note=note,
                    key_individual=people[who],
                )
            )
        )
    patel = people["Mrs Amrit Patel"]
    by_name = html(admin.get("/subject-access?kind=key-individual&q=amrit+PATEL"))
    by_number = html(admin.get(f"/subject-access?kind=key-individual&q={patel}"))
    for found in (by_name, by_number):
        [link] = found.select("[data-export]")
        assert link["href"].endswith(f"ref={patel}")
    page, document = export(admin, "key-individual", str(patel))
    assert [e["note"] for e in section(document, "engagement")] == ["Raised parking"]
    assert section(document, "key_individual")[0]["name"] == "Mrs Amrit Patel"
    assert "Raised litter" not in json.dumps(document) + page.get_text()


def test_a_member_of_staff_is_found_by_username_with_their_sessions_trail_and_work(as_role):
    team = make_team()
    admin = as_role("admin")
    pcso = as_role("pcso", home_team=team.id, username="pc.jones")
    colleague = as_role("pcso", home_team=team.id)
    mine = visited(pcso, team, "3 Abbey Street")
    theirs = visited(colleague, team, "5 Abbey Street")
    sync(
        Engagement.insert(
            Engagement(
                client_uuid=str(uuid.uuid4()),
                author=pcso.person.id,
                kind="street",
                occurred_at=NOW,
                note="Spoke to shop staff",
            )
        )
    )
    assert html(admin.get("/subject-access?kind=staff&q=PC.Jones")).select("[data-export]")
    page, document = export(admin, "staff", "pc.jones")
    assert section(document, "person")[0]["username"] == "pc.jones"
    assert "password_hash" not in section(document, "person")[0]
    assert len(section(document, "sessions")) == 1
    trail = section(document, "audit_trail")
    assert trail and {"collection", "alteration"} <= {e["operation"] for e in trail}
    assert [
        v["visit"] if "visit" in v else v["uuid"] for v in section(document, "visits_made")
    ] == [mine]
    assert [e["note"] for e in section(document, "engagement")] == ["Spoke to shop staff"]
    text = json.dumps(document) + page.get_text()
    assert theirs not in text and "3 Abbey Street" not in text  # households are third parties


def test_nothing_held_is_not_found_and_not_audited(as_role):
    admin = as_role("admin")
    for kind, ref in (("household", "1 nowhere"), ("client", "x"), ("staff", "nobody"),
                      ("key-individual", "99999"), ("pets", "x")):  # fmt: skip
        assert admin.get(f"/subject-access/export?kind={kind}&ref={ref}").status_code == 404
        assert admin.get(f"/subject-access/export.json?kind={kind}&ref={ref}").status_code == 404
    assert disclosures() == []
    response = admin.get("/subject-access?kind=pets&q=rex")
    assert field_error(response, "kind") == "Choose whom the request is about"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_admins_may_search_or_export(as_role, role):
    session = as_role(role.value)
    make_person("pcso", username="someone")
    for url in (
        "/subject-access?kind=staff&q=someone",
        "/subject-access/export?kind=staff&ref=someone",
        "/subject-access/export.json?kind=staff&ref=someone",
    ):
        assert session.get(url).status_code == 403, url
    assert disclosures() == []
