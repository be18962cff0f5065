"""Test helpers: a browser-like wrapper over Litestar's test client, and HTML parsing."""

from __future__ import annotations

from bs4 import BeautifulSoup


def html(response) -> BeautifulSoup:
    """Parse a response's HTML (assertions read the document, not strings)."""
    return BeautifulSoup(response.text, "html.parser")


def field_error(response, field: str) -> str | None:
    """The error message shown beside a form field, or None."""
    node = html(response).find(id=f"{field}-error")
    return node.get_text(" ", strip=True).removeprefix("Error:").strip() if node else None


def summary_links(response) -> dict[str, str]:
    """The GOV.UK error summary: {field id: message}."""
    summary = html(response).select_one("[data-error-summary]")
    if summary is None:
        return {}
    return {a["href"].lstrip("#"): a.get_text(strip=True) for a in summary.select("a")}


class WebSession:
    """Requests as a browser sends them: Accept: text/html, and the CSRF token on every change."""

    person = None

    def __init__(self, client):
        self.client = client

    def csrf_token(self) -> str:
        token = self.client.cookies.get("csrftoken")
        if token is None:
            self.client.get("/login", headers={"accept": "text/html"})
            token = self.client.cookies.get("csrftoken")
        return token

    def get(self, url: str, **kwargs):
        headers = {"accept": "text/html", **kwargs.pop("headers", {})}
        return self.client.get(url, headers=headers, follow_redirects=False, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        headers = {"accept": "text/html", "x-csrftoken": self.csrf_token()}
        headers.update(kwargs.pop("headers", {}))
        return self.client.post(
            url, data=data or {}, headers=headers, follow_redirects=False, **kwargs
        )

    def request(self, method: str, url: str, **kwargs):
        return self.get(url, **kwargs) if method == "GET" else self.post(url, **kwargs)


def sync(awaitable):
    """Run a Piccolo query or a coroutine from a synchronous test."""
    from piccolo.utils.sync import run_sync

    return awaitable.run_sync() if hasattr(awaitable, "run_sync") else run_sync(awaitable)
