"""Today's plan keeps its map tiles for the walk (issue 15), on a phone (390x844) with a tile
server on loopback: opened online, the tiles of the map's opening view and those around the
plan's points are kept (zooms 15 to 17, 300 m around each point, README "Maps and boundaries");
offline after a reload the map draws them, zoomed in at a point too; sign-out leaves no tile
behind."""

from __future__ import annotations

import json
import math

from playwright.sync_api import expect

from tests.browser.conftest import (
    PHONE,
    controlled_by_service_worker,
    sign_in,
    wait_until,
)

KEPT_TILES = """caches.has('beatbook-tiles').then(has => !has ? [] :
  caches.open('beatbook-tiles').then(c => c.keys()).then(ks => ks.map(r => r.url)))"""

VIEW = """(() => { const m = document.querySelector('#today-map').beatbookMap, b = m.getBounds();
  return {south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast(),
          zoom: m.getZoom()}; })()"""

# The images the map drew: their URLs and whether each loaded (naturalWidth > 0).
DRAWN = """[...document.querySelectorAll('#today-map img.leaflet-tile')]
  .map(img => [img.src, img.complete && img.naturalWidth > 0])"""


def tile_xy(lat: float, lng: float, z: int) -> tuple[int, int]:
    n = 2**z
    r = math.radians(lat)
    x = int((lng + 180) / 360 * n)
    y = int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
    return x, y


def expected_tiles(template: str, points: list[tuple[float, float]], view: dict) -> set[str]:
    """The opening view's tiles and those within 300 m of each point at zooms 15 to 17 (worked
    out here, apart from the service worker's own code)."""
    z = round(view["zoom"])
    x0, y0 = tile_xy(view["north"], view["west"], z)
    x1, y1 = tile_xy(view["south"], view["east"], z)
    urls = {template.format(z=z, x=x, y=y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
    for z in (15, 16, 17):
        for lat, lng in points:
            d_lat = 300 / 111320
            d_lng = 300 / (111320 * math.cos(math.radians(lat)))
            x0, y0 = tile_xy(lat + d_lat, lng - d_lng, z)
            x1, y1 = tile_xy(lat - d_lat, lng + d_lng, z)
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    urls.add(template.format(z=z, x=x, y=y))
    return urls


def test_the_plans_tiles_are_kept_drawn_offline_and_gone_at_sign_out(browser, tiled_server, tiles):
    context = browser.new_context(
        base_url=tiled_server,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    try:
        page = context.new_page()
        sign_in(page, "pcso")
        controlled_by_service_worker(page)
        page.goto("/plan")
        plan_map = page.locator("#today-map[data-map-ready]")
        expect(plan_map).to_be_visible()
        config = json.loads(plan_map.get_attribute("data-map"))
        points = [(p["lat"], p["lng"]) for p in config["points"]]
        assert points
        view = page.evaluate(VIEW)
        wanted = expected_tiles(tiles.url, points, view)
        assert 0 < len(wanted) <= 400  # within the bound: every one is kept

        # Kept: exactly the tiles around the points, no more (a condition, not a delay).
        wait_until(page, f"{KEPT_TILES}.then(urls => urls.length >= {len(wanted)})", 60)
        kept = set(page.evaluate(KEPT_TILES))
        assert kept == wanted
        asked = {f"http://127.0.0.1:{tiles.port}{path}" for path in tiles.requests}
        assert wanted <= asked

        context.set_offline(True)
        try:
            page.reload()
            expect(page.locator("h1")).to_have_text("Today's plan")
            expect(plan_map).to_be_visible()
            # The opening view, as online: every tile drawn is loaded from the phone.
            wait_until(
                page,
                f"""(() => {{ const drawn = {DRAWN};
                  return drawn.length > 0 && drawn.every(([, loaded]) => loaded); }})()""",
            )
            assert {src for src, _ in page.evaluate(DRAWN)} <= kept
            # Zoomed in at a point for the walk (16): the tiles kept around it load.
            lat, lng = points[0]
            page.evaluate(
                f"document.querySelector('#today-map').beatbookMap.setView([{lat}, {lng}], 16)"
            )
            here = tiles.url.format(z=16, x=tile_xy(lat, lng, 16)[0], y=tile_xy(lat, lng, 16)[1])
            assert here in kept
            wait_until(
                page,
                f"""(() => {{ const kept = new Set({json.dumps(sorted(kept))});
                  const drawn = {DRAWN}.filter(([src]) => src.includes('/16/'));
                  return drawn.some(([src, loaded]) => src === {json.dumps(here)} && loaded)
                    && drawn.filter(([src]) => kept.has(src)).every(([, loaded]) => loaded);
                }})()""",
            )
        finally:
            context.set_offline(False)

        page.locator("summary.account-button").click()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login?signed_out=true")
        wait_until(page, "caches.has('beatbook-tiles').then(has => !has)")
        assert page.evaluate(KEPT_TILES) == []
    finally:
        context.close()
