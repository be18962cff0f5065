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
    for keys in ({"p256dh": "BNc\x00x", "auth": "tBH"}, {"p256dh": "a b", "auth": "x"}, []):
        assert subscribe(pcso, dict(SUBSCRIPTION, keys=keys)).status_code == 400
    nul = dict(SUBSCRIPTION, endpoint="https://push.example.net/\x00")
    assert subscribe(pcso, nul).status_code == 400
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


REFUSED_AT_ARRIVAL = {
    "https://127.0.0.1/send/a": "127.0.0.1 is a loopback address",
    "https://127.8.9.10:8443/send/a": "127.8.9.10 is a loopback address",
    "https://[::1]/send/a": "::1 is a loopback address",
    "https://[::ffff:127.0.0.1]/send/a": "(IPv4 127.0.0.1) is a loopback address",
    "https://10.0.0.5/send/a": "10.0.0.5 is a private address",
    "https://172.16.4.4/send/a": "172.16.4.4 is a private address",
    "https://192.168.1.20/send/a": "192.168.1.20 is a private address",
    "https://[fd12:3456::1]/send/a": "fd12:3456::1 is a private address",
    "https://[::ffff:192.168.0.1]/send/a": "(IPv4 192.168.0.1) is a private address",
    "https://169.254.169.254/latest/meta-data": "169.254.169.254 is a link-local address",
    "https://[fe80::1]/send/a": "fe80::1 is a link-local address",
    "https://224.0.0.251/send/a": "224.0.0.251 is a multicast address",
    "https://[ff02::1]/send/a": "ff02::1 is a multicast address",
    "https://240.1.2.3/send/a": "240.1.2.3 is a reserved address",
    "https://0.0.0.0/send/a": "0.0.0.0 is an unspecified address",
    "https://[::]/send/a": ":: is an unspecified address",
    "https://100.64.1.1/send/a": "100.64.1.1 is not a public address",
    "https://127.1/send/a": "127.1 is not a valid host name",
    "https://2130706433/send/a": "2130706433 is not a valid host name",
    "https://push.example.net@10.0.0.5/send/a": "must not carry a user name",
    "http://push.example.net/send/a": "must use https",
    "http://8.8.8.8/send/a": "must use https",
    "http://127.0.0.1:8000/send/a": "must use https",
    "ftp://push.example.net/send/a": "must be an https address",
}


@pytest.mark.parametrize("endpoint", REFUSED_AT_ARRIVAL)
def test_an_endpoint_that_is_not_public_https_is_refused_with_a_clear_message(
    as_role, loopback_allowed, endpoint
):
    loopback_allowed(False)
    pcso = as_role("pcso")
    response = subscribe(pcso, dict(SUBSCRIPTION, endpoint=endpoint))
    assert response.status_code == 400
    assert REFUSED_AT_ARRIVAL[endpoint] in response.json()["error"]
    assert sync(PushSubscription.count()) == 0


def test_public_https_endpoints_are_taken_as_they_arrive(as_role, loopback_allowed):
    loopback_allowed(False)
    pcso = as_role("pcso")
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://8.8.8.8/send/a",  # a public address written as one
        "https://[2001:4860:4860::8888]/send/a",
        "https://localhost/send/a",  # a host name: resolved (and refused) when sending
    ):
        assert subscribe(pcso, dict(SUBSCRIPTION, endpoint=endpoint)).status_code == 201, endpoint
    assert sync(PushSubscription.count()) == 5


def test_the_loopback_setting_lets_only_loopback_through_over_http(as_role, loopback_allowed):
    loopback_allowed(True)
    pcso = as_role("pcso")
    for endpoint in ("http://127.0.0.1:8123/push/a", "http://[::1]:8123/push/b"):
        assert subscribe(pcso, dict(SUBSCRIPTION, endpoint=endpoint)).status_code == 201
    for endpoint in ("http://10.0.0.5/push/a", "https://10.0.0.5/push/a", "http://8.8.8.8/a"):
        assert subscribe(pcso, dict(SUBSCRIPTION, endpoint=endpoint)).status_code == 400
    assert sync(PushSubscription.count()) == 2
