"""Notifications for taskings: the key, turning devices on and off, and notification actions."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.access import allow
from app.outcomes import NotAllowed
from app.routes.taskings import TASKED
from app.taskings import devices, forms, vapid
from app.web import Acting, json_body, page


async def _json(request: Request) -> object:
    return await json_body(request)


class TaskingsPushController(Controller):
    path = "/tasks/push"

    @get("/", opt=allow(TASKED), name="taskings:devices")
    async def list_devices(self, actor: Acting, saved: FromQuery[str] = "") -> Template:
        return page(
            "taskings/devices.html",
            devices=await devices.devices(actor),
            session_id=actor.session_id,
            saved=saved,
        )

    @get("/key", opt=allow(TASKED), name="taskings:key")
    async def key(self) -> dict:
        return {"key": await vapid.application_server_key()}

    @post("/subscriptions", opt=allow(TASKED), status_code=201, name="taskings:subscribe")
    async def subscribe(self, request: Request, actor: Acting) -> Response:
        """The page posts the browser's subscription (JSON, with the page's CSRF header)."""
        found = forms.subscription(await _json(request))
        if found is None:
            return Response({"error": "Not a push subscription"}, status_code=400)
        label = request.headers.get("user-agent", "")
        try:
            sub_id = await devices.subscribe(actor, *found, label=label)
        except devices.EndpointNotAllowed as exc:
            return Response({"error": str(exc)}, status_code=400)
        return Response({"id": sub_id}, status_code=201)

    @post(
        "/subscriptions/{sub_id:int}/off",
        opt=allow(TASKED),
        status_code=303,
        name="taskings:turn_off",
    )
    async def turn_off(self, actor: Acting, sub_id: FromPath[int]) -> Redirect:
        await devices.turn_off(actor, sub_id)
        return Redirect(path="/tasks/push?saved=off", status_code=303)

    @post("/action", opt=allow(TASKED) | {"exclude_from_csrf": True}, name="taskings:action")
    async def action(self, request: Request, actor: Acting) -> Response:
        """Accept or Decline pressed on a notification (posted by the service worker).

        The worker cannot read the page's CSRF token, so this route is exempt from the CSRF
        check and asks instead for the notification's own token: an HMAC of the message id that
        only travelled inside the encrypted push message, good for the person it was sent to,
        once. A cross-site form cannot know it; the session cookie (SameSite=Lax) is still needed.
        """
        found = forms.notification_action(await _json(request))
        if found is None:
            return Response({"error": "Bad request"}, status_code=400)
        try:
            tasking_id, result = await devices.act_on_notification(actor, *found)
        except NotAllowed as exc:
            return Response({"error": str(exc)}, status_code=403)
        except devices.NotificationUsed as exc:
            return Response({"error": str(exc)}, status_code=409)
        except devices.AnswerRefused as exc:
            url = f"/tasks/{exc.tasking_id}"
            return Response({"error": str(exc), "url": url}, status_code=409)
        return Response({**result, "url": f"/tasks/{tasking_id}"}, status_code=200)
