"""Signing in and out."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app.access import PUBLIC
from app.audit import Operation, record
from app.auth import limits
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.sessions import (
    COOKIE_NAME,
    cookie_is_secure,
    end_session,
    session_cookie,
    start_session,
)
from app.settings import get_settings
from app.tables.people import Person
from app.web import Form, FormErrors, page

FAILED = "Enter a correct username and password"


def limited_message() -> str:
    minutes = get_settings().signin_window_minutes
    return (
        f"Too many failed attempts to sign in. Wait {minutes} minutes and try again, "
        "or ask your supervisor to reset your password."
    )


def safe_next(target: str | None) -> str:
    """Only ever go back to a path on this site after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class AuthController(Controller):
    path = "/"

    @get("/login", opt=PUBLIC)
    async def login_page(
        self, request: Request, next: FromQuery[str] = "/", signed_out: FromQuery[bool] = False
    ) -> Any:
        if request.user is not None and not signed_out:
            return Redirect(path=safe_next(next), status_code=303)
        return page(
            "auth/login.html",
            next=safe_next(next),
            signed_out=signed_out,
            errors=FormErrors(),
            values={},
        )

    @post("/login", opt=PUBLIC, status_code=303)
    async def login(self, request: Request, data: Form) -> Any:
        username = str(data.get("username", "")).strip().lower()[:60]
        password = str(data.get("password", ""))
        target = safe_next(str(data.get("next", "/")))
        errors = FormErrors()
        if not username:
            errors.add("username", "Enter your username")
        if not password:
            errors.add("password", "Enter your password")
        if errors:
            return self._again(target, username, errors)

        address = request.client.host if request.client else ""
        if await limits.is_limited(username, address):
            await record(
                None,
                Operation.SIGN_IN_FAILED,
                "person",
                "",
                username=username,
                address=address,
                detail="refused: too many failed attempts",
            )
            return self._again(target, username, FormErrors(username=limited_message()), status=429)

        person = await Person.objects().where(Person.username == username).first()
        ok = verify_password(person.password_hash if person else None, password)
        if not ok or person is None or not person.active:
            await limits.record_failure(username, address)
            await record(
                None,
                Operation.SIGN_IN_FAILED,
                "person",
                person.id if person else "",
                username=username,
                address=address,
                detail="inactive account" if (ok and person and not person.active) else "",
            )
            return self._again(target, username, FormErrors(username=FAILED))

        await limits.clear_account(username)
        if needs_rehash(person.password_hash):
            await Person.update({Person.password_hash: hash_password(password)}).where(
                Person.id == person.id
            )
        token = await start_session(person.id, request.headers.get("user-agent", ""))
        await record(
            None, Operation.SIGN_IN, "person", person.id, username=username, address=address
        )
        response = Redirect(path=target, status_code=303)
        response.set_cookie(session_cookie(token, cookie_is_secure(request.url.scheme)))
        return response

    @staticmethod
    def _again(target: str, username: str, errors: FormErrors, status: int = 400) -> Template:
        return page(
            "auth/login.html",
            status_code=status,
            next=target,
            signed_out=False,
            errors=errors,
            values={"username": username},
        )

    @post("/logout", opt=PUBLIC, status_code=303)
    async def logout(self, request: Request) -> Redirect:
        user = request.user
        if user is not None:
            await end_session(user.session_id)
            await record(request, Operation.SIGN_OUT, "person", user.id)
        response = Redirect(path="/login?signed_out=true", status_code=303)
        response.delete_cookie(COOKIE_NAME, path="/")
        return response
