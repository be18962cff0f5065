"""Signing in and out: parse the form, call the use case, answer (and set the cookie)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app import navigation
from app.access import PUBLIC, allow
from app.actor import actor_for
from app.auth.forms import ChangePasswordForm, SignInForm
from app.auth.own_password import change_own_password, must_change
from app.auth.sessions import (
    COOKIE_NAME,
    DEVICE_COOKIE,
    cookie_is_secure,
    device_cookie,
    session_cookie,
)
from app.auth.signing_in import sign_in, sign_out
from app.forms import FormErrors
from app.headers import CLEAR_ALL
from app.roles import EVERYONE
from app.web import Acting, Form, page

# In the account menu (and a desk's side bar): everyone changes their own password there.
NAV = navigation.register("Change password", "auth:password", "people", 95, primary=False)


def safe_next(target: str | None) -> str:
    """Only ever go back to a path on this site after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _again(target: str, username: str, errors: FormErrors, status: int = 400) -> Template:
    return page(
        "auth/login.html",
        status_code=status,
        next=target,
        signed_out=False,
        errors=errors,
        values={"username": username},
    )


async def _password_page(actor, errors: FormErrors, status: int = 200) -> Template:
    return page(
        "auth/password.html",
        status_code=status,
        errors=errors,
        forced=await must_change(actor),
    )


class AuthController(Controller):
    path = "/"

    # The request is needed for the cookie (whether to set it Secure), the address and the
    # browser's name: HTTP things. Signed-out people have no Actor.
    @get("/login", opt=PUBLIC, name="auth:login")
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

    @post("/login", opt=PUBLIC, status_code=303, name="auth:sign_in")
    async def login(self, request: Request, data: Form) -> Any:
        values, errors = SignInForm.parse(data)
        target = safe_next(values["next"])
        if errors:
            return _again(target, values["username"], errors)
        address = request.client.host if request.client else ""
        outcome = await sign_in(
            values["username"],
            values["password"],
            address,
            request.headers.get("user-agent", ""),
            device=request.cookies.get(DEVICE_COOKIE),
            # Whoever is signed in in this browser now: their session ends if this succeeds.
            replacing=actor_for(request.user, address=address) if request.user else None,
        )
        if outcome.token is None:
            status = 429 if outcome.limited else 400  # too many attempts, or a wrong password
            return _again(target, values["username"], outcome.errors, status=status)
        response = Redirect(path=target, status_code=303)
        secure = cookie_is_secure(request.url.scheme)
        response.set_cookie(session_cookie(outcome.token, secure))
        if outcome.device:
            response.set_cookie(device_cookie(outcome.device, secure))
        return response

    @post("/logout", opt=PUBLIC, status_code=303, name="auth:sign_out")
    async def logout(self, request: Request) -> Redirect:
        # Public (a stale page may post it signed out), so the Actor is made only when signed in.
        if request.user is not None:
            address = request.client.host if request.client else ""
            await sign_out(actor_for(request.user, address=address))
        # Nothing of the session stays in this browser: its caches, IndexedDB (the outbox, the
        # kept pages) and the service worker go (app.js does the same by script, and sign-out
        # warns first about records not yet sent: README, "What stays on the phone").
        response = Redirect(
            path="/login?signed_out=true",
            status_code=303,
            headers={"clear-site-data": CLEAR_ALL},
        )
        response.delete_cookie(COOKIE_NAME, path="/")
        return response

    # Open while joining too: a volunteer whose password was reset changes it before anything.
    @get("/account/password", opt=allow(EVERYONE, while_joining=True), name="auth:password")
    async def password_page(self, actor: Acting, changed: FromQuery[bool] = False) -> Template:
        return page(
            "auth/password.html",
            errors=FormErrors(),
            forced=await must_change(actor),
            changed=changed,
        )

    @post(
        "/account/password",
        opt=allow(EVERYONE, while_joining=True),
        status_code=303,
        name="auth:change_password",
    )
    async def change_password(self, actor: Acting, data: Form) -> Any:
        values, errors = ChangePasswordForm.parse(data)
        if not errors:
            errors = await change_own_password(actor, values["current"], values["new"])
        if errors:
            return await _password_page(actor, errors, status=400)
        return Redirect(path="/account/password?changed=true", status_code=303)
