"""Notifications for taskings: the key, turning devices on and off, and notification actions."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.access import allow
from app.audit import Operation, record
from app.database import atomic
from app.routes.tasks import ROLES
from app.tables.taskings import PushMessage, PushSubscription, TaskingAssignment
from app.taskings import push_queue, service, vapid
from app.taskings.states import State
from app.web import page

ACTIONS = {"accept": State.ACCEPTED, "decline": State.DECLINED}


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


class TaskPushController(Controller):
    path = "/tasks/push"

    @get("/", opt=allow(ROLES))
    async def devices(self, request: Request, saved: str = "") -> Template:
        rows = (
            await PushSubscription.select(
                PushSubscription.id,
                PushSubscription.label,
                PushSubscription.created_at,
                PushSubscription.session,
            )
            .where(PushSubscription.person == request.user.id)
            .order_by(PushSubscription.created_at)
        )
        return page(
            "tasks/devices.html",
            devices=rows,
            session_id=request.user.session_id,
            saved=saved,
        )

    @get("/key", opt=allow(ROLES))
    async def key(self) -> dict:
        return {"key": await vapid.application_server_key()}

    @post("/subscriptions", opt=allow(ROLES), status_code=201)
    async def subscribe(self, request: Request) -> Response:
        """The page posts the browser's subscription (JSON, with the page's CSRF header)."""
        try:
            data = await request.json()
            endpoint = _text(data.get("endpoint"), 1000)
            keys = data.get("keys") or {}
            p256dh, auth = _text(keys.get("p256dh"), 200), _text(keys.get("auth"), 60)
        except (ValueError, AttributeError):
            endpoint = p256dh = auth = ""
        # Browsers' push services are all https; refusing anything else keeps the sender from
        # being pointed at plain-http services inside our own network.
        if not endpoint.startswith("https://") or not p256dh or not auth:
            return Response({"error": "Not a push subscription"}, status_code=400)
        label = request.headers.get("user-agent", "")[:120]
        async with atomic():
            # The same browser subscribing again replaces its old row (it may be a new person).
            await PushSubscription.delete().where(PushSubscription.endpoint == endpoint)
            sub = PushSubscription(
                person=request.user.id,
                session=request.user.session_id,
                endpoint=endpoint,
                p256dh=p256dh,
                auth=auth,
                label=label,
            )
            await sub.save()
            await record(request, Operation.COLLECTION, "push-subscription", sub.id)
        return Response({"id": sub.id}, status_code=201)

    @post("/subscriptions/{sub_id:int}/off", opt=allow(ROLES), status_code=303)
    async def turn_off(self, request: Request, sub_id: int) -> Redirect:
        deleted = (
            await PushSubscription.delete()
            .where((PushSubscription.id == sub_id) & (PushSubscription.person == request.user.id))
            .returning(PushSubscription.id)
        )
        if not deleted:
            raise NotFoundException()
        await record(request, Operation.ERASURE, "push-subscription", sub_id)
        return Redirect(path="/tasks/push?saved=off", status_code=303)

    @post("/action", opt=allow(ROLES) | {"exclude_from_csrf": True})
    async def action(self, request: Request) -> Response:
        """Accept or Decline pressed on a notification (posted by the service worker).

        The worker cannot read the page's CSRF token, so this route is exempt from the CSRF
        check and asks instead for the notification's own token: an HMAC of the message id that
        only travelled inside the encrypted push message, good for the person it was sent to,
        once. A cross-site form cannot know it; the session cookie (SameSite=Lax) is still needed.
        """
        try:
            data = await request.json()
            message_id, token = int(data.get("m")), _text(data.get("token"), 64)
            target = ACTIONS[data.get("action")]
        except (ValueError, TypeError, KeyError, AttributeError):
            return Response({"error": "Bad request"}, status_code=400)
        if not push_queue.token_matches(message_id, token):
            return Response({"error": "Not a valid notification"}, status_code=403)
        used = (
            await PushMessage.update({PushMessage.action_used: True})
            .where(
                (PushMessage.id == message_id)
                & (PushMessage.person == request.user.id)
                & (PushMessage.kind == "offer")
                & PushMessage.action_used.eq(False)
            )
            .returning(PushMessage.tasking)
        )
        if not used:
            return Response(
                {"error": "This notification is not yours or has been used"}, status_code=409
            )
        tasking_id = used[0]["tasking"]
        part = (
            await TaskingAssignment.select(TaskingAssignment.id)
            .where(
                (TaskingAssignment.tasking == tasking_id)
                & (TaskingAssignment.person == request.user.id)
            )
            .first()
        )
        try:
            result = await service.answer(request, part["id"], target)
        except service.Refused as exc:
            return Response({"error": str(exc), "url": f"/tasks/{tasking_id}"}, status_code=409)
        return Response({**result, "url": f"/tasks/{tasking_id}"}, status_code=200)
