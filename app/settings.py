"""Every setting in one place, read once from BEATBOOK_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"BEATBOOK_{name}", default)


def var_dir() -> Path:
    """./var/ (or BEATBOOK_VAR_DIR): the database, keys and secrets, for their owner only."""
    path = Path(_env("VAR_DIR", "var")).resolve()
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
    return path


def _kept_secret(filename: str) -> str:
    """Read a secret kept under ./var/, making it once (mode 600) if it is not there yet."""
    path = var_dir() / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    """Beatbook's settings. Each field is read from BEATBOOK_<FIELD NAME IN CAPITALS>."""

    database_url: str = field(
        default_factory=lambda: _env("DATABASE_URL", f"sqlite:///{var_dir() / 'beatbook.sqlite3'}")
    )
    """sqlite:///path (the embedded default, under ./var/) or postgresql://user:pass@host/db."""

    database_pool_size: int = field(default_factory=lambda: int(_env("DATABASE_POOL_SIZE", "10")))
    """PostgreSQL connections per app process (0: no pool, a connection per query)."""

    sqlite_busy_timeout: float = field(
        default_factory=lambda: float(_env("SQLITE_BUSY_TIMEOUT", "15"))
    )
    """Seconds a SQLite writer waits for another process's writer (this process's own writes
    take turns on its one writer connection and never wait on this)."""

    sqlite_readers: int = field(default_factory=lambda: int(_env("SQLITE_READERS", "4")))
    """Kept-open SQLite connections that answer reads (each on a thread of its own)."""

    secret_key: str = field(
        default_factory=lambda: _env("SECRET_KEY", "") or _kept_secret("secret_key")
    )
    """Signs CSRF tokens. If unset, generated once and kept in ./var/secret_key."""

    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    """Address `beatbook serve` listens on."""

    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    """Port `beatbook serve` listens on."""

    workers: int = field(default_factory=lambda: int(_env("WORKERS", "1")))
    """App server processes for `beatbook serve`."""

    access_log: bool = field(
        default_factory=lambda: _env("ACCESS_LOG", "false").lower() in {"true", "1", "yes"}
    )
    """Log every request (off by default: a line per request costs time and says where people
    were; errors are always logged)."""

    demo_password: str = field(default_factory=lambda: _env("DEMO_PASSWORD", ""))
    """The demo users' password; if unset, `beatbook demo` makes one and prints it."""

    session_idle_minutes: int = field(
        default_factory=lambda: int(_env("SESSION_IDLE_MINUTES", str(12 * 60)))
    )
    """A session ends after this many minutes without a request (default: a 12-hour shift)."""

    cookie_secure: str = field(default_factory=lambda: _env("COOKIE_SECURE", "auto"))
    """'auto' (Secure when the request came over https), 'true' or 'false'."""

    signin_window_minutes: int = field(
        default_factory=lambda: int(_env("SIGNIN_WINDOW_MINUTES", "15"))
    )
    """The window over which failed sign-ins are counted."""

    signin_limit_per_account: int = field(
        default_factory=lambda: int(_env("SIGNIN_LIMIT_PER_ACCOUNT", "5"))
    )
    """Failed sign-ins allowed for one username within the window, from devices it has not
    signed in on; each device it has signed in on has an allowance of this size of its own."""

    signin_limit_per_address: int = field(
        default_factory=lambda: int(_env("SIGNIN_LIMIT_PER_ADDRESS", "30"))
    )
    """Failed sign-ins allowed from one client address within the window (known devices aside)."""

    password_threads: int = field(default_factory=lambda: int(_env("PASSWORD_THREADS", "0")))
    """Password hashes (Argon2, 64 MiB each) one app server runs at once; 0: one per CPU."""

    tasking_urgent_ack_minutes: int = field(
        default_factory=lambda: int(_env("TASKING_URGENT_ACK_MINUTES", "15"))
    )
    """Minutes an urgent tasking may go unacknowledged before its supervisor is alerted."""

    geocoder: str = field(default_factory=lambda: _env("GEOCODER", "local"))
    """geopy geocoder for addresses: 'local' (the project's own table) or a geopy service name."""

    push_subject: str = field(
        default_factory=lambda: _env("PUSH_SUBJECT", "mailto:admin@beatbook.example")
    )
    """The VAPID contact push services may use to reach the operator (mailto: or https:)."""

    push_concurrency: int = field(default_factory=lambda: int(_env("PUSH_CONCURRENCY", "64")))
    """Push messages one app server sends at once."""

    push_sender: bool = field(
        default_factory=lambda: _env("PUSH_SENDER", "on").lower() in {"on", "true", "1", "yes"}
    )
    """Run the push sender inside each app server ('on'), or not ('off': tests, a separate one)."""

    push_lease_seconds: int = field(default_factory=lambda: int(_env("PUSH_LEASE_SECONDS", "60")))
    """How long a sender holds claimed outbox rows before another app server may take them over."""

    push_allow_loopback: bool = field(
        default_factory=lambda: (
            _env("PUSH_ALLOW_LOOPBACK", "off").lower() in {"on", "true", "1", "yes"}
        )
    )
    """Tests only: also send notifications to loopback (127.0.0.1, ::1, localhost), over plain
    http there. Off in production: push services are public https, never inside your network."""

    checkin_radius_m: float = field(default_factory=lambda: float(_env("CHECKIN_RADIUS_M", "100")))
    """A patrol check-in within this many metres of the point is accepted automatically."""

    mentor_briefing: str = field(default_factory=lambda: _env("MENTOR_BRIEFING", "none"))
    """What peer mentors see of the briefing: 'none' (the default: no briefing; peer mentors
    meet their clients as the referring agency's, not as police) or 'place' (the place-only
    briefing volunteers see). Any other value counts as 'none'."""
    retention: str = field(default_factory=lambda: _env("RETENTION", ""))
    """Days each kind of record is kept before `beatbook retention` finds it due, as
    "kind=days,kind=days" (e.g. "engagement=365,audit_log=3650"); kinds not named keep their
    defaults (app/retention/schedule.py, docs/privacy.md "Retention")."""

    repeat_place_metres: float = field(
        default_factory=lambda: float(_env("REPEAT_PLACE_METRES", "50"))
    )
    """Crimes or incidents within this many metres of each other are one repeat place in a
    briefing (named by their commonest location text)."""

    tile_url: str = field(default_factory=lambda: _env("TILE_URL", ""))
    """Map tiles: a URL template such as https://tile.example.org/{z}/{x}/{y}.png (README says
    which services allow what use). Empty (the default): maps draw boundaries and points on a
    plain ground, with no tiles."""

    tile_attribution: str = field(default_factory=lambda: _env("TILE_ATTRIBUTION", ""))
    """The credit the tile service asks for, shown on every map (e.g. '© OpenStreetMap
    contributors'). Required by most services when BEATBOOK_TILE_URL is set."""

    var_dir: Path = field(default_factory=var_dir)
    """Where the embedded database, kept keys and secrets live (BEATBOOK_VAR_DIR, default ./var)."""

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> str:
        return self.database_url.removeprefix("sqlite:///")


def describe() -> list[tuple[str, str]]:
    """The settings' environment variable names with their docstrings, for the README and --help."""
    import ast
    import inspect

    source = inspect.getsource(Settings)
    tree = ast.parse(source)
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, nxt in zip(body, body[1:], strict=False):
        if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr):
            docs[node.target.id] = nxt.value.value  # type: ignore[union-attr]
    return [(f"BEATBOOK_{f.name.upper()}", docs.get(f.name, "")) for f in fields(Settings)]


@lru_cache
def get_settings() -> Settings:
    """The settings, read once per process."""
    return Settings()
