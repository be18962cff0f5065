"""The retention review page: what is due, by kind and record, without its content; keeping
(with a reason beside its field when missing) and erasing; only supervisors and admins."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from app.tables.audit import AuditEntry
from app.tables.engagement import Engagement
from app.tables.retention import RetentionHold, Tombstone
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, summary_links, sync


def old_entry(author, team, note: str, days: int = 1000) -> int:
    row = Engagement(
        client_uuid=str(uuid.uuid4()),
        author=author.id,
        team=team.id,
        kind="meeting",
        occurred_at=datetime.now(UTC) - timedelta(days=days),
        note=note,
    )
    sync(row.save())
    return row.id


def setup(as_role):
    team = make_team("Abbey")
    author = make_person("pcso", home_team=team.id)
    boss = as_role("supervisor", home_team=team.id)
    ids = [old_entry(author, team, f"SECRET-NOTE-{n}") for n in range(2)]
    recent = old_entry(author, team, "RECENT-NOTE", days=5)
    return boss, ids, recent


def test_the_page_lists_what_is_due_without_its_content(as_role):
    boss, ids, recent = setup(as_role)
    page = boss.get("/retention")
    assert page.status_code == 200
    doc = html(page)
    listed = {li["data-record"] for li in doc.select("[data-kind=engagement] [data-record]")}
    assert listed == {f"engagement-{i}" for i in ids}
    assert "SECRET-NOTE" not in page.text and "RECENT-NOTE" not in page.text
    assert "Engagement entries: 2 due" in doc.get_text(" ")
    [look] = sync(AuditEntry.select().where(AuditEntry.record_type == "retention"))
    assert look["operation"] == "consultation"


def test_keeping_without_a_reason_says_so_beside_the_field_and_keeps_nothing(as_role):
    boss, ids, _ = setup(as_role)
    later = (date.today() + timedelta(days=60)).isoformat()
    response = boss.post(f"/retention/engagement/{ids[0]}/keep", {"review_on": later})
    assert response.status_code == 400
    field = f"reason-engagement-{ids[0]}"
    assert field_error(response, field) == "Say why this record is still needed"
    assert summary_links(response) == {field: "Say why this record is still needed"}
    assert html(response).find(id=f"review_on-engagement-{ids[0]}")["value"] == later
    assert sync(RetentionHold.count()) == 0


def test_keeping_and_erasing_from_the_page(as_role):
    boss, ids, recent = setup(as_role)
    later = date.today() + timedelta(days=60)
    kept = boss.post(
        f"/retention/engagement/{ids[0]}/keep",
        {"reason": "Complaint still open", "review_on": later.isoformat()},
    )
    assert (kept.status_code, kept.headers["location"]) == (303, "/retention?done=kept")
    [hold] = sync(RetentionHold.select())
    assert (hold["record_id"], hold["reason"], hold["review_on"]) == (
        ids[0],
        "Complaint still open",
        later,
    )
    erased = boss.post(f"/retention/engagement/{ids[1]}/erase")
    assert (erased.status_code, erased.headers["location"]) == (303, "/retention?done=erased")
    notes = {r["id"]: r["note"] for r in sync(Engagement.select(Engagement.id, Engagement.note))}
    assert notes == {ids[0]: "SECRET-NOTE-0", ids[1]: "", recent: "RECENT-NOTE"}
    assert [t["record_id"] for t in sync(Tombstone.select())] == [ids[1]]
    page = boss.get("/retention?done=erased")
    assert "Erased." in page.text
    assert not html(page).select("[data-kind=engagement] [data-record]")
    # Not due (recent, kept, or erased already): nothing to keep or erase.
    for record in (recent, ids[0], ids[1]):
        assert boss.post(f"/retention/engagement/{record}/erase").status_code == 404
    assert boss.post(f"/retention/nonsense/{ids[0]}/erase").status_code == 404
    log = "\n".join(repr(e) for e in sync(AuditEntry.select()))
    assert "SECRET-NOTE" not in log and "Complaint still open" not in log


def test_another_teams_supervisor_and_field_roles_cannot_decide(as_role):
    _, ids, _ = setup(as_role)
    other = as_role("supervisor", home_team=make_team("Elsewhere").id)
    assert not html(other.get("/retention")).select("[data-kind=engagement] [data-record]")
    assert other.post(f"/retention/engagement/{ids[0]}/erase").status_code == 404
    for role in ("pcso", "volunteer", "mentor", "officer"):
        assert as_role(role).get("/retention").status_code == 403
        assert as_role(role).post(f"/retention/engagement/{ids[0]}/erase").status_code == 403
    assert as_role("admin").get("/retention").status_code == 200
    assert sync(Tombstone.count()) == 0
