"""The installable shell over HTTP: manifest, service worker, offline page, security headers."""

from __future__ import annotations

import json

from app.headers import CSP
from tests.helpers import html


def test_manifest_is_served_as_a_web_manifest_with_installable_icons(web):
    response = web.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["theme_color"].startswith("#")
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = web.get(icon["src"])
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(image.content[16:20], "big")
        assert f"{width}x{width}" == icon["sizes"]


def test_service_worker_is_served_from_the_root_uncached_with_its_shell(web):
    response = web.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert "javascript" in response.headers["content-type"]
    body = response.text
    assert "__VERSION__" not in body and "__SHELL__" not in body and "__IMPORTS__" not in body
    shell = json.loads(body.split("var SHELL = ", 1)[1].split(";\n", 1)[0])
    assert "/offline" in shell
    for url in shell:
        assert web.get(url).status_code == 200, url
    # It never handles other origins or anything but GET.
    assert 'request.method !== "GET"' in body and "url.origin !== self.location.origin" in body


def test_offline_page_is_public_and_says_so(web):
    response = web.get("/offline")
    assert response.status_code == 200
    assert html(response).find("h1").get_text() == "You are offline"


def test_every_page_has_the_security_headers(web, as_role):
    for response in (web.get("/login"), as_role("pcso").get("/"), web.get("/healthz")):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_pages_have_no_inline_script_or_style(as_role):
    session = as_role("admin")
    for url in ("/", "/people", "/people/new", "/audit", "/briefing"):
        doc = html(session.get(url))
        assert all(s.get("src") for s in doc.find_all("script")), url
        assert not doc.find_all(style=True), url
        assert not doc.find_all("style"), url


def test_static_files_are_cached_for_a_year_and_pages_are_not_stored(web, as_role):
    doc = html(web.get("/login"))
    css = doc.find("link", rel="stylesheet")["href"]
    assert "?v=" in css
    assert "immutable" in web.get(css).headers["cache-control"]
    assert web.get("/login").headers["cache-control"] == "no-store"
    assert as_role("pcso").get("/people").headers["cache-control"] == "no-store"  # a 403 too
    # The offline page is part of the shell: the worker keeps it (drawn for nobody).
    offline = web.get("/offline")
    assert offline.headers["cache-control"] == "private, no-cache"
    assert offline.headers["x-beatbook-keep"] == "session"
    assert "x-beatbook-template" not in offline.headers  # noted for the hook, never sent


def test_the_worker_fetches_its_shell_without_the_session_and_keeps_only_marked_pages(web):
    body = web.get("/sw.js").text
    assert 'credentials: "omit"' in body
    assert 'var KEEP_HEADER = "x-beatbook-keep";' in body
    assert 'control.indexOf("no-store") === -1' in body


def test_pages_are_compressed(web):
    response = web.get("/login", headers={"accept-encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"


def test_the_service_worker_imports_every_static_file_at_its_current_version(web):
    # Every /static/ URL is cached for a year as immutable: an import without its version (or
    # with an old one) would leave phones on an old copy after a release. Followed through
    # what the imported files import in turn.
    import re

    from app.web import static_url

    imports = re.compile(r"""importScripts\(\s*(["'])(.*?)\1""")
    seen, waiting, checked = set(), [("/sw.js", web.get("/sw.js").text)], 0
    while waiting:
        where, source = waiting.pop()
        for _, url in imports.findall(source):
            if not url.startswith("/static/"):
                continue
            relative = url.removeprefix("/static/").split("?", 1)[0]
            assert url == static_url(relative), f"{where} imports {url} without its version"
            checked += 1
            if url not in seen:
                seen.add(url)
                response = web.get(url)
                assert response.status_code == 200, url
                waiting.append((url, response.text))
    assert checked >= 2 and "/static/js/outbox.js?v=" in "".join(seen)
