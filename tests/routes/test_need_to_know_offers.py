"""Need to know, route by route and role by role: an offer shows no house, exact point or reason
until its person accepts it; key individuals are for police roles only."""

from __future__ import annotations

import json
import uuid

import pytest
from geopy.location import Location

from app.roles import CIVILIAN, POLICE, Role
from app.tables.engagement import Engagement, KeyIndividual
from app.tables.taskings import PushMessage, Tasking, TaskingAssignment
from app.tables.visits import FollowUp
from app.taskings import sender, service
from app.taskings.geocoding import maps_url
from tests.factories import make_team
from tests.helpers import field_error, html, sync
from tests.routes.test_visits import answer_all_required, start, visit_row
from tests.taskings_helpers import make_profile, tasking_form

# Many decimals: the exact point is told apart from any rounding of it.
LAT, LNG = "52.916347", "-1.486012"
ADDRESS = "12 Abbey Road, Derby DE22 1DX"
WORRIES = {"smoke_alarm": "no", "food": "no", "lonely": "Often or always"}
DECISIONS = {"referral_fire": "made", "referral_food-bank": "made", "referral_charity": "drop"}
JSON = {"accept": "application/json"}


def fit_volunteer(as_role, team):
    session = as_role("volunteer", home_team=team.id)
    make_profile(session.person)  # full vetting and every training: fit for home visits
    return session


def volunteer_visit_followups(visitor) -> tuple[list[int], list[str]]:
    """A volunteer's home visit at ADDRESS, submitted: the taskings its follow-ups made and the
    follow-ups' reasons."""
    visit_uuid = start(visitor, address=ADDRESS, lat=LAT, lng=LNG)
    answer_all_required(visitor, visit_uuid, **WORRIES)
    assert visitor.post(f"/visits/{visit_uuid}/submit", DECISIONS).status_code == 303
    followups = sync(FollowUp.select().where(FollowUp.visit == visit_row(visit_uuid)["id"]))
    assert followups and all(f["tasking_id"] for f in followups)
    return sorted({f["tasking_id"] for f in followups}), [f["reason"] for f in followups]


def leaks(text: str, reasons: list[str]) -> list[str]:
    """What of the household a page or message gives away."""
    clues = ("12 Abbey", "DE22 1DX", LAT, LNG, LAT[:8], LNG[:8], "geo:", "google.com/maps")
    found = [s for s in clues if s in text]
    return found + [r for r in reasons if r in text]


def test_an_offer_shows_the_street_not_the_house_or_the_reason_until_accepted(as_role):
    team = make_team("Abbey")
    visitor = fit_volunteer(as_role, team)
    taker = fit_volunteer(as_role, team)
    late = fit_volunteer(as_role, team)
    pcso = as_role("pcso", home_team=team.id)
    tasking_ids, reasons = volunteer_visit_followups(visitor)
    tasking_id = tasking_ids[0]
    tasking = sync(Tasking.select().where(Tasking.id == tasking_id).first())
    # Stored whole, for whoever takes it; the title made for it holds neither house nor reason.
    assert tasking["address"] == ADDRESS and tasking["mode"] == "offer"
    assert tasking["title"] == "Follow-up visit: Abbey Road"
    assert leaks(tasking["title"], reasons) == []
    assert any(r in tasking["details"] for r in reasons)

    for session in (visitor, taker, late):  # every fit volunteer of the area, before accepting
        listing = session.get("/tasks")
        assert listing.status_code == 200
        assert leaks(listing.text, reasons) == []
        offer = html(listing).select_one(f"[data-section=offers] a[href='/tasks/{tasking_id}']")
        assert offer is not None
        assert "On or near Abbey Road, Abbey" in offer.find_parent("article").get_text(" ")
        page = session.get(f"/tasks/{tasking_id}")
        assert page.status_code == 200
        assert leaks(page.text, reasons) == []
        doc = html(page)
        assert doc.select_one("[data-where]").get_text(" ", strip=True) == (
            "On or near Abbey Road, in Abbey"
        )
        assert doc.select_one("[data-details]") is None
        assert doc.select_one("[data-withheld]") is not None

    # The notification of the offer: the area only.
    messages = sync(PushMessage.select().where(PushMessage.tasking == tasking_id))
    assert {m["person"] for m in messages} == {visitor.person.id, taker.person.id, late.person.id}
    for message in messages:
        body = json.loads(sender.payload(message))
        assert body["title"] == "New offer in Abbey"
        assert leaks(json.dumps(body), reasons) == [] and "Abbey Road" not in json.dumps(body)

    # The visitor declines; the taker accepts: the one place is filled, the late one's offer closes.
    declined = visitor.post(f"/tasks/{tasking_id}/answer", {"state": "declined"})
    assert declined.status_code == 303
    assert taker.post(f"/tasks/{tasking_id}/answer", {"state": "accepted"}).status_code == 303
    accepted = taker.get(f"/tasks/{tasking_id}")
    doc = html(accepted)
    assert doc.select_one("[data-where]").get_text(" ", strip=True).startswith(ADDRESS)
    assert doc.select_one(f"a[href='{maps_url(float(LAT), float(LNG))}']") is not None
    details = doc.select_one("[data-details]").get_text()
    assert all(r in details for r in reasons if r in tasking["details"])
    # Declined, or closed because someone else accepted: never the house, never the reason.
    for session in (visitor, late):
        states = {
            p["person"]: p["state"]
            for p in sync(TaskingAssignment.select().where(TaskingAssignment.tasking == tasking_id))
        }
        assert states[session.person.id] in ("declined", "closed")
        for url in ("/tasks", f"/tasks/{tasking_id}"):
            response = session.get(url)
            assert response.status_code == 200
            assert leaks(response.text, reasons) == [], url
    # A police role assigned its own follow-up sees it as before: the house and the reason.
    assigned_ids, pcso_reasons = [], []
    visit_uuid = start(pcso, address=ADDRESS, lat=LAT, lng=LNG)
    answer_all_required(pcso, visit_uuid, **WORRIES)
    assert pcso.post(f"/visits/{visit_uuid}/submit", DECISIONS).status_code == 303
    for f in sync(FollowUp.select().where(FollowUp.visit == visit_row(visit_uuid)["id"])):
        assigned_ids.append(f["tasking_id"])
        pcso_reasons.append(f["reason"])
    page = html(pcso.get(f"/tasks/{assigned_ids[0]}"))
    assert page.select_one("[data-where]").get_text(" ", strip=True).startswith(ADDRESS)
    assert page.select_one(f"a[href='{maps_url(float(LAT), float(LNG))}']") is not None
    assert any(r in page.select_one("[data-details]").get_text() for r in pcso_reasons)


def test_the_lists_measure_an_offer_from_a_coarse_point(as_role):
    from app.taskings import nearby
    from tests.factories import actor_of

    team = make_team("Abbey", lat=52.9163, lng=-1.4860)
    visitor = fit_volunteer(as_role, team)
    other = fit_volunteer(as_role, team)
    tasking_ids, reasons = volunteer_visit_followups(visitor)
    near = sync(nearby.my_taskings_near(actor_of(other.person), 52.9163, -1.4860, 2000, team.id))
    shown = [p for p in near if p["tasking"]["id"] in tasking_ids]
    assert len(shown) == len(tasking_ids)
    for part in shown:
        t = part["tasking"]
        assert (t["address"], t["details"], t["street"]) == ("", "", "Abbey Road")
        assert (t["lat"], t["lng"]) != (float(LAT), float(LNG))
        # Snapped, but still on the right few streets: within the grid cell (~250 m).
        assert abs(t["lat"] - float(LAT)) <= 0.001 and abs(t["lng"] - float(LNG)) <= 0.0015
        assert leaks(repr(part), reasons) == []
    # After acceptance the one who took it is measured from the house itself.
    assert other.post(f"/tasks/{tasking_ids[0]}/answer", {"state": "accepted"}).status_code == 303
    near = sync(nearby.my_taskings_near(actor_of(other.person), 52.9163, -1.4860, 2000, team.id))
    [taken] = [p for p in near if p["tasking"]["id"] == tasking_ids[0]]
    assert (taken["tasking"]["lat"], taken["tasking"]["lng"]) == (float(LAT), float(LNG))
    assert taken["tasking"]["address"] == ADDRESS


def test_an_offers_title_that_names_the_house_is_refused(as_role, monkeypatch):
    async def found(address):
        return Location("12 Abbey Road, Derby DE22 1DX", (float(LAT), float(LNG)), {})

    monkeypatch.setattr(service, "look_up", found)
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    form = tasking_form(team.id, place_kind="address", address="12 Abbey Road, Derby")
    for title in ("Visit 12 Abbey Road", "Check on 12, abbey road"):
        refused = supervisor.post("/tasks/manage", {**form, "title": title})
        assert refused.status_code == 400
        assert "house number" in field_error(refused, "title")
    assert sync(Tasking.count()) == 0
    # Assigned to staff, the title is theirs to word; offered, the street alone is fine.
    assigned = {**form, "title": "Visit 12 Abbey Road", "mode": "assign"}
    assigned["staff"] = str(as_role("pcso").person.id)
    assert supervisor.post("/tasks/manage", assigned).status_code == 303
    assert (
        supervisor.post("/tasks/manage", {**form, "title": "Visit on Abbey Road"}).status_code
        == 303
    )
    assert sync(Tasking.count()) == 2


def test_an_offer_at_a_point_is_checked_against_the_address_found_there(as_role, monkeypatch):
    """A point picked on the map has its address looked up: an offer's title naming that house
    is refused too (not only a typed address)."""

    async def house(lat, lng):
        return "12 Abbey Road, Derby DE22 1DX"

    monkeypatch.setattr(service, "address_at", house)
    team = make_team("Abbey")
    supervisor = as_role("supervisor")
    form = tasking_form(team.id, place_kind="point", lat=str(LAT), lng=str(LNG))
    refused = supervisor.post("/tasks/manage", {**form, "title": "Check on 12 Abbey Road"})
    assert refused.status_code == 400
    assert "house number" in field_error(refused, "title")
    assert sync(Tasking.count()) == 0
    street = supervisor.post("/tasks/manage", {**form, "title": "Visit on Abbey Road"})
    assert street.status_code == 303


# --- key individuals ---------------------------------------------------------------------


def key_individual(team, name="Asha Patel") -> int:
    row = KeyIndividual(team=team.id, name=name, community_role="Shopkeeper", active=True)
    row.save().run_sync()
    return row.id


def engagement(**extra) -> dict:
    return {"uuid": str(uuid.uuid4()), "kind": "key-individual", "topics": ["asb"], **extra}


@pytest.mark.parametrize("role", list(Role))
def test_every_key_individual_route_and_the_log_form_for_each_role(as_role, role):
    team = make_team()
    key = key_individual(team)
    session = as_role(role.value, home_team=team.id)
    police = role in POLICE
    # The log form (on /log and on the home page): the picker and the names for police only.
    form, home = session.get("/log"), session.get("/")
    if role in (Role.MENTOR, Role.ADMIN):  # they do not log engagement at all
        assert form.status_code == 403
    else:
        assert form.status_code == 200
        picker = html(form).select_one("select#key_individual")
        if police:
            assert [o.get_text() for o in picker.select("option[value]") if o["value"]] == [
                "Asha Patel"
            ]
        else:
            assert picker is None and "Asha Patel" not in form.text
    if not police:
        assert "Asha Patel" not in home.text and 'name="key_individual"' not in home.text
    # Every key-individual route.
    routes = [
        ("GET", "/log/people"),
        ("GET", f"/log/people?team={team.id}"),
        ("POST", "/log/people"),
        ("POST", f"/log/people/{key}/remove"),
    ]
    for method, url in routes:
        response = session.request(method, url)
        assert (response.status_code == 403) == (not police), f"{method} {url} as {role}"
        assert response.status_code < 500
        assert police or "Asha Patel" not in response.text
    still = sync(KeyIndividual.select().where(KeyIndividual.id == key).first())
    assert still["active"] == (not police)  # only police could remove them


def test_a_civilian_cannot_link_a_key_individual_by_its_number(as_role):
    team = make_team()
    key = key_individual(team)
    volunteer = as_role("volunteer", home_team=team.id)
    refused = volunteer.post("/log", engagement(key_individual=str(key)), headers=JSON)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "key_individual": "Only police roles record key individuals"
    }
    assert sync(Engagement.count()) == 0
    # Nor by changing an entry of theirs.
    assert volunteer.post("/log", engagement(), headers=JSON).status_code == 201
    entry = sync(Engagement.select().first())
    changed = volunteer.post(f"/log/{entry['id']}", {"kind": "street", "key_individual": str(key)})
    assert changed.status_code == 400
    assert field_error(changed, "key_individual") == "Only police roles record key individuals"
    assert sync(Engagement.select().first())["key_individual"] is None


def test_police_link_only_their_own_teams_key_individuals(as_role):
    home, elsewhere = make_team(), make_team()
    ours, theirs = key_individual(home, "Asha Patel"), key_individual(elsewhere, "Tom Reid")
    officer = as_role("officer", home_team=home.id)
    refused = officer.post("/log", engagement(key_individual=str(theirs)), headers=JSON)
    assert refused.status_code == 400 and "key_individual" in refused.json()["errors"]
    assert (
        officer.post("/log", engagement(key_individual=str(ours)), headers=JSON).status_code == 201
    )
    assert sync(Engagement.select().first())["key_individual"] == ours
    assert "With Asha Patel" in html(officer.get("/log")).get_text(" ")


def test_an_entrys_key_individual_is_shown_only_to_police(as_role):
    team = make_team()
    key = key_individual(team)
    volunteer = as_role("volunteer", home_team=team.id)
    supervisor = as_role("supervisor", home_team=team.id)
    assert volunteer.post("/log", engagement(), headers=JSON).status_code == 201
    # Linked before this rule (or by a replay from an old phone): kept, never shown to them.
    sync(Engagement.update({Engagement.key_individual: key}).where(Engagement.id > 0))
    entry = sync(Engagement.select().first())
    for url in ("/log", f"/log/{entry['id']}", "/"):
        response = volunteer.get(url)
        assert response.status_code == 200, url
        assert "Asha Patel" not in response.text, url
    # Changing the entry keeps the link it had.
    changed = volunteer.post(f"/log/{entry['id']}", {"kind": "street", "note": "More"})
    assert changed.status_code == 303
    assert sync(Engagement.select().first())["key_individual"] == key
    assert "Asha Patel" in supervisor.get("/log/team/export.csv").text  # police see it


def test_the_key_individual_use_cases_refuse_civilians():
    from app.engagement import key_individuals
    from app.outcomes import NotAllowed
    from tests.factories import make_actor

    team = make_team()
    key = key_individual(team)
    for role in sorted(CIVILIAN):
        actor = make_actor(role.value, home_team=team.id)
        with pytest.raises(NotAllowed):
            sync(key_individuals.listing(actor, team.id))
        with pytest.raises(NotAllowed):
            sync(key_individuals.add(actor, {"team": team.id, "name": "X"}))
        with pytest.raises(NotAllowed):
            sync(key_individuals.remove(actor, key))


def test_the_home_screen_kept_on_the_phone_names_no_key_individual_and_log_audits_them(as_role):
    """The home screen is kept until sign-out: its quick log lists no named key individuals.
    The log page (no-store) lists them for police roles, and that look is in the audit log."""
    from app.tables.audit import AuditEntry

    team = make_team("Abbey")
    key_individual(team, name="Zelda Keyperson")
    pcso = as_role("pcso", home_team=team.id)
    home = pcso.get("/")
    assert home.status_code == 200 and "Zelda Keyperson" not in home.text
    assert sync(AuditEntry.count().where(AuditEntry.record_type == "key-individual")) == 0
    log = pcso.get("/log")
    assert "Zelda Keyperson" in log.text and "no-store" in log.headers["cache-control"]
    looks = sync(
        AuditEntry.select(AuditEntry.operation, AuditEntry.actor).where(
            AuditEntry.record_type == "key-individual"
        )
    )
    assert looks == [{"operation": "consultation", "actor": pcso.person.id}]
