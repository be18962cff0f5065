"""What stays on the phone (issue 12), in Chromium at 390x844: pages with personal data that no
job needs offline are never kept; sign-out and a session that has gone leave nothing behind;
today's plan stays readable offline while signed in."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import controlled_by_service_worker, sign_in, wait_until

RISK_NOTE = "Says a neighbour is being threatened over a debt."

KEPT_URLS = """caches.open('beatbook-pages')
  .then(c => c.keys()).then(ks => ks.map(r => new URL(r.url).pathname))"""

# Every response the Cache API holds, in every cache of this origin, as text.
EVERYTHING_CACHED = """async () => {
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const type = response.headers.get('content-type') || '';
      if (type.startsWith('text/html')) texts.push(request.url + '\\n' + await response.text());
    }
  }
  return texts;
}"""

OUTBOX_DB_EXISTS = "indexedDB.databases().then(dbs => dbs.some(d => d.name === 'beatbook-outbox'))"


def kept(page, path: str) -> str:
    return f"{KEPT_URLS}.then(paths => paths.includes('{path}'))"


def set_active(admin, live_server, username: str, button: str) -> None:
    [(person_id,)] = live_server.query("SELECT id FROM person WHERE username = ?", username)
    admin.goto(f"/people/{person_id}")
    admin.get_by_role("button", name=button).click()
    admin.wait_for_url(f"**/people/{person_id}")


def test_a_deactivated_officers_phone_shows_nothing_of_the_risk_note_offline(
    page, context, browser, browser_context_args, live_server
):
    sign_in(page, "officer")
    controlled_by_service_worker(page)
    page.goto("/plan")  # today's plan: kept
    page.goto("/mentoring/risk")
    expect(page.get_by_text(RISK_NOTE)).to_be_visible()
    for url in ("/log/people", "/visits/follow-ups", "/log", "/visits"):
        assert page.goto(url).status == 200, url
    wait_until(page, kept(page, "/plan"))
    kept_paths = page.evaluate(KEPT_URLS)
    assert "/mentoring/risk" not in kept_paths and "/log/people" not in kept_paths
    assert not any(RISK_NOTE in text for text in page.evaluate(EVERYTHING_CACHED))

    desk = browser.new_context(**browser_context_args)
    admin = desk.new_page()
    try:
        sign_in(admin, "admin")
        set_active(admin, live_server, "officer", "Deactivate Demo police officer")
        expect(admin.locator(".lede")).to_contain_text("Deactivated")

        # The phone loses its signal before it hears of it: the risk page was never kept.
        context.set_offline(True)
        try:
            page.goto("/mentoring/risk")
            expect(page.locator("h1")).to_have_text("You are offline")
            assert RISK_NOTE not in page.content()
            page.reload()
            expect(page.locator("h1")).to_have_text("You are offline")
            assert RISK_NOTE not in page.content()
            page.goto("/log/people")
            expect(page.locator("h1")).to_have_text("You are offline")
        finally:
            context.set_offline(False)

        # Back online, the first page it asks for is answered "signed out": the phone forgets
        # what it kept for the session, today's plan included.
        page.goto("/plan")
        page.wait_for_url("**/login?next=*")
        wait_until(page, "caches.has('beatbook-pages').then(has => !has)")
        context.set_offline(True)
        try:
            page.goto("/plan")
            expect(page.locator("h1")).to_have_text("You are offline")
            page.goto("/mentoring/risk")
            expect(page.locator("h1")).to_have_text("You are offline")
            assert RISK_NOTE not in page.content()
        finally:
            context.set_offline(False)
    finally:
        set_active(admin, live_server, "officer", "Reactivate Demo police officer")
        desk.close()


def test_after_sign_out_no_cache_nor_indexeddb_holds_any_page_or_record(page, context):
    sign_in(page, "officer")
    controlled_by_service_worker(page)
    for url in ("/plan", "/tasks", "/briefing", "/mentoring/risk"):
        page.goto(url)
    page.goto("/")
    wait_until(page, kept(page, "/plan"))
    # A record logged from the home screen: sent, and its copy kept a day to show "Sent".
    form = page.locator("form[data-outbox]")
    form.locator("label.chip", has_text="Door knock").click()
    form.get_by_role("button", name="Save").click()
    wait_until(
        page, "document.querySelectorAll('[data-outbox-list] li[data-state=sent]').length === 1"
    )
    assert page.evaluate(OUTBOX_DB_EXISTS)

    page.locator("summary.account-button").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?signed_out=true")
    wait_until(page, "caches.has('beatbook-pages').then(has => !has)")
    wait_until(page, f"{OUTBOX_DB_EXISTS}.then(has => !has)")
    for text in page.evaluate(EVERYTHING_CACHED):  # the shell, fetched again: drawn for nobody
        assert "Demo police officer" not in text and RISK_NOTE not in text, text[:200]
    controlled_by_service_worker(page)  # sign-out unregistered it: the sign-in page's worker
    context.set_offline(True)
    try:
        page.goto("/plan")
        expect(page.locator("h1")).to_have_text("You are offline")
        assert "Demo police officer" not in page.content()
    finally:
        context.set_offline(False)


def test_signing_out_with_unsent_records_warns_then_deletes_them(page):
    sign_in(page, "pcso")
    # A record the server refused, waiting to be fixed: unsent, so never sent again by itself.
    page.evaluate(
        """() => window.beatbookOutbox.put({uuid: crypto.randomUUID(), user: 'pcso',
             action: '/log', body: 'kind=event', csrf: '', summary: 'Event', made: Date.now(),
             state: 'error', errors: {occurred_at: 'cannot be in the future'}})"""
    )
    page.reload()
    wait_until(
        page, "document.querySelectorAll('[data-outbox-list] li[data-state=error]').length === 1"
    )
    messages = []

    def answer(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.locator("summary.account-button").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?signed_out=true")
    assert messages and "have not been sent" in messages[0] and "deletes them" in messages[0]
    wait_until(page, f"{OUTBOX_DB_EXISTS}.then(has => !has)")


def test_todays_plan_stays_readable_offline_while_signed_in_and_other_pages_do_not(page, context):
    sign_in(page, "pcso")
    controlled_by_service_worker(page)
    page.goto("/plan")
    expect(page.locator("h1")).to_have_text("Today's plan")
    page.goto("/visits")  # the visit list: personal data no job needs offline
    expect(page.locator("h1")).to_have_text("Home visits")
    wait_until(page, kept(page, "/plan"))
    context.set_offline(True)
    try:
        page.goto("/plan")
        expect(page.locator("h1")).to_have_text("Today's plan")
        expect(page.locator("[data-connection]")).to_be_visible()
        page.goto("/visits")
        expect(page.locator("h1")).to_have_text("You are offline")
    finally:
        context.set_offline(False)


def test_a_visit_under_way_is_kept_offline_until_it_is_discarded(page, context):
    from tests.browser.test_visits import start_visit

    sign_in(page, "pcso")
    visit_uuid = start_visit(page, "3 Kedleston Road, Derby")
    controlled_by_service_worker(page)
    page.goto(f"/visits/{visit_uuid}")
    wait_until(page, kept(page, f"/visits/{visit_uuid}"))
    context.set_offline(True)
    try:
        page.reload()  # under way: the phone keeps it for the visit
        expect(page.locator("[data-visit]")).to_be_visible()
    finally:
        context.set_offline(False)
    page.goto(f"/visits/{visit_uuid}/check")
    page.locator("details.discard summary").click()
    page.get_by_role("button", name="Discard the visit and its answers").click()
    page.wait_for_url("**/visits?discarded=1")
    wait_until(page, f"{kept(page, f'/visits/{visit_uuid}')}.then(has => !has)")
    context.set_offline(True)
    try:
        page.goto(f"/visits/{visit_uuid}")
        expect(page.locator("h1")).to_have_text("You are offline")
        assert "Kedleston" not in page.content()
    finally:
        context.set_offline(False)


def test_a_plan_kept_on_an_earlier_day_is_not_shown(page, context):
    sign_in(page, "pcso")
    controlled_by_service_worker(page)
    page.goto("/plan")
    wait_until(page, kept(page, "/plan"))
    # The same kept page, as if loaded two days ago (the server's Date header says when).
    page.evaluate(
        """() => caches.open('beatbook-pages').then(async cache => {
             const old = new Date(Date.now() - 2 * 86400000).toUTCString();
             const kept = await cache.match('/plan');
             const headers = new Headers(kept.headers);
             headers.set('date', old);
             await cache.put('/plan', new Response(await kept.text(), {headers}));
           })"""
    )
    context.set_offline(True)
    try:
        page.goto("/plan")
        expect(page.locator("h1")).to_have_text("You are offline")
    finally:
        context.set_offline(False)
    wait_until(page, f"{kept(page, '/plan')}.then(has => !has)")  # and forgotten
