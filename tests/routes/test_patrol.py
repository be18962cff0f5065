"""Patrol plans over HTTP: building, publishing rules, today's plan, check-ins, compliance."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from geopy.distance import geodesic

from app.patrol.times import LOCAL
from app.tables.audit import AuditEntry
from app.tables.patrol import PatrolCheckIn, PatrolPlan, PatrolPoint
from tests.factories import make_person, make_team
from tests.helpers import field_error, html, summary_links, sync
from tests.routes.not_theirs import answers_as_missing

SCHOOL = (52.91990, -1.49200)
SHOPS = (52.92250, -1.47460)


def today() -> str:
    return datetime.now(LOCAL).date().isoformat()


def new_plan(sup, team, assignee=None, start="00:00", end="23:59", **extra):
    response = sup.post(
        "/plan/plans",
        {
            "team": str(team.id),
            "day": extra.pop("day", today()),
            "shift_start": start,
            "shift_end": end,
            "assignee": str(assignee.id) if assignee else "",
            "title": "Test",
        },
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def add_point(sup, plan_id, label, where, start="00:05", end="23:50", **extra):
    return sup.post(
        f"/plan/plans/{plan_id}/points",
        {
            "label": label,
            "lat": str(where[0]),
            "lng": str(where[1]),
            "window_start": start,
            "window_end": end,
            "instruction": extra.get("instruction", ""),
        },
    )


def published_plan(sup, team, assignee=None, points=((("School gates"), SCHOOL),)):
    plan_id = new_plan(sup, team, assignee)
    for label, where in points:
        assert add_point(sup, plan_id, label, where).status_code == 303
    assert sup.post(f"/plan/plans/{plan_id}/publish").status_code == 303
    return plan_id


def near(where, metres, bearing=90.0):
    moved = geodesic(meters=metres).destination(where, bearing)
    return moved.latitude, moved.longitude


def check_in(session, point_id, fix=None, reason="", token=None, htmx=True):
    data = {
        "uuid": token or str(uuid.uuid4()),
        "reason": reason,
        "at": datetime.now(UTC).isoformat(),
    }
    if fix:
        data.update(lat=str(fix[0]), lng=str(fix[1]), accuracy="8")
    headers = {"hx-request": "true"} if htmx else {}
    return session.post(f"/plan/points/{point_id}/check-in", data, headers=headers)


def test_a_plan_needs_its_fields_and_says_so_beside_each(as_role):
    sup = as_role("supervisor")
    response = sup.post(
        "/plan/plans", {"team": "", "day": "soon", "shift_start": "7", "shift_end": ""}
    )
    assert response.status_code == 400
    assert list(summary_links(response)) == ["team", "day", "shift_start", "shift_end"]
    assert sync(PatrolPlan.count()) == 0


def test_points_need_a_window_that_ends_after_it_starts_within_the_shift(as_role):
    sup = as_role("supervisor")
    plan_id = new_plan(sup, make_team(), start="07:00", end="15:00")
    backwards = add_point(sup, plan_id, "Shops", SHOPS, start="14:00", end="13:00")
    assert field_error(backwards, "window_end") == "The time window must end after it starts"
    outside = add_point(sup, plan_id, "Shops", SHOPS, start="16:00", end="16:30")
    assert "within the shift (07:00 to 15:00)" in field_error(outside, "window_end")
    bad_place = add_point(sup, plan_id, "", ("north", "200"), start="08:00", end="09:00")
    assert set(summary_links(bad_place)) == {"label", "lat", "lng"}
    assert sync(PatrolPoint.count()) == 0


def test_a_plan_cannot_be_published_with_no_points_or_a_backwards_window(as_role):
    sup = as_role("supervisor")
    plan_id = new_plan(sup, make_team())
    empty = sup.post(f"/plan/plans/{plan_id}/publish")
    assert empty.status_code == 400
    assert "Add at least one point" in html(empty).find(id="points-error").get_text()
    plan = sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first())
    # A point stored with a window that ends before it starts (not through the form).
    sync(
        PatrolPoint.insert(
            PatrolPoint(
                plan=plan_id,
                position=1,
                label="Park",
                lat=SHOPS[0],
                lng=SHOPS[1],
                window_start=plan.shift_start + timedelta(hours=3),
                window_end=plan.shift_start + timedelta(hours=2),
            )
        )
    )
    backwards = sup.post(f"/plan/plans/{plan_id}/publish")
    assert backwards.status_code == 400
    assert "must end after it starts" in html(backwards).find(id="points-error").get_text()
    assert sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()).status == "draft"


def test_published_plan_is_on_the_assignees_phone_with_distance_and_progress(as_role):
    team = make_team()
    sup = as_role("supervisor")
    pcso = as_role("pcso", home_team=team.id)
    other = as_role("pcso", home_team=make_team().id)
    plan_id = published_plan(
        sup, team, pcso.person, points=[("School gates", SCHOOL), ("Shops", SHOPS)]
    )
    here = near(SHOPS, 300, 0)  # 300 m north of the shops
    page = html(pcso.get(f"/plan?lat={here[0]}&lng={here[1]}"))
    cards = page.select("li.patrol-point")
    assert [c.find("h3").get_text() for c in cards] == ["School gates", "Shops"]
    assert "is-next" in cards[0]["class"]
    assert cards[1].select_one("[data-distance]").get_text() == "300 m S"
    assert "0 of 2" in page.select_one(".progress").get_text()
    assert "No patrol plan" in other.get("/plan").text
    assert sync(PatrolPlan.count().where(PatrolPlan.id == plan_id)) == 1


def test_whole_team_plans_reach_everyone_in_the_team_but_drafts_reach_nobody(as_role):
    team = make_team()
    sup = as_role("supervisor")
    published_plan(sup, team)
    new_plan(sup, team)  # a draft
    officer = as_role("officer", home_team=team.id)
    assert len(html(officer.get("/plan")).select("section.patrol-plan")) == 1


def test_check_in_near_the_point_is_automatic_and_far_needs_a_reason(as_role):
    team = make_team()
    sup, pcso = as_role("supervisor"), as_role("pcso", home_team=team.id)
    published_plan(sup, team, pcso.person)
    point = sync(PatrolPoint.objects().first())
    far = check_in(pcso, point.id, near(SCHOOL, 300))
    assert far.status_code == 422
    assert "You are 300 m from this point" in html(far).find(id=f"reason-{point.id}-error").text
    assert sync(PatrolCheckIn.count()) == 0
    no_fix = check_in(pcso, point.id)
    assert "Your phone has no position" in html(no_fix).find(id=f"reason-{point.id}-error").text
    close = check_in(pcso, point.id, near(SCHOOL, 40))
    assert close.status_code == 201
    stored = sync(PatrolCheckIn.objects().first())
    assert stored.automatic and 39 < stored.distance_m < 41 and stored.accuracy_m == 8
    assert "Checked in" in html(close).select_one(".done").get_text()
    entry = sync(AuditEntry.objects().where(AuditEntry.record_type == "patrol-check-in").first())
    assert entry.operation == "collection"


def test_manual_check_in_with_a_reason_is_kept_as_manual(as_role):
    team = make_team()
    sup, pcso = as_role("supervisor"), as_role("pcso", home_team=team.id)
    published_plan(sup, team, pcso.person)
    point = sync(PatrolPoint.objects().first())
    response = check_in(pcso, point.id, near(SCHOOL, 300), reason="Road closed by the gates")
    assert response.status_code == 201
    stored = sync(PatrolCheckIn.objects().first())
    assert not stored.automatic and stored.reason == "Road closed by the gates"


def test_a_replayed_or_double_tapped_check_in_is_stored_once(as_role):
    team = make_team()
    sup, pcso = as_role("supervisor"), as_role("pcso", home_team=team.id)
    published_plan(sup, team, pcso.person)
    point = sync(PatrolPoint.objects().first())
    token = str(uuid.uuid4())
    fix = near(SCHOOL, 10)
    assert check_in(pcso, point.id, fix, token=token).status_code == 201
    assert check_in(pcso, point.id, fix, token=token).status_code == 200
    twin = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: check_in(pcso, point.id, fix, token=twin), range(2)))
    assert all(a.status_code in (200, 201) for a in answers)
    assert sync(PatrolCheckIn.count()) == 2  # one per uuid


def test_nobody_checks_in_to_someone_elses_plan(as_role):
    team = make_team()
    sup = as_role("supervisor")
    mine = as_role("pcso", home_team=team.id)
    published_plan(sup, team, mine.person)
    point = sync(PatrolPoint.objects().first())
    stranger = as_role("pcso", home_team=make_team().id)
    assert check_in(stranger, point.id, near(SCHOOL, 5)).status_code == 404
    assert sync(PatrolCheckIn.count()) == 0
    assert check_in(mine, point.id, near(SCHOOL, 5)).status_code == 201
    # A point of someone else's plan answers exactly as a point that does not exist.
    fix = near(SCHOOL, 5)
    for other in (stranger, as_role("pcso", home_team=team.id), sup):
        for path, data in (
            ("/plan/points/{}/check-in", {"uuid": str(uuid.uuid4()), "lat": fix[0], "lng": fix[1]}),
            ("/plan/points/{}/check-in", {"uuid": "not a uuid", "lat": "north"}),
            ("/plan/points/{}/check-out", None),
        ):
            answers_as_missing(
                other, "POST", path.format(point.id), path.format(point.id + 10_000), data
            )
    assert sync(PatrolCheckIn.count()) == 1


def test_check_out_and_compliance_for_the_week(as_role):
    team = make_team()
    sup, pcso = as_role("supervisor", home_team=team.id), as_role("pcso", home_team=team.id)
    published_plan(sup, team, pcso.person, points=[("School gates", SCHOOL), ("Shops", SHOPS)])
    point = sync(PatrolPoint.objects().order_by(PatrolPoint.position).first())
    check_in(pcso, point.id, near(SCHOOL, 20))
    assert (
        pcso.post(
            f"/plan/points/{point.id}/check-out", {}, headers={"hx-request": "true"}
        ).status_code
        == 200
    )
    assert sync(PatrolCheckIn.objects().first()).checked_out_at is not None
    report = html(sup.get(f"/plan/compliance?team={team.id}"))
    [person_row] = report.select("table[class=table]")[0].select("tbody tr")
    cells = [td.get_text(strip=True) for td in person_row.find_all("td")]
    # The other point has no check-in: missed once its window has ended, else still to come.
    other = sync(PatrolPoint.objects().order_by(PatrolPoint.position, ascending=False).first())
    ended = datetime.now(UTC) > other.window_end
    expected = ["1", "0"] if ended else ["0", "1"]
    assert cells[:7] == [pcso.person.display_name, "2", "1", "0", "0", *expected]
    assert sync(AuditEntry.count().where(AuditEntry.record_type == "patrol-compliance")) == 1


def test_walking_order_and_copying_to_other_days(as_role):
    team = make_team()
    sup = as_role("supervisor")
    plan_id = new_plan(sup, team)
    for label, where in [("A", near(SHOPS, 900, 0)), ("B", SHOPS), ("C", near(SHOPS, 450, 0))]:
        add_point(sup, plan_id, label, where)
    sync(
        PatrolPlan.update({PatrolPlan.start_lat: SHOPS[0], PatrolPlan.start_lng: SHOPS[1]}).where(
            PatrolPlan.id == plan_id
        )
    )
    sup.post(f"/plan/plans/{plan_id}/walking-order")
    order = [
        p.label
        for p in sync(
            PatrolPoint.objects().where(PatrolPoint.plan == plan_id).order_by(PatrolPoint.position)
        )
    ]
    assert order == ["B", "C", "A"]
    first = (datetime.now(LOCAL).date() + timedelta(days=1)).isoformat()
    last = (datetime.now(LOCAL).date() + timedelta(days=3)).isoformat()
    assert (
        sup.post(f"/plan/plans/{plan_id}/copy", {"copy_from": first, "copy_to": last}).status_code
        == 303
    )
    copies = sync(PatrolPlan.objects().where(PatrolPlan.copied_from == plan_id))
    assert len(copies) == 3 and all(c.status == "draft" for c in copies)
    assert all(sync(PatrolPoint.count().where(PatrolPoint.plan == c.id)) == 3 for c in copies)
    bad = sup.post(f"/plan/plans/{plan_id}/copy", {"copy_from": last, "copy_to": first})
    assert field_error(bad, "copy_to") == "The last day must be the same as or after the first"


def test_only_supervisors_build_plans(as_role):
    make_person("supervisor")
    for role in ("pcso", "officer", "volunteer", "mentor", "admin"):
        assert as_role(role).get("/plan/plans").status_code == 403


def test_publishing_tells_the_assignee_with_a_patrol_tasking_and_a_push(as_role):
    from app.tables.taskings import PushMessage, Tasking, TaskingAssignment

    team = make_team("Abbey")
    sup = as_role("supervisor")
    pcso = as_role("pcso", home_team=team.id)
    plan_id = published_plan(sup, team, pcso.person)
    [tasking] = sync(Tasking.objects())
    assert (tasking.kind, tasking.mode, tasking.team) == ("patrol", "assign", team.id)
    [part] = sync(TaskingAssignment.objects())
    assert (part.person, part.state) == (pcso.person.id, "assigned")
    [message] = sync(PushMessage.objects())
    assert message.person == pcso.person.id and message.title == "New tasking in Abbey"
    assert pcso.person.display_name not in message.title  # no personal data in the push
    # Publishing again changes nothing and tells nobody twice.
    assert sup.post(f"/plan/plans/{plan_id}/publish").status_code == 303
    assert sync(PushMessage.count()) == 1


def test_a_whole_team_plan_tells_the_teams_police_staff_only(as_role):
    from app.tables.taskings import TaskingAssignment

    team = make_team()
    sup = as_role("supervisor")
    officer = make_person("officer", home_team=team.id)
    make_person("volunteer", home_team=team.id)
    make_person("pcso", home_team=make_team().id)
    published_plan(sup, team)
    people = {r["person"] for r in sync(TaskingAssignment.select(TaskingAssignment.person))}
    assert people == {officer.id}


def test_publishing_says_whose_phone_and_which_day_as_stored(as_role):
    team = make_team("Abbey")
    sup = as_role("supervisor")
    pcso = as_role("pcso", home_team=team.id)
    day = (datetime.now(LOCAL) + timedelta(days=1)).date()
    plan_id = new_plan(sup, team, pcso.person, day=day.isoformat())
    assert add_point(sup, plan_id, "Shops", SHOPS).status_code == 303
    published = sup.post(f"/plan/plans/{plan_id}/publish")
    said = html(sup.get(published.headers["location"])).select_one("[data-published]").get_text()
    name = sync(PatrolPlan.select(PatrolPlan.assignee.display_name).first())[
        "assignee.display_name"
    ]
    assert f"On {name}'s phone on {day:%A} {day.day} {day:%B}" in said
    assert "told now with a patrol tasking" in said
    team_plan = new_plan(sup, team, day=day.isoformat())
    assert add_point(sup, team_plan, "Shops", SHOPS).status_code == 303
    page = html(sup.get(sup.post(f"/plan/plans/{team_plan}/publish").headers["location"]))
    assert "On the phones of the Abbey team on" in page.select_one("[data-published]").text


def test_a_supervisor_withdraws_a_published_plan_and_its_people_see_it_withdrawn(as_role):
    from app.tables.taskings import PushMessage

    team = make_team()
    sup = as_role("supervisor", home_team=team.id)
    pcso = as_role("pcso", home_team=team.id)
    plan_id = published_plan(sup, team, pcso.person)
    assert len(html(pcso.get("/plan")).select("section.patrol-plan")) == 1
    withdrawn = sup.post(f"/plan/plans/{plan_id}/withdraw")
    assert withdrawn.status_code == 303
    assert withdrawn.headers["location"] == f"/plan/plans/{plan_id}?withdrawn=1"
    page = html(sup.get(withdrawn.headers["location"]))
    assert "Withdrawn. No longer on" in page.select_one("[data-withdrawn]").get_text()
    assert page.select_one("#withdraw") is None  # nothing more to withdraw
    assert sync(PushMessage.count().where(PushMessage.kind == "cancelled")) == 1
    today_page = html(pcso.get("/plan"))
    assert today_page.select("section.patrol-plan") == []
    assert "this plan was withdrawn" in today_page.select_one("[data-withdrawn-plan]").text
    report = html(sup.get(f"/plan/compliance?team={team.id}"))
    assert pcso.person.display_name not in report.get_text()
    assert "Withdrawn" in html(sup.get("/plan/plans")).select_one("tbody").get_text()


def test_a_draft_is_not_withdrawn_and_only_supervisors_withdraw(as_role):
    team = make_team()
    sup = as_role("supervisor")
    pcso = as_role("pcso", home_team=team.id)
    draft = new_plan(sup, team)
    refused = sup.post(f"/plan/plans/{draft}/withdraw")
    assert refused.status_code == 409 and "Only a published plan" in refused.text
    plan_id = published_plan(sup, team, pcso.person)
    assert pcso.post(f"/plan/plans/{plan_id}/withdraw").status_code == 403
    assert sync(PatrolPlan.objects().where(PatrolPlan.id == plan_id).first()).status == (
        "published"
    )
    assert sup.post("/plan/plans/999999/withdraw").status_code == 404


def test_the_supervisors_own_plan_page_does_not_tell_them_to_wait_for_a_supervisor(as_role):
    sup = as_role("supervisor")
    pcso = as_role("pcso")
    own = html(sup.get("/plan")).select_one(".panel").get_text()
    assert "your supervisor" not in own and "A plan you publish" in own
    assert "When your supervisor publishes one" in html(pcso.get("/plan")).text


def test_the_reason_box_shows_only_where_a_reason_is_needed(as_role):
    team = make_team()
    sup, pcso = as_role("supervisor"), as_role("pcso", home_team=team.id)
    published_plan(sup, team, pcso.person, points=[("School gates", SCHOOL), ("Shops", SHOPS)])
    school, shops = sync(PatrolPoint.objects().order_by(PatrolPoint.position))

    def boxes(page):
        return {
            li["id"]: li.select_one("[data-reason]").has_attr("hidden")
            for li in page.select("li.patrol-point")
        }

    here = near(SCHOOL, 30)
    page = html(pcso.get(f"/plan?lat={here[0]}&lng={here[1]}"))
    assert boxes(page) == {f"point-{school.id}": True, f"point-{shops.id}": False}
    assert "Tap Check in here when you are within 100 m" in page.select_one("[data-tap-hint]").text
    # No position known (no script): every box shows, and the server still asks for a reason.
    assert set(boxes(html(pcso.get("/plan"))).values()) == {False}
    refused = check_in(pcso, school.id, htmx=False)
    assert refused.status_code == 400
    assert "Your phone has no position" in field_error(refused, f"reason-{school.id}")


def test_distances_to_the_other_points_stay_after_a_check_in_and_a_check_out(as_role):
    team = make_team()
    sup, pcso = as_role("supervisor"), as_role("pcso", home_team=team.id)
    published_plan(sup, team, pcso.person, points=[("School gates", SCHOOL), ("Shops", SHOPS)])
    school, shops = sync(PatrolPoint.objects().order_by(PatrolPoint.position))
    here = near(SCHOOL, 20)
    answer = html(check_in(pcso, school.id, here))
    assert answer.select_one(f"#point-{shops.id} [data-distance]") is not None
    left = pcso.post(
        f"/plan/points/{school.id}/check-out",
        {"lat": str(here[0]), "lng": str(here[1])},
        headers={"hx-request": "true"},
    )
    assert html(left).select_one(f"#point-{shops.id} [data-distance]") is not None
