"""Settings: read from the environment; the secret key is generated once and kept."""

from __future__ import annotations

import os
import stat

from app.settings import Settings, describe


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("BEATBOOK_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("BEATBOOK_SECRET_KEY", raising=False)
    first = Settings().secret_key
    second = Settings().secret_key
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_overrides_and_database_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("BEATBOOK_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BEATBOOK_DATABASE_URL", "postgresql://u:p@db.internal:5433/beatbook")
    monkeypatch.setenv("BEATBOOK_SESSION_IDLE_MINUTES", "30")
    settings = Settings()
    assert settings.is_postgres and settings.session_idle_minutes == 30
    monkeypatch.delenv("BEATBOOK_DATABASE_URL")
    default = Settings()
    assert not default.is_postgres
    assert default.sqlite_path == str(tmp_path / "beatbook.sqlite3")


def test_every_setting_is_documented():
    described = dict(describe())
    assert "BEATBOOK_DATABASE_URL" in described
    assert all(doc for doc in described.values()), described


def test_readme_and_env_example_name_every_setting():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    example = (root / ".env.example").read_text()
    for name, _ in describe():
        assert name in readme, f"{name} is not in README.md"
        assert name in example, f"{name} is not in .env.example"
