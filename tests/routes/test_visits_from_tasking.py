"""A home visit started from a home-visit tasking: prefilled from it, and linked to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.tables.taskings import Tasking, TaskingAssignment
from app.tables.visits import HomeVisit
from tests.factories import make_person, make_team
from tests.helpers import html, sync


def home_visit_tasking(person_id, team_id, state="assigned", kind="home_visit"):
    start = datetime.now(UTC) + timedelta(hours=1)
    tasking = Tasking(
        kind=kind,
        title="Healthy, Safe, Secure visit",
        place_kind="address",
        address="12 Abbey Street",
        team=team_id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode="assign",
    )
    tasking.save().run_sync()
    TaskingAssignment(tasking=tasking.id, person=person_id, state=state).save().run_sync()
    return tasking


def start_form(session, tasking_id):
    response = session.get(f"/visits/new?tasking={tasking_id}")
    assert response.status_code == 200
    return html(response)


def test_a_visit_started_from_the_tasking_is_prefilled_and_linked(as_role):
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    tasking = home_visit_tasking(pcso.person.id, team.id)
    task_page = html(pcso.get(f"/tasks/{tasking.id}"))
    link = task_page.find("a", string="Start the home visit")
    assert link["href"] == f"/visits/new?tasking={tasking.id}"
    form = start_form(pcso, tasking.id)
    assert form.find(id="address")["value"] == "12 Abbey Street"
    assert form.find("input", attrs={"name": "tasking"})["value"] == str(tasking.id)
    template = form.find("input", attrs={"name": "template"})["value"]
    response = pcso.post(
        "/visits",
        {
            "uuid": str(uuid.uuid4()),
            "template": template,
            "consent": "yes",
            "address": "12 Abbey Street",
            "team": str(team.id),
            "tasking": str(tasking.id),
        },
    )
    assert response.status_code == 303
    [visit] = sync(HomeVisit.objects())
    assert visit.tasking_id == tasking.id


def test_someone_elses_or_a_finished_tasking_cannot_be_claimed(as_role):
    team = make_team()
    pcso = as_role("pcso", home_team=team.id)
    others = home_visit_tasking(make_person("officer").id, team.id)
    done = home_visit_tasking(pcso.person.id, team.id, state="done")
    patrol = home_visit_tasking(pcso.person.id, team.id, kind="patrol")
    for tasking in (others, done, patrol):
        form = start_form(pcso, tasking.id)
        assert form.find("input", attrs={"name": "tasking"}) is None  # not prefilled
        template = form.find("input", attrs={"name": "template"})["value"]
        response = pcso.post(
            "/visits",
            {
                "uuid": str(uuid.uuid4()),
                "template": template,
                "consent": "yes",
                "address": "1 Any Road",
                "team": str(team.id),
                "tasking": str(tasking.id),
            },
        )
        assert response.status_code == 400
        assert "not an open home visit of yours" in html(response).find(id="tasking").get_text()
    assert sync(HomeVisit.count()) == 0
    assert "Start the home visit" not in pcso.get(f"/tasks/{done.id}").text
