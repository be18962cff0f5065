"""Engagement log: quick log through the outbox contract, my log, edits, team log, CSV."""

from __future__ import annotations

import csv
import io
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.tables.audit import AuditEntry
from app.tables.engagement import Engagement, KeyIndividual
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.not_theirs import answers_as_missing

JSON = {"accept": "application/json"}


def engagement(**extra) -> dict:
    return {"uuid": str(uuid.uuid4()), "kind": "street", "topics": ["asb", "drugs"], **extra}


def stored() -> list[dict]:
    return sync(Engagement.select().order_by(Engagement.id))


def audit(operation: str, record_type: str) -> list[dict]:
    return sync(
        AuditEntry.select().where(
            (AuditEntry.operation == operation) & (AuditEntry.record_type == record_type)
        )
    )


def test_a_quick_log_is_stored_with_its_position_and_author(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    body = engagement(lat="52.9225", lng="-1.4746", accuracy_m="12", occurred_at="")
    response = pcso.post("/log", body, headers=JSON)
    assert response.status_code == 201
    assert response.json()["status"] == "stored"
    [row] = stored()
    assert row["id"] == response.json()["id"]
    assert row["client_uuid"] == body["uuid"]
    assert (row["author"], row["team"], row["kind"]) == (pcso.person.id, team.id, "street")
    assert row["topics"] == ",asb,drugs,"
    assert (row["lat"], row["lng"], row["accuracy_m"]) == (52.9225, -1.4746, 12)
    assert [a["record_id"] for a in audit("collection", "engagement")] == [str(row["id"])]


def test_no_position_is_fine(as_role):
    pcso = as_role("volunteer")
    assert pcso.post("/log", engagement(), headers=JSON).status_code == 201
    assert stored()[0]["lat"] is None


def test_the_same_record_replayed_twice_is_stored_once(as_role):
    pcso = as_role("pcso")
    body = engagement(note="Replayed")
    answers = [pcso.post("/log", body, headers=JSON) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert [a.json()["status"] for a in answers] == ["stored", "already stored", "already stored"]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(stored()) == 1
    assert len(audit("collection", "engagement")) == 1


def test_a_plain_form_replay_redirects_and_stores_once(as_role):
    pcso = as_role("officer")
    body = engagement()
    first, second = pcso.post("/log", body), pcso.post("/log", body)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == "/log?saved=1"
    assert len(stored()) == 1


def test_a_double_tap_submitting_twice_at_once_stores_one(as_role):
    pcso = as_role("pcso")
    twin = as_role("pcso", person=pcso.person)  # a second connection, same person
    body = engagement()
    barrier = threading.Barrier(2)
    statuses = []

    def tap(session):
        barrier.wait()
        statuses.append(session.post("/log", body, headers=JSON).status_code)

    threads = [threading.Thread(target=tap, args=(s,)) for s in (pcso, twin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 201]
    assert len(stored()) == 1


def test_store_once_settles_a_race_on_the_unique_constraint():
    import asyncio

    from app.phone_outbox import store_once

    person = make_person("pcso")
    key = str(uuid.uuid4())
    values = {"author": person.id, "kind": "event", "occurred_at": datetime.now(UTC)}

    async def race():
        return await asyncio.gather(
            *(store_once(Engagement, key, dict(values), "author") for _ in range(4))
        )

    results = sync(race())
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({row_id for row_id, _ in results}) == 1
    assert sync(Engagement.count()) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"occurred_at": "2099-01-01T10:00"}, "occurred_at", "cannot be in the future"),
        ({"kind": "interrogation"}, "kind", "Choose the kind of engagement"),
        ({"note": "x" * 2001}, "note", "2000 characters or fewer"),
        ({"topics": ["asb", "aliens"]}, "topics", "Choose topics from the list"),
        ({"lat": "52.9"}, "lat", "both latitude and longitude"),
        ({"uuid": "not-a-uuid"}, "uuid", "missing its record number"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_stored(
    as_role, change, field, message
):
    pcso = as_role("pcso")
    page = pcso.post("/log", engagement(**change))
    assert page.status_code == 400
    assert message in field_error(page, field)
    assert field in summary_links(page)
    answer = pcso.post("/log", engagement(**change), headers=JSON)
    assert answer.status_code == 400
    assert message in answer.json()["errors"][field]
    assert stored() == []


def test_a_record_is_never_stored_under_another_persons_session(as_role):
    pcso, officer = as_role("pcso"), as_role("officer")
    body = engagement()
    refused = officer.post("/log", body, headers={**JSON, "x-outbox-user": pcso.person.username})
    assert refused.status_code == 409
    assert stored() == []
    assert (
        pcso.post("/log", body, headers={**JSON, "x-outbox-user": pcso.person.username}).status_code
        == 201
    )
    # The same UUID from someone else is not theirs to claim either.
    assert officer.post("/log", body, headers=JSON).status_code == 409
    assert [r["author"] for r in stored()] == [pcso.person.id]


def test_my_log_shows_today_and_promised_follow_ups(as_role):
    pcso = as_role("pcso")
    other = as_role("pcso")
    pcso.post("/log", engagement(follow_up="Call the school"), headers=JSON)
    other.post("/log", engagement(kind="event"), headers=JSON)
    doc = html(pcso.get("/log"))
    entries = doc.select(".my-log [data-entry]")
    assert len(entries) == 1 and "Street engagement" in entries[0].get_text()
    assert "Call the school" in doc.select_one("#follow-ups").parent.get_text()
    row = stored()[0]
    assert pcso.post(f"/log/{row['id']}/done").status_code == 303
    assert html(pcso.get("/log")).select_one("#follow-ups") is None


def test_the_author_edits_and_deletes_during_the_shift_and_each_change_is_audited(as_role):
    pcso, other = as_role("pcso"), as_role("pcso")
    pcso.post("/log", engagement(), headers=JSON)
    entry_id = stored()[0]["id"]
    assert other.get(f"/log/{entry_id}").status_code == 404
    assert other.post(f"/log/{entry_id}", {"kind": "event"}).status_code == 404
    form = pcso.get(f"/log/{entry_id}")
    assert html(form).select_one("#kind-street").has_attr("checked")
    bad = pcso.post(f"/log/{entry_id}", {"kind": "nope", "topics": ["asb"]})
    assert bad.status_code == 400 and field_error(bad, "kind")
    changed = pcso.post(f"/log/{entry_id}", {"kind": "event", "topics": ["litter"], "note": "x"})
    assert changed.status_code == 303
    row = stored()[0]
    assert (row["kind"], row["topics"], row["note"]) == ("event", ",litter,", "x")
    assert "kind" in audit("alteration", "engagement")[0]["detail"]
    assert pcso.post(f"/log/{entry_id}/delete").status_code == 303
    assert stored()[0]["deleted_at"] is not None
    assert len(audit("erasure", "engagement")) == 1
    assert html(pcso.get("/log")).select(".my-log [data-entry]") == []


def test_someone_elses_entry_answers_as_a_missing_one_does(as_role):
    volunteer = as_role("volunteer")
    volunteer.post("/log", engagement(follow_up="Bring leaflets"), headers=JSON)
    [entry] = stored()
    gone = entry["id"] + 10_000
    for role in ("volunteer", "pcso", "supervisor"):
        other = as_role(role)
        for method, path, data in (
            ("GET", "/log/{}", None),
            ("POST", "/log/{}", {"kind": "event", "topics": ["litter"]}),
            ("POST", "/log/{}", {"kind": "nope"}),  # a bad form tells nothing either
            ("POST", "/log/{}/delete", None),
            ("POST", "/log/{}/done", None),
        ):
            answers_as_missing(other, method, path.format(entry["id"]), path.format(gone), data)
    assert stored() == [entry]  # nothing changed


def test_after_the_shift_the_entry_can_no_longer_be_changed(as_role):
    pcso = as_role("pcso")
    pcso.post("/log", engagement(), headers=JSON)
    entry_id = stored()[0]["id"]
    sync(
        Engagement.update({Engagement.created_at: datetime.now(UTC) - timedelta(hours=13)}).where(
            Engagement.id == entry_id
        )
    )
    assert pcso.post(f"/log/{entry_id}/delete").status_code == 403
    assert stored()[0]["deleted_at"] is None


def test_a_deleted_records_late_replay_does_not_bring_it_back(as_role):
    pcso = as_role("pcso")
    body = engagement()
    pcso.post("/log", body, headers=JSON)
    pcso.post(f"/log/{stored()[0]['id']}/delete")
    assert pcso.post("/log", body, headers=JSON).status_code == 200
    assert len(stored()) == 1 and stored()[0]["deleted_at"] is not None


def test_supervisors_filter_the_team_log_count_by_week_and_export(as_role):
    north, south = make_team("North"), make_team("South")
    a = as_role("pcso", home_team=north.id)
    b = as_role("volunteer", home_team=south.id)
    a.post("/log", engagement(kind="street", topics=["asb"]), headers=JSON)
    a.post("/log", engagement(kind="school", topics=["drugs"]), headers=JSON)
    last_week = (datetime.now(UTC) - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    a.post("/log", engagement(kind="street", topics=["asb"], occurred_at=last_week), headers=JSON)
    b.post("/log", engagement(kind="street", topics=["asb", "parking"]), headers=JSON)
    boss = as_role("supervisor")

    def shown(query: str) -> int:
        return len(html(boss.get(f"/log/team{query}")).select("[data-entries] [data-entry]"))

    assert shown("") == 4
    assert shown(f"?area={north.id}") == 3
    assert shown("?kind=street&topic=asb") == 3
    assert shown("?topic=parking") == 1
    this_week = datetime.now(UTC).strftime("%G-W%V")
    assert shown(f"?week={this_week}") >= 3
    counts = html(boss.get(f"/log/team?area={north.id}")).select("[data-counts] tbody tr")
    assert sorted(int(r.select("td")[1].get_text()) for r in counts) in ([1, 2], [3])
    bad = boss.get("/log/team?week=soon")
    assert bad.status_code == 400 and field_error(bad, "week")
    # Digits int() cannot read filter nothing, like any unknown area (never a 500).
    assert boss.get("/log/team?area=%C2%B2").status_code == 200
    export = boss.get(f"/log/team/export.csv?area={north.id}&kind=street")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 2 and {r["team"] for r in rows} == {"North"}
    assert audit("disclosure", "engagement")[0]["detail"] == "2 rows"


def test_police_keep_key_individuals_and_they_can_be_chosen_in_the_log(as_role):
    team = make_team()
    officer = as_role("officer", home_team=team.id)
    missing = officer.post("/log/people", {"team": str(team.id), "name": ""})
    assert missing.status_code == 400 and field_error(missing, "name") == "Enter their name"
    added = officer.post(
        "/log/people",
        {
            "team": str(team.id),
            "name": "Rev. Ann Bell",
            "community_role": "Vicar",
            "how_to_reach": "Church office",
            "consent_to_contact": "yes",
        },
    )
    assert added.status_code == 303
    [key] = sync(KeyIndividual.select())
    assert key["consent_to_contact"] is True
    listed = html(officer.get("/log/people")).select("[data-key-individual]")
    assert "Church office" in listed[0].get_text()
    pcso = as_role("pcso", home_team=team.id)
    options = html(pcso.get("/log")).select("#key_individual option")
    assert [o.get_text() for o in options] == ["None", "Rev. Ann Bell"]
    pcso.post("/log", engagement(key_individual=str(key["id"])), headers=JSON)
    assert stored()[0]["key_individual"] == key["id"]
    assert as_role("volunteer").get("/log/people").status_code == 403


def test_the_home_screen_has_the_quick_log_for_field_roles_only(as_role):
    form = html(as_role("pcso").get("/")).select_one("form[data-outbox][action='/log']")
    assert form is not None
    assert len(form.select("input[name=kind]")) == 9 and len(form.select("input[name=topics]")) == 9
    assert form.select_one("input[name=uuid]")["value"]
    assert html(as_role("mentor").get("/")).select_one("form[data-outbox]") is None
