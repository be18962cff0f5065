"""The outbox is part of the installable shell: precached, imported by the worker, on every page."""

from __future__ import annotations

from tests.helpers import html


def test_the_service_worker_precaches_outbox_js_and_imports_its_sync_part(web):
    source = web.get("/sw.js").text
    assert "/static/js/outbox.js?v=" in source  # in the shell list
    assert 'importScripts("/static/js/sw-outbox.js?v=' in source


def test_every_signed_in_page_loads_the_outbox_and_signed_out_pages_do_not(as_role, web):
    scripts = [s["src"] for s in html(as_role("mentor").get("/")).select("script[src]")]
    assert any("/static/js/outbox.js" in s for s in scripts)
    scripts = [s["src"] for s in html(web.get("/login")).select("script[src]")]
    assert not any("outbox" in s for s in scripts)
