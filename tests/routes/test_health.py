"""GET /healthz."""

from app import __version__


def test_health_reports_version_and_database(web):
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "database": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_health_says_when_the_database_does_not_answer(web, db, tmp_path, monkeypatch):
    from app.routes import health
    from tests.conftest import IS_POSTGRES

    monkeypatch.setitem(health._last, "at", 0.0)  # an earlier "ok" is not reused

    if IS_POSTGRES:
        original = db.config["port"]
        db.config["port"] = 1  # nothing listens there
    else:
        original = db.path
        db.path = str(tmp_path / "missing" / "nowhere.sqlite3")
    try:
        response = web.get("/healthz")
    finally:
        if IS_POSTGRES:
            db.config["port"] = original
        else:
            db.path = original
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
