"""The devices a person gets tasking notifications on: turning them on and off, and the
Accept or Decline pressed on a notification."""

from __future__ import annotations

from app.actor import Actor
from app.audit import Operation, record
from app.database import atomic
from app.outcomes import NotAllowed, NotFound, Refused
from app.tables.taskings import PushMessage, PushSubscription
from app.taskings import push_queue, service
from app.taskings.push_endpoints import EndpointRefused, check_endpoint
from app.taskings.states import State


async def devices(actor: Actor) -> list[dict]:
    """The actor's devices with notifications on, oldest first."""
    return (
        await PushSubscription.select(
            PushSubscription.id,
            PushSubscription.label,
            PushSubscription.created_at,
            PushSubscription.session,
        )
        .where(PushSubscription.person == actor.id)
        .order_by(PushSubscription.created_at)
    )


async def subscribe(actor: Actor, endpoint: str, p256dh: str, auth: str, label: str = "") -> int:
    """Notifications on for this browser (ending with the actor's session); returns its id.
    The same browser subscribing again replaces its old row (it may be a new person).
    Raises EndpointNotAllowed for an endpoint that is not https or names a non-public address."""
    try:
        check_endpoint(endpoint)
    except EndpointRefused as exc:
        raise EndpointNotAllowed(str(exc)) from exc
    async with atomic():
        await PushSubscription.delete().where(PushSubscription.endpoint == endpoint)
        sub = PushSubscription(
            person=actor.id,
            session=actor.session_id,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            label=label[:120],
        )
        await sub.save()
        await record(actor, Operation.COLLECTION, "push-subscription", sub.id)
    return sub.id


async def turn_off(actor: Actor, subscription_id: int) -> None:
    """Notifications off for one of the actor's devices; raises NotFound if it is not theirs."""
    async with atomic():
        deleted = (
            await PushSubscription.delete()
            .where((PushSubscription.id == subscription_id) & (PushSubscription.person == actor.id))
            .returning(PushSubscription.id)
        )
        if not deleted:
            raise NotFound(subscription_id)
        await record(actor, Operation.ERASURE, "push-subscription", subscription_id)


class EndpointNotAllowed(Refused):
    """The subscription's endpoint is not one the sender may send to (the message says why)."""


class NotificationUsed(Refused):
    """The notification is not the actor's, not an offer, or its button was pressed already."""


class AnswerRefused(Refused):
    """The answer a notification's button gave cannot be taken (the tasking's id with it)."""

    def __init__(self, message: str, tasking_id: int) -> None:
        super().__init__(message)
        self.tasking_id = tasking_id


async def act_on_notification(
    actor: Actor, message_id: int, token: str, target: State
) -> tuple[int, dict]:
    """Accept or Decline pressed on an offer's notification: (the tasking's id, the answer).

    The token is an HMAC of the message id that only travelled inside the encrypted push
    message: good for the person it was sent to, once (used even if the answer is refused).
    Raises NotAllowed (not a valid token), NotificationUsed, or AnswerRefused."""
    if not push_queue.token_matches(message_id, token):
        raise NotAllowed("Not a valid notification")
    async with atomic():
        used = (
            await PushMessage.update({PushMessage.action_used: True})
            .where(
                (PushMessage.id == message_id)
                & (PushMessage.person == actor.id)
                & (PushMessage.kind == "offer")
                & PushMessage.action_used.eq(False)
            )
            .returning(PushMessage.tasking)
        )
        if not used:
            raise NotificationUsed("This notification is not yours or has been used")
        tasking_id = used[0]["tasking"]
    try:
        return tasking_id, await service.answer_tasking(actor, tasking_id, target)
    except Refused as exc:
        raise AnswerRefused(str(exc), tasking_id) from exc
