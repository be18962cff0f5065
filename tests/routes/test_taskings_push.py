"""Turning notifications on and off, the key served to the page, and notification actions."""

from __future__ import annotations

import json

import pytest

from app.tables.taskings import PushMessage, PushSubscription, TaskingAssignment
from app.taskings import vapid
from app.taskings.push_queue import action_token
from tests.factories import make_team
from tests.helpers import html, sync
from tests.routes.not_theirs import answers_as_missing
from tests.taskings_helpers import make_profile, tasking_form

SUBSCRIPTION = {
    "endpoint": "https://push.example.net/send/abc",
    "keys": {
        "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-"
        "Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg",
    },
}


@pytest.fixture(autouse=True)
def fresh_key():
    vapid.forget()


def subscribe(session, body=SUBSCRIPTION):
    return session.client.post(
        "/tasks/push/subscriptions",
        content=json.dumps(body),
        headers={"content-type": "application/json", "x-csrftoken": session.csrf_token()},
    )


def test_the_application_server_key_is_made_once_and_kept(as_role):
    pcso = as_role("pcso")
    first = pcso.client.get("/tasks/push/key").json()["key"]
    vapid.forget()  # another app server, or a restart: the key comes from the database
    assert as_role("volunteer").client.get("/tasks/push/key").json()["key"] == first
    assert len(vapid.b64url(b"\x04" + b"\x00" * 64)) == len(first)  # an uncompressed P-256 point


def test_a_device_is_tied_to_the_session_and_goes_at_sign_out(as_role):
    pcso = as_role("pcso")
    assert subscribe(pcso).status_code == 201
    second = dict(SUBSCRIPTION, endpoint="https://push.example.net/send/phone-2")
    assert subscribe(pcso, second).status_code == 201
    rows = sync(PushSubscription.select().where(PushSubscription.person == pcso.person.id))
    assert len(rows) == 2
    page = html(pcso.get("/tasks/push"))
    assert len(page.select("[data-device]")) == 2
    assert pcso.post("/logout").status_code == 303
    assert sync(PushSubscription.count()) == 0


def test_each_device_can_be_turned_off_only_by_its_owner(as_role):
    pcso, other = as_role("pcso"), as_role("pcso")
    assert subscribe(pcso).status_code == 201
    sub = sync(PushSubscription.select().first())
    answers_as_missing(
        other,
        "POST",
        f"/tasks/push/subscriptions/{sub['id']}/off",
        f"/tasks/push/subscriptions/{sub['id'] + 10_000}/off",
    )
    assert pcso.post(f"/tasks/push/subscriptions/{sub['id']}/off").status_code == 303
    assert sync(PushSubscription.count()) == 0


def test_subscribing_needs_the_pages_csrf_token_and_a_real_subscription(as_role):
    pcso = as_role("pcso")
    no_token = pcso.client.post(
        "/tasks/push/subscriptions",
        content=json.dumps(SUBSCRIPTION),
        headers={"content-type": "application/json"},
    )
    assert no_token.status_code == 403
    assert subscribe(pcso, {"endpoint": "javascript:x", "keys": {}}).status_code == 400
    inside = dict(SUBSCRIPTION, endpoint="http://10.0.0.5/admin")
    assert subscribe(pcso, inside).status_code == 400
    assert sync(PushSubscription.count()) == 0


def offered(as_role):
    team = make_team("Abbey")
    volunteer = as_role("volunteer", home_team=team.id)
    make_profile(volunteer.person)
    response = as_role("supervisor").post("/tasks/manage", tasking_form(team.id))
    tasking_id = int(response.headers["location"].rsplit("/", 1)[1])
    message = sync(PushMessage.select().where(PushMessage.person == volunteer.person.id).first())
    return volunteer, tasking_id, message


def action(session, body):
    # As the service worker posts it: the session cookie, JSON, and no CSRF header.
    return session.client.post(
        "/tasks/push/action", content=json.dumps(body), headers={"content-type": "application/json"}
    )


def test_accept_from_a_notification_works_once_with_its_own_token(as_role):
    volunteer, tasking_id, message = offered(as_role)
    body = {"m": message["id"], "token": action_token(message["id"]), "action": "accept"}
    forged = action(volunteer, dict(body, token="0" * 32))
    assert forged.status_code == 403
    answered = action(volunteer, body)
    assert answered.status_code == 200
    assert answered.json() == {
        "tasking": tasking_id,
        "state": "accepted",
        "url": f"/tasks/{tasking_id}",
    }
    assert sync(TaskingAssignment.select(TaskingAssignment.state).first())["state"] == "accepted"
    assert action(volunteer, dict(body, action="decline")).status_code == 409  # used up


def test_another_person_cannot_use_someone_elses_notification(as_role):
    volunteer, _, message = offered(as_role)
    other = as_role("volunteer")
    body = {"m": message["id"], "token": action_token(message["id"]), "action": "decline"}
    assert action(other, body).status_code == 409
    assert sync(TaskingAssignment.select(TaskingAssignment.state).first())["state"] == "offered"
    assert action(volunteer, body).status_code == 200
