"""An offer on the phone hides the household until the volunteer accepts it: at 390x844 the
volunteer sees the kind, the area, the window and the street; accepts; then sees the address,
the way there and the reason."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from playwright.sync_api import expect

from app.taskings.geocoding import maps_url
from tests.browser.conftest import PHONE, ROOT, sign_in

ADDRESS = "27 Vernon Street, Derby DE1 1FR"
LAT, LNG = 52.922871, -1.486394
REASON = "Check in about low mood after the break-in"

# Made through the app's own use case, against the live server's database, as its supervisor:
# a check on a vulnerable person at a house, offered to the volunteers of the home area.
MAKE_OFFER = textwrap.dedent(
    f"""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from app.actor import actor_for
    from app.tables.people import Person
    from app.taskings import service

    async def main():
        supervisor = await Person.select().where(Person.username == "supervisor").first()
        volunteer = await Person.select().where(Person.username == "volunteer").first()
        starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=30)
        values = {{
            "kind": "vulnerable_check",
            "title": "Welfare check: Vernon Street",
            "details": {REASON!r},
            "place_kind": "address",
            "address": {ADDRESS!r},
            "lat": {LAT!r},
            "lng": {LNG!r},
            "team": volunteer["home_team"],
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1),
            "priority": "routine",
            "mode": "offer",
            "places_wanted": 1,
        }}
        print(await service.create(actor_for(supervisor), values, []))

    asyncio.run(main())
    """
)


def make_offer(live_server) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEATBOOK_")}
    env.update(
        BEATBOOK_VAR_DIR=str(live_server.var_dir),
        BEATBOOK_DATABASE_URL=f"sqlite:///{live_server.db_path}",
        BEATBOOK_SECRET_KEY="browser-tests-secret-key",
        BEATBOOK_PUSH_SENDER="off",
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a script of the test's own
        [sys.executable, "-c", MAKE_OFFER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def hidden_from(text: str) -> list[str]:
    """What of the household a page gives away."""
    clues = (
        "27 Vernon",
        "DE1 1FR",
        REASON,
        "low mood",
        str(LAT),
        str(LNG),
        "geo:",
        "google.com/maps",
    )
    return [clue for clue in clues if clue in text]


def test_a_volunteer_sees_an_offer_without_the_address_then_accepts_and_sees_it(page, live_server):
    tasking_id = make_offer(live_server)
    [(state,)] = live_server.query(
        "SELECT a.state FROM tasking_assignment a JOIN person p ON p.id = a.person "
        "WHERE p.username = 'volunteer' AND a.tasking = ?",
        tasking_id,
    )
    assert state == "offered"
    sign_in(page, "volunteer")

    page.goto("/tasks")
    offer = page.locator("[data-section=offers] article", has_text="Welfare check: Vernon Street")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Check on a vulnerable person")
    expect(offer).to_contain_text("On or near Vernon Street")
    assert hidden_from(page.content()) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    offer.get_by_role("link", name="Decline or see more").click()
    expect(page.locator("[data-where]")).to_contain_text("On or near Vernon Street, in ")
    expect(page.locator("[data-withheld]")).to_be_visible()
    assert hidden_from(page.content()) == []
    expect(page.get_by_role("link", name="Open in maps")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    accept = page.get_by_role("button", name="Accept")
    assert accept.bounding_box()["height"] >= 44
    accept.click()
    expect(page.locator("[data-state]")).to_have_text("Accepted")
    expect(page.locator("[data-where]")).to_contain_text(ADDRESS)
    expect(page.locator("[data-details]")).to_contain_text(REASON)
    maps = page.get_by_role("link", name="Open in maps")
    expect(maps).to_have_attribute("href", maps_url(LAT, LNG))
    expect(page.locator("[data-withheld]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
