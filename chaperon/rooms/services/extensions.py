"""More time in the room (SES-3): an extension is an exception. Within the policy's allowance
for the host (``host_extension_minutes``, in all) the host's reason is enough and the
approvers are emailed at once; beyond it the policy's approvers are asked (email, the
dashboard, the session's page) and decide it as any exception, and the room's clock moves the
end once one of them has approved, telling the room."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.people.selectors import staff_with_roles
from chaperon.policy.engine.describe import describe_approvers
from chaperon.policy.selectors import organisation_policy
from chaperon.sessions.models import ExceptionStatus, SessionException
from chaperon.sessions.services import live

from .. import broadcast
from ..models import Participant, Room, RoomExtension
from .common import audit, event, host_of, locked_room

Status = RoomExtension.Status


@logged
def room_extend(*, actor: User, session_id: int, minutes: int, reason: str) -> RoomExtension:
    """The host asks for ``minutes`` more, with a reason: granted at once within the policy's
    allowance for the host, otherwise asked of the policy's approvers (one request at a
    time). Either way the approvers are emailed now."""
    with transaction.atomic():
        room, host = host_of(session_id, actor)
        session = room.session
        if room.started_at is None or room.ends_at is None:
            raise ValidationFailed({"minutes": "the session has not started"})
        if room.extensions.filter(status=Status.PENDING).exists():
            raise ValidationFailed({"minutes": "more time is already waiting for an approver"})
        allowance = organisation_policy(session.organisation).host_extension_minutes
        used = room.extensions.filter(by_host=True).aggregate(used=Sum("minutes"))["used"] or 0
        if used + minutes <= allowance:
            exception = live.session_extension_by_host(
                actor=actor, session=session, minutes=minutes, reason=reason, allowance=allowance
            )
            extension = _extension(room, exception, minutes, by_host=True, status=Status.APPROVED)
            _move_the_end(room, extension, by=host, approver=actor.full_name)
        else:
            exception = live.session_extension_request(
                actor=actor, session=session, minutes=minutes, reason=reason
            )
            extension = _extension(room, exception, minutes, by_host=False, status=Status.PENDING)
            event(room, "extension_asked", by=host, text=reason.strip(), minutes=minutes)
            broadcast.room_changed(room.pk)
        _tell_approvers(room, extension, host_user=actor)
    return extension


def _extension(
    room: Room, exception: SessionException, minutes: int, *, by_host: bool, status: str
) -> RoomExtension:
    now = timezone.now()
    return RoomExtension.objects.create(
        room=room,
        exception=exception,
        minutes=minutes,
        by_host=by_host,
        asked_at=now,
        status=status,
        settled_at=now if status != Status.PENDING else None,
    )


def _move_the_end(
    room: Room, extension: RoomExtension, *, by: Participant | None, approver: str
) -> None:
    room.ends_at = (room.ends_at or timezone.now()) + timedelta(minutes=extension.minutes)
    room.warned_at = None
    room.save(update_fields=["ends_at", "warned_at"])
    event(
        room,
        "extended",
        by=by,
        text=extension.exception.reason,
        minutes=extension.minutes,
        approved_by=approver,
        exception=extension.exception_id,
    )
    broadcast.room_changed(room.pk)


def _tell_approvers(room: Room, extension: RoomExtension, *, host_user: User) -> None:
    session = room.session
    roles = organisation_policy(session.organisation).exception_approvers
    context = {
        "session": session,
        "extension": extension,
        "host": host_user,
        "ends_at": f"{(room.ends_at or session.end).astimezone(session.organisation.zone):%H:%M}",
        "link": absolute_url(reverse("sessions:detail", args=[session.pk])),
    }
    template = "by_host" if extension.by_host else "request"
    subject = (
        f"Live session extended by the host: {session.title}"
        if extension.by_host
        else f"Approve more time now? {session.title} is under way"
    )
    for user in staff_with_roles(session.organisation_id, roles):
        if user.pk == host_user.pk:
            continue
        queue_email(
            to=user.email,
            subject=subject,
            text=render_to_string(f"rooms/email/extension_{template}.txt", context),
            purpose="room_extension",
            obj=session,
        )


def settle_extensions(room: Room) -> None:
    """Act on the decision of an extension the approvers were asked for, wherever it was
    made: approved, the room's end moves; refused (or withdrawn), the host is told. Safe to
    call from several processes at once: each decision is acted on once."""
    for extension in room.extensions.filter(status=Status.PENDING).select_related(
        "exception__decided_by"
    ):
        decided = extension.exception.status
        if decided == ExceptionStatus.PENDING:
            continue
        with transaction.atomic():
            locked = locked_room(room.pk)
            status = Status.APPROVED if decided == ExceptionStatus.APPROVED else Status.REFUSED
            if locked.ended_at is not None or not RoomExtension.objects.filter(
                pk=extension.pk, status=Status.PENDING
            ).update(status=status, settled_at=timezone.now()):
                continue
            approver = extension.exception.decided_by
            name = approver.full_name if approver else "an approver"
            if status == Status.APPROVED:
                _move_the_end(locked, extension, by=None, approver=name)
                audit(
                    AuditAction.ROOM_EXTENDED,
                    locked,
                    None,
                    data={
                        "minutes": extension.minutes,
                        "exception": extension.exception_id,
                        "approved_by": approver.pk if approver else None,
                    },
                )
            else:
                event(
                    locked,
                    "extension_refused",
                    text=extension.exception.decision_reason,
                    minutes=extension.minutes,
                    refused_by=name,
                )
                broadcast.room_changed(locked.pk)


def lapse_extensions(room: Room) -> None:
    """The room ended with more time still waiting for an approver: it lapses."""
    room.extensions.filter(status=Status.PENDING).update(
        status=Status.LAPSED, settled_at=timezone.now()
    )


def extension_view(room: Room) -> dict[str, object] | None:
    """The latest extension, as the host's page shows it."""
    extension = room.extensions.select_related("exception__decided_by").order_by("-id").first()
    if extension is None:
        return None
    decided_by = extension.exception.decided_by
    policy = organisation_policy(room.session.organisation)
    return {
        "minutes": extension.minutes,
        "status": extension.status,
        "by_host": extension.by_host,
        "approvers": describe_approvers(policy),
        "decided_by": decided_by.full_name if decided_by else "",
        "decision_reason": "" if extension.by_host else extension.exception.decision_reason,
    }
