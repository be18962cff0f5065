"""The installable app: web manifest, service worker at the site root, offline page."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from litestar import Controller, Response, get

from app.access import PUBLIC
from app.headers import SESSION, offline
from app.maps import tile_origin
from app.settings import get_settings
from app.web import HTMX, STATIC_DIR, page, shell_version, static_url

THEME_COLOUR = "#1d3f73"

# The shell the service worker stores on install: enough to draw any cached page offline.
SHELL_FILES = [
    "css/app.css",
    "js/app.js",
    "js/outbox.js",
    HTMX,
    "icons/icon-192.png",
]


def manifest() -> dict:
    return {
        "name": "Beatbook",
        "short_name": "Beatbook",
        "description": "Neighbourhood policing in your pocket: briefings, taskings, visits, logs.",
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


# A worker part's "// needs: js/outbox.js" line: a static file it uses, imported before it.
NEEDS = re.compile(r"^// needs: (\S+)\s*$", re.MULTILINE)


def worker_imports() -> list[str]:
    """The static files /sw.js imports, in order: what the parts need, then the parts.

    Every one at its versioned URL: a file under /static/ is cached for a year as immutable,
    so an import without the version could leave a phone on an old copy after a release.
    A new version of any of them changes /sw.js itself, so the browser installs the new worker.
    """
    # Each feature's worker part is a file static/js/sw-<feature>.js; none is listed by hand.
    parts = sorted("js/" + p.name for p in (STATIC_DIR / "js").glob("sw-*.js"))
    needed = [n for part in parts for n in NEEDS.findall((STATIC_DIR / part).read_text())]
    return list(dict.fromkeys(needed + parts))


@lru_cache(maxsize=1)
def service_worker_source() -> str:
    """sw.js with this build's cache version, shell list, imports and tile URL filled in."""
    template = (STATIC_DIR / "sw.js").read_text()
    shell = [static_url(f) for f in SHELL_FILES if (STATIC_DIR / f).exists()] + ["/offline"]
    imports = "".join(f"importScripts({json.dumps(static_url(f))});\n" for f in worker_imports())
    return (
        template.replace("__VERSION__", shell_version())
        .replace("__SHELL__", json.dumps(shell))
        .replace("__IMPORTS__", imports)
        .replace("__TILE_URL__", json.dumps(get_settings().tile_url if tile_origin() else ""))
    )


class PWAController(Controller):
    path = "/"

    @get(
        "/manifest.webmanifest",
        opt=PUBLIC,
        media_type="application/manifest+json",
        name="pwa:manifest",
    )
    async def web_manifest(self) -> Response:
        return Response(content=manifest(), media_type="application/manifest+json")

    @get("/sw.js", opt=PUBLIC, name="pwa:service_worker")
    async def service_worker(self) -> Response:
        return Response(
            content=service_worker_source(),
            media_type="text/javascript",
            headers={"cache-control": "no-cache", "service-worker-allowed": "/"},
        )

    @get("/offline", opt=PUBLIC | offline(keep=SESSION), name="pwa:offline")
    async def offline(self) -> Response:
        return page("pwa/offline.html")
