"""The `beatbook` command: serve, migrate, create-user, demo, import-crimes, import-incidents,
import-boundaries, retention."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import sys


def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    from app.settings import get_settings

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvloop and httptools: faster, and with workers > 1 uvicorn's pre-bound socket keeps
        # TCP_NODELAY (without uvloop it loses it: about 40 ms more per keep-alive request).
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        # Behind TLS on the same machine; set FORWARDED_ALLOW_IPS for a proxy elsewhere.
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        access_log=get_settings().access_log,
        log_level="info",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from app.database import migrate
    from app.settings import get_settings

    settings = get_settings()
    asyncio.run(migrate())
    _serve(args.host or settings.host, args.port or settings.port, args.workers or settings.workers)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from app.database import migrate

    asyncio.run(migrate())
    print("Database is up to date.")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from app.auth.passwords import password_problem
    from app.database import migrate
    from app.roles import Role

    if args.role not in set(Role):
        print(f"Role must be one of: {', '.join(Role)}", file=sys.stderr)
        return 2
    asyncio.run(migrate())
    for _ in range(3):
        password = getpass.getpass("Password: ")
        problem = password_problem(password)
        if problem:
            print(problem, file=sys.stderr)
            continue
        if getpass.getpass("Password again: ") != password:
            print("The passwords do not match.", file=sys.stderr)
            continue
        break
    else:
        return 1
    return asyncio.run(_create_user(args, password))


async def _create_user(args: argparse.Namespace, password: str) -> int:
    """The same use case as the admin's "Add a person" form, acted by the command line."""
    from app.people import service as people

    team_id = None
    if args.team:
        team_id = await people.team_named(args.team)
        if team_id is None:
            print(f"No team area called {args.team}.", file=sys.stderr)
            return 1
    username = args.username.strip().lower()
    values = {
        "username": username,
        "display_name": args.name or username,
        "role": args.role,
        "collar_number": args.collar,
        "home_team": team_id,
        "teams": [],
        "password": password,
    }
    _, errors = await people.create(people.COMMAND_LINE, values)
    if errors:
        if errors.get("username") == people.USERNAME_TAKEN:
            errors["username"] = f"There is already a user called {username}."
        for message in errors.values():
            print(message, file=sys.stderr)
        return 1
    print(f"Created {username} ({args.role}).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # A fresh demo database of its own: the demo never touches BEATBOOK_DATABASE_URL's data.
    from app.settings import get_settings, var_dir

    path = str(var_dir() / "demo.sqlite3")  # made for its owner only, as settings make it
    os.environ["BEATBOOK_DATABASE_URL"] = f"sqlite:///{path}"
    from app.database import migrate, remove_sqlite_file
    from app.demo import load_all

    get_settings.cache_clear()
    settings = get_settings()
    password = settings.demo_password or secrets.token_urlsafe(9)
    remove_sqlite_file(path)

    async def build() -> None:
        await migrate()
        await load_all(password)

    asyncio.run(build())
    host, port = args.host or "127.0.0.1", args.port or 8000
    print("\n  Beatbook demo is ready (demo data, in var/demo.sqlite3).")
    print(f"  Open http://{host}:{port} and sign in as pcso, officer, volunteer, mentor,")
    print(f"  supervisor or admin, with the password: {password}\n", flush=True)
    _serve(host, port, 1)
    return 0


def cmd_import_crimes(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.crime.importer import CrimeImport
    from app.database import migrate

    async def run():
        await migrate()
        return await CrimeImport(quiet=args.quiet).run([Path(p) for p in args.paths])

    summary = asyncio.run(run())
    print("\n".join(summary.lines()))
    return 1 if summary.refused else 0


def cmd_import_incidents(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.crime.incidents import import_incidents
    from app.database import migrate

    async def run():
        await migrate()
        return await import_incidents(Path(args.path), quiet=args.quiet)

    summary = asyncio.run(run())
    print("\n".join(summary.lines()))
    return 1 if summary.refused else 0


def cmd_import_boundaries(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.boundaries.importer import import_boundaries
    from app.database import migrate

    async def run():
        await migrate()
        mapping = Path(args.mapping) if args.mapping else None
        paths = [Path(p) for p in args.paths]
        return await import_boundaries(paths, mapping, approximate=args.approximate)

    report = asyncio.run(run())
    print("\n".join(report.lines()))
    return 1 if report.refused else 0


def cmd_retention(args: argparse.Namespace) -> int:
    """What the retention schedule finds due (nothing changes), or with --apply, erase it."""
    from app.database import migrate
    from app.retention import service
    from app.retention.schedule import ScheduleError

    async def run():
        await migrate()
        if args.apply:
            return await service.apply(service.COMMAND_LINE)
        return await service.report(service.COMMAND_LINE)

    try:
        result = asyncio.run(run())
    except ScheduleError as error:
        print(error, file=sys.stderr)
        return 2
    if args.apply:
        print("Erased (personal fields blanked, tombstones kept; bulk kinds deleted):")
        for kind, count in result.items():
            print(f"  {kind:<18} {count:>7}")
        return 0
    print("Due under the retention schedule (nothing changed; --apply erases it):")
    for entry in result:
        print(f"  {entry.kind:<18} {entry.count:>7}  {entry.days} days from {entry.counted_from}")
        if args.list:
            for r in entry.records:
                print(f"    {r.kind} {r.id} dated {r.date:%Y-%m-%d}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="beatbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [
        ("serve", "migrate, then serve (BEATBOOK_HOST, BEATBOOK_PORT, BEATBOOK_WORKERS)"),
        ("demo", "a fresh demo database with demo data, then serve on 127.0.0.1:8000"),
    ]:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host")
        p.add_argument("--port", type=int)
        if name == "serve":
            p.add_argument("--workers", type=int)
    sub.add_parser("migrate", help="run the database migrations")
    p = sub.add_parser("create-user", help="add a person (asks for the password)")
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, help="pcso, officer, volunteer, mentor, supervisor or admin"
    )
    p.add_argument("--name", help="display name")
    p.add_argument("--collar", help="collar number")
    p.add_argument("--team", help="home team area, by name")
    p = sub.add_parser(
        "import-crimes", help="import data.police.uk street CSVs (files, folders or archive zip)"
    )
    p.add_argument("paths", nargs="+")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = sub.add_parser("import-incidents", help="import a force incident extract (see docs)")
    p.add_argument("path")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = sub.add_parser(
        "import-boundaries",
        help="attach boundaries (GeoJSON, police.uk neighbourhood files) to team areas",
    )
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--mapping", help="CSV: team,parts[,approximate] (parts: names or codes, ';')")
    p.add_argument("--approximate", action="store_true", help="mark these boundaries approximate")
    p = sub.add_parser(
        "retention", help="report what the retention schedule finds due (--apply erases it)"
    )
    p.add_argument("--apply", action="store_true", help="erase what is due")
    p.add_argument("--list", action="store_true", help="name each record due (kind, number, date)")
    return parser


COMMANDS = {
    "serve": cmd_serve,
    "migrate": cmd_migrate,
    "create-user": cmd_create_user,
    "demo": cmd_demo,
    "import-crimes": cmd_import_crimes,
    "import-incidents": cmd_import_incidents,
    "import-boundaries": cmd_import_boundaries,
    "retention": cmd_retention,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
