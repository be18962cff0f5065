"""The engagement log's use cases, called without HTTP (as the demo and the benches call them)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.engagement import key_individuals, service, team
from app.engagement.followups import followup_to_tasking
from app.engagement.forms import LogForm, TeamLogFilter
from app.outcomes import NotAllowed, NotFound
from app.tables.audit import AuditEntry
from app.tables.engagement import Engagement, EngagementKind, KeyIndividual
from app.tables.taskings import Tasking
from tests.factories import make_actor, make_team
from tests.helpers import sync


def entry(**extra) -> dict:
    values, errors = LogForm.parse(
        {"uuid": str(uuid.uuid4()), "kind": "street", "topics": ["asb", "drugs"], **extra}
    )
    assert not errors, errors
    return values


def audited(operation: str, record_type: str) -> list[dict]:
    return sync(
        AuditEntry.select().where(
            (AuditEntry.operation == operation) & (AuditEntry.record_type == record_type)
        )
    )


def test_log_stores_once_by_uuid_with_its_audit_entry():
    team_area = make_team()
    actor = make_actor("pcso", home_team=team_area.id)
    values = entry(note="Hello")
    first = sync(service.log(actor, values))
    again = sync(service.log(actor, values))
    assert first[1:] == (True, {}) and again == (first[0], False, {})
    [row] = sync(Engagement.select())
    assert (row["author"], row["team"], row["kind"], row["topics"]) == (
        actor.id,
        team_area.id,
        EngagementKind.STREET,
        ",asb,drugs,",
    )
    assert [a["actor"] for a in audited("collection", "engagement")] == [actor.id]


def test_log_refuses_an_unknown_key_individual_and_stores_nothing():
    actor = make_actor("officer")
    entry_id, created, errors = sync(service.log(actor, entry(key_individual="999")))
    assert (entry_id, created) == (None, False)
    assert errors["key_individual"] == "Choose a key individual from the list"
    assert sync(Engagement.count()) == 0


def test_a_staff_follow_up_becomes_a_tasking_a_volunteers_does_not():
    pcso = make_actor("pcso")
    entry_id, _, _ = sync(service.log(pcso, entry(follow_up="Ring back")))
    tasking_id = sync(Engagement.select(Engagement.tasking_id).first())["tasking_id"]
    assert tasking_id is not None
    assert sync(followup_to_tasking(pcso, entry_id)) is None  # only once
    volunteer = make_actor("volunteer")
    sync(service.log(volunteer, entry(follow_up="Bring leaflets")))
    assert sync(Tasking.count()) == 1
    mine = sync(service.my_log(pcso))
    assert [f["tasking"]["url"] for f in mine["follow_ups"]] == [f"/tasks/{tasking_id}"]


def test_change_delete_and_follow_up_done_are_the_authors_during_the_shift():
    author, other = make_actor("pcso"), make_actor("pcso")
    entry_id, _, _ = sync(service.log(author, entry()))
    # Someone else's entry is as missing as one that does not exist.
    for not_theirs in (
        service.change(other, entry_id, entry(kind="event")),
        service.open_entry(other, entry_id),
        service.delete(other, entry_id),
        service.follow_up_done(other, entry_id),
    ):
        with pytest.raises(NotFound):
            sync(not_theirs)
    assert audited("consultation", "engagement") == []  # a refused look is not a look
    found, shown = sync(service.open_entry(author, entry_id))
    assert found["id"] == entry_id and shown["topics"] == ["asb", "drugs"]
    assert sync(service.change(author, entry_id, entry(kind="event", note="x"))) == {}
    assert "kind" in audited("alteration", "engagement")[0]["detail"]
    sync(service.follow_up_done(author, entry_id))
    sync(service.delete(author, entry_id))
    assert sync(Engagement.select().first())["deleted_at"] is not None
    with pytest.raises(NotFound):
        sync(service.own_entry(author, entry_id))
    assert len(audited("erasure", "engagement")) == 1


def test_after_the_shift_the_entry_is_refused():
    author = make_actor("officer")
    entry_id, _, _ = sync(service.log(author, entry()))
    sync(
        Engagement.update({Engagement.created_at: datetime.now(UTC) - timedelta(hours=13)}).where(
            Engagement.id == entry_id
        )
    )
    with pytest.raises(NotAllowed):
        sync(service.delete(author, entry_id))


def test_my_log_and_the_quick_log_choices():
    team_area = make_team()
    officer = make_actor("officer", home_team=team_area.id)
    key_id, errors = sync(
        key_individuals.add(
            officer,
            {
                "team": team_area.id,
                "name": "Ann",
                "community_role": "",
                "how_to_reach": "",
                "consent_to_contact": True,
            },
        )
    )
    assert errors == {}
    sync(service.log(officer, entry(key_individual=str(key_id))))
    mine = sync(service.my_log(officer))
    assert [e["key_name"] for e in mine["today"]] == ["Ann"]
    assert mine["today"][0]["editable"] is True
    assert len(audited("consultation", "engagement")) == 1
    kept = sync(service.quick_log_context(officer))  # the home screen's: kept on the phone
    assert kept["key_individuals"] == [] and kept["new_uuid"]
    context = sync(service.quick_log_context(officer, key_individuals=True))
    assert context["key_individuals"] == [(key_id, "Ann")] and context["new_uuid"]
    assert sync(service.edit_context(officer, {"team": team_area.id}))["key_individuals"] == [
        (key_id, "Ann")
    ]


def test_key_individuals_listed_added_and_removed():
    team_area = make_team()
    officer = make_actor("officer", home_team=team_area.id)
    _, errors = sync(
        key_individuals.add(
            officer,
            {
                "team": 99999,
                "name": "X",
                "community_role": "",
                "how_to_reach": "",
                "consent_to_contact": False,
            },
        )
    )
    assert errors == {"team": "Choose a team area from the list"}
    key_id, _ = sync(
        key_individuals.add(
            officer,
            {
                "team": team_area.id,
                "name": "Bo",
                "community_role": "",
                "how_to_reach": "",
                "consent_to_contact": False,
            },
        )
    )
    shown_team, people = sync(key_individuals.listing(officer, None))
    assert shown_team == team_area.id and [p["name"] for p in people] == ["Bo"]
    assert sync(key_individuals.remove(officer, key_id)) == team_area.id
    assert sync(KeyIndividual.select(KeyIndividual.active).first())["active"] is False
    with pytest.raises(NotFound):
        sync(key_individuals.remove(officer, key_id + 1))


def test_the_team_log_filters_counts_and_exports_as_a_disclosure():
    north, south = make_team("North"), make_team("South")
    a = make_actor("pcso", home_team=north.id)
    b = make_actor("pcso", home_team=south.id)
    sync(service.log(a, entry(kind="school")))
    sync(service.log(b, entry()))
    boss = make_actor("supervisor")
    filters, errors = TeamLogFilter.parse({"area": str(north.id)})
    assert errors == {}
    shown = sync(team.team_log(boss, filters))
    assert shown["total"] == 1 and sum(count for _, count in shown["by_week"]) == 1
    everything, _ = TeamLogFilter.parse({"kind": "nonsense"})  # an unknown kind filters nothing
    assert sync(team.team_log(boss, everything))["total"] == 2
    text = sync(team.team_csv(boss, filters))
    assert text.splitlines()[0].startswith("id,occurred_at,team") and "North" in text
    assert audited("disclosure", "engagement")[0]["detail"] == "1 rows"
    assert TeamLogFilter.parse({"week": "soon"})[1] == {"week": "Enter a week, like 2026-W47"}
