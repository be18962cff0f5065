"""Error answers: JSON for scripts that read JSON (the phone's outbox), pages for browsers, and
every security header on both; HSTS over https only."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import TestClient

from app.headers import HEADERS, HSTS
from tests.helpers import html

JSON = {"accept": "application/json"}


def entry(**extra) -> dict:
    return {"uuid": str(uuid.uuid4()), "kind": "street", "topics": ["asb"], **extra}


def test_a_record_sent_under_someone_elses_session_is_refused_as_json_for_the_outbox(as_role):
    pcso = as_role("pcso")
    headers = {**JSON, "x-outbox-user": "someone-else"}
    response = pcso.post("/log", entry(), headers=headers)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/json")
    assert "someone else" in response.json()["detail"]
    for name, value in HEADERS.items():
        assert response.headers[name] == value


def test_the_same_refusal_to_a_browser_is_a_page(as_role):
    pcso = as_role("pcso")
    response = pcso.post("/log", entry(), headers={"x-outbox-user": "someone-else"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert "someone else" in html(response).find("main").get_text()


@pytest.mark.parametrize(
    "headers", [JSON, {"content-type": "application/json", "accept": "*/*"}], ids=["accept", "body"]
)
def test_a_role_refused_a_route_gets_json_when_it_asked_for_json(as_role, headers):
    volunteer = as_role("volunteer")
    response = volunteer.post("/agencies", content=b"{}", headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": "Your role may not use this page"}


def test_a_role_refused_a_route_in_a_browser_sees_the_page(as_role):
    response = as_role("volunteer").post("/agencies", {"name": "x"})
    assert response.status_code == 403
    assert "You cannot see this page" in response.text
    for name, value in HEADERS.items():
        assert response.headers[name] == value


def test_a_form_without_its_csrf_token_is_refused_as_json_to_the_outbox(as_role):
    pcso = as_role("pcso")
    response = pcso.client.post("/log", data=entry(), headers=JSON)
    assert response.status_code == 403
    assert "detail" in response.json()
    page = pcso.client.post("/log", data=entry(), headers={"accept": "text/html"})
    assert page.status_code == 403 and "This form has expired" in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_a_wrong_method_in_a_browser_is_a_page_with_the_headers(web):
    response = web.client.request("PUT", "/login", headers={"accept": "text/html"})
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    for name, value in HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_hsts_is_sent_over_https_only(app, scheme):
    with TestClient(app=app, base_url=f"{scheme}://testserver.local") as client:
        for url in ("/login", "/healthz", "/no-such-page", "/static/css/app.css"):
            response = client.get(url, headers={"accept": "text/html"})
            if scheme == "https":
                assert response.headers["strict-transport-security"] == HSTS, url
                assert "max-age=31536000" in HSTS and "includeSubDomains" in HSTS
            else:
                assert "strict-transport-security" not in response.headers, url


def test_an_unknown_page_keeps_the_signed_in_persons_navigation(as_role):
    response = as_role("supervisor").get("/no-such-page")
    assert response.status_code == 404
    doc = html(response)
    assert doc.select_one("nav.app-nav") is not None
    assert doc.find("form", action="/logout") is not None


def test_numbers_and_nul_bytes_no_query_could_take_are_refused_before_any_query(as_role):
    supervisor, admin = as_role("supervisor"), as_role("admin")
    for url in ("/audit?page_number=9223372036854775808", "/audit?page_number=%C2%B2"):
        response = supervisor.get(url)
        assert response.status_code == 400, url
        assert "address is not valid" in response.text
    assert supervisor.get("/audit?page_number=2").status_code == 200
    assert admin.get("/people?q=%00").status_code == 400
    assert admin.get("/people?q=ann").status_code == 200
    for url in ("/people/2147483648", "/people/%D9%A1", "/people/+1"):
        assert admin.get(url).status_code == 404, url
    assert admin.get(f"/people/{admin.person.id}").status_code == 200
