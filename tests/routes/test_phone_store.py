"""What a phone may keep (issue 12): every answer is no-store unless its route says a job needs
it offline; sign-out and a session that has gone tell the browser to forget."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.auth.sessions import COOKIE_NAME
from app.headers import KEEP_HEADER, SESSION, TODAY, UNTIL_DONE, offline_handlers
from app.roles import Role
from tests.factories import make_team
from tests.helpers import sync
from tests.routes.test_access import concrete, every_route
from tests.routes.test_taskings import create
from tests.routes.test_visits import answer_all_required, start
from tests.taskings_helpers import tasking_form

# The only pages a phone keeps, and for how long (README, "What stays on the phone"). Adding
# one is a decision about personal data on phones: it belongs here, on purpose.
KEPT = {
    "home:index": SESSION,  # the shell the installed app opens on (the quick log)
    "pwa:offline": SESSION,  # shown for a page that was not kept
    "patrol:today": TODAY,  # today's plan
    "taskings:index": TODAY,  # the person's own taskings and offers
    "taskings:show": TODAY,  # one of them, as the server lets this person see it
    "visits:show": UNTIL_DONE,  # the visit under way (its page only, never the summary)
    "briefing:index": TODAY,  # no named people: those come in /briefing/people, no-store
}


def test_the_routes_a_phone_may_keep_are_exactly_the_listed_ones(app):
    handlers = [h for _, _, _, h in every_route(app)]
    declared = {name: rule["keep"] for name, rule in offline_handlers(handlers).items()}
    assert declared == KEPT
    assert offline_handlers(handlers)["visits:show"]["templates"] == {"visits/visit.html"}


def test_every_get_route_not_on_the_list_answers_no_store_to_every_role(app, as_role, web):
    """Walks the route table with the demo data to open: any answer (a page, a fragment, CSV,
    JSON, an error) of a route not in KEPT is no-store, and none is marked for keeping."""
    from app.demo import load_all

    people = sync(load_all("demo password 1")).made["people"]
    sessions = {role: as_role(role.value, person=people[role]) for role in Role}
    pages = 0
    for method, path, rule, handler in every_route(app):
        if method != "GET" or path.startswith("/static") or handler.name in KEPT:
            continue
        url = concrete(path)
        askers = [s for role, s in sessions.items() if rule == "public" or role in rule]
        for session in [*askers, web]:
            for headers in ({}, {"hx-request": "true"}):
                response = session.get(url, headers=headers)
                where = f"GET {url} {headers} -> {response.status_code}"
                if handler.name == "pwa:service_worker":
                    assert response.headers["cache-control"] == "no-cache", where
                else:
                    assert response.headers["cache-control"] == "no-store", where
                assert KEEP_HEADER not in response.headers, where
                pages += response.status_code == 200 and "text/html" in response.headers.get(
                    "content-type", ""
                )
    assert pages >= 60  # real pages were answered, not only refusals and 404s


def test_the_kept_routes_are_private_revalidated_and_marked_with_how_long(as_role):
    from app.demo import load_all

    people = sync(load_all("demo password 1")).made["people"]
    officer = as_role("officer", person=people[Role.OFFICER])
    for url, keep in (("/", SESSION), ("/plan", TODAY), ("/tasks", TODAY), ("/briefing", TODAY)):
        response = officer.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "private, no-cache", url
        assert response.headers[KEEP_HEADER] == keep, url
    # A tasking that is not theirs: a 404 page, never kept.
    missing = officer.get("/tasks/999999")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"
    assert KEEP_HEADER not in missing.headers


def test_a_visit_under_way_is_kept_until_submitted_and_its_summary_never(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    under_way = pcso.get(f"/visits/{visit_uuid}")
    assert under_way.status_code == 200
    assert under_way.headers[KEEP_HEADER] == UNTIL_DONE
    assert "no-store" not in under_way.headers["cache-control"]
    check = pcso.get(f"/visits/{visit_uuid}/check")  # a summary of the answers: not kept
    assert check.headers["cache-control"] == "no-store"
    answer_all_required(pcso, visit_uuid)
    assert pcso.post(f"/visits/{visit_uuid}/submit", {}).status_code == 303
    summary = pcso.get(f"/visits/{visit_uuid}?submitted=1")
    assert summary.status_code == 200
    assert summary.headers["cache-control"] == "no-store"
    assert KEEP_HEADER not in summary.headers


def test_a_discarded_visit_is_no_longer_kept(as_role):
    pcso = as_role("pcso")
    visit_uuid = start(pcso)
    assert pcso.get(f"/visits/{visit_uuid}").headers[KEEP_HEADER] == UNTIL_DONE
    assert pcso.post(f"/visits/{visit_uuid}/discard").status_code == 303
    gone = pcso.get(f"/visits/{visit_uuid}")
    assert gone.status_code == 404
    assert gone.headers["cache-control"] == "no-store" and KEEP_HEADER not in gone.headers


def test_signing_out_tells_the_browser_to_forget_everything(as_role):
    officer = as_role("officer")
    response = officer.post("/logout")
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache", "storage"'


def test_a_session_that_has_gone_is_told_once_to_forget_the_cache(as_role, web):
    from app.tables.sessions import UserSession

    officer = as_role("officer")
    live = officer.get("/plan")
    assert "clear-site-data" not in live.headers
    assert "clear-site-data" not in web.get("/login").headers  # never signed in here
    # Deactivation and password resets end every session of the person.
    sync(UserSession.delete().where(UserSession.person == officer.person.id))
    for url, headers in (
        ("/plan", {}),  # a page: sent to sign in
        ("/plan", {"hx-request": "true"}),  # a fragment: 401
        ("/mentoring/risk", {"accept": "application/json"}),
    ):
        officer.client.cookies.set(COOKIE_NAME, "a-session-that-has-ended")
        response = officer.get(url, headers=headers)
        assert response.status_code in (303, 401), url
        assert response.headers["clear-site-data"] == '"cache"', url
        assert response.headers["cache-control"] == "no-store", url
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE_NAME}=;") and "Max-Age=0" in cookie, url


def test_a_record_sent_by_the_outbox_without_a_session_is_told_401(web):
    response = web.client.post(
        "/log",
        data={"kind": "event"},
        headers={"accept": "application/json", "x-csrftoken": web.csrf_token()},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in to continue"}


def test_signing_in_again_over_a_dead_session_keeps_the_new_one(web):
    from app.tables.sessions import UserSession
    from tests.factories import make_person
    from tests.routes.test_auth import sign_in

    person = make_person("officer")
    assert sign_in(web, person.username).status_code == 303
    sync(UserSession.delete().where(UserSession.person == person.id))  # e.g. a password reset
    response = sign_in(web, person.username)  # the browser still sends the dead cookie
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache"'  # the old session's copies go
    set_cookies = response.headers.get_list("set-cookie")
    mine = [c for c in set_cookies if c.startswith(f"{COOKIE_NAME}=")]
    assert len(mine) == 1 and "Max-Age=0" not in mine[0], set_cookies
    assert web.get("/plan").status_code == 200  # signed in


def assigned_tasking(as_role, starts_in: timedelta) -> tuple[object, int]:
    """A PCSO and a tasking assigned to them, starting `starts_in` from now, for an hour."""
    team = make_team("Abbey")
    pcso = as_role("pcso", home_team=team.id)
    start = (datetime.now() + starts_in).replace(second=0, microsecond=0)
    form = tasking_form(
        team.id,
        mode="assign",
        staff=str(pcso.person.id),
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    return pcso, create(as_role("supervisor"), form)


def test_a_tasking_is_kept_while_it_is_work_to_do_and_not_once_finished(as_role):
    """Today's taskings assigned to the person stay on the phone; a finished one does not."""
    # Starting in a minute (today, whatever the hour the test runs at), for an hour.
    pcso, tasking_id = assigned_tasking(as_role, timedelta(minutes=1))
    assert pcso.get(f"/tasks/{tasking_id}").headers[KEEP_HEADER] == TODAY
    for step in ("acknowledged", "in_progress"):
        assert pcso.post(f"/tasks/{tasking_id}/answer", {"state": step}).status_code == 303
    assert pcso.get(f"/tasks/{tasking_id}").headers[KEEP_HEADER] == TODAY
    done = pcso.post(f"/tasks/{tasking_id}/answer", {"state": "done", "note": "Delivered"})
    assert done.status_code == 303
    finished = pcso.get(f"/tasks/{tasking_id}")
    assert finished.status_code == 200
    assert finished.headers["cache-control"] == "no-store"
    assert KEEP_HEADER not in finished.headers


def test_a_tasking_for_another_day_is_not_kept_on_the_phone(as_role):
    """Only today's taskings stay on the phone: one whose window is next week is no-store."""
    pcso, tasking_id = assigned_tasking(as_role, timedelta(days=7))
    later = pcso.get(f"/tasks/{tasking_id}")
    assert later.status_code == 200
    assert later.headers["cache-control"] == "no-store" and KEEP_HEADER not in later.headers
