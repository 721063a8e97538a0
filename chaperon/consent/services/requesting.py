"""Asking for consent: requests to each person who answers for a learner, in bulk for a
group, and reminders for requests left unanswered."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.models import DeliveryStatus
from chaperon.core.service_log import logged
from chaperon.people.models import Guardian, Learner, User
from chaperon.people.roles import Permission
from chaperon.people.selectors import organisation_today

from .. import conf, links, notices
from ..answerers import answerers_of
from ..models import (
    DEFAULT_REMINDER_INTERVAL_DAYS,
    ConsentAccess,
    ConsentEvidence,
    ConsentRequest,
    ConsentSettings,
    Purpose,
    RequestStatus,
    StatementVersion,
)
from ..permissions import require, require_same_organisation
from .statements import statement_current

OPEN_STATUSES = (RequestStatus.AWAITING, RequestStatus.NEEDS_OTHER_CHANNEL)


def check_purposes(purposes: Sequence[str]) -> list[str]:
    unknown = sorted(set(purposes) - set(Purpose.values))
    if unknown:
        raise ValidationFailed({"purposes": f"{unknown[0]} is not a consent purpose"})
    if not purposes:
        raise ValidationFailed({"purposes": "choose at least one thing to ask about"})
    return [purpose for purpose in Purpose.values if purpose in purposes]


@dataclass(frozen=True)
class _Recipient:
    guardian: Guardian | None
    name: str
    email: str


def _recipients(
    learner: Learner, *, guardian_ids: Sequence[int] | None, learner_email: str
) -> list[_Recipient]:
    who = answerers_of(learner, today=organisation_today(learner.organisation))
    if who.learner_answers:
        email = (learner_email.strip() or learner.email).lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed(
                {
                    "learner_email": f"{learner.full_name} is an adult and answers for "
                    "themself: give their own email address"
                }
            ) from None
        return [_Recipient(None, learner.full_name, email)]
    guardians = who.guardians
    if guardian_ids is not None:
        unknown = set(guardian_ids) - {guardian.pk for guardian in guardians}
        if unknown:
            raise ValidationFailed({"guardians": f"someone chosen cannot answer. {who.rule}"})
        guardians = [guardian for guardian in guardians if guardian.pk in guardian_ids]
    if not guardians:
        raise ValidationFailed(
            {
                "guardians": f"nobody can be asked. {who.rule} Record one on the learner's "
                "page first, or choose at least one."
            }
        )
    return [_Recipient(g, g.full_name, g.email.strip().lower()) for g in guardians]


def _send_one(
    *,
    actor: User | SystemActor,
    learner: Learner,
    recipient: _Recipient,
    purposes: list[str],
    statement: StatementVersion,
    reason: str,
) -> ConsentRequest:
    now = timezone.now()
    # A newer request to the same person replaces the older one, and its personal links.
    same_person = {"guardian": recipient.guardian}
    ConsentAccess.objects.filter(learner=learner, revoked_at__isnull=True, **same_person).update(
        revoked_at=now
    )
    ConsentRequest.objects.filter(learner=learner, status__in=OPEN_STATUSES, **same_person).update(
        status=RequestStatus.SUPERSEDED
    )
    access = ConsentAccess.objects.create(
        organisation_id=learner.organisation_id,
        learner=learner,
        guardian=recipient.guardian,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        purposes=purposes,
        nonce=links.new_nonce(),
    )
    consent_request = ConsentRequest.objects.create(
        organisation_id=learner.organisation_id,
        learner=learner,
        guardian=recipient.guardian,
        to_learner=recipient.guardian is None,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        purposes=purposes,
        statement=statement,
        access=access,
        status=RequestStatus.AWAITING if recipient.email else RequestStatus.NEEDS_OTHER_CHANNEL,
        nonce=links.new_nonce(),
        created_by=actor if isinstance(actor, User) else None,
        reason=reason,
        expires_at=now + timedelta(days=conf.link_days()),
        last_emailed_at=now if recipient.email else None,
    )
    if recipient.email:
        consent_request.email_delivery = notices.queue_request_email(
            consent_request, reminder=False
        )
        consent_request.save(update_fields=["email_delivery", "updated_at"])
    record(
        action=AuditAction.CONSENT_REQUEST_SENT
        if recipient.email
        else AuditAction.CONSENT_REQUEST_NEEDS_OTHER_CHANNEL,
        actor=actor,
        obj=consent_request,
        reason=reason,
        data={
            "learner": learner.pk,
            "guardian": recipient.guardian.pk if recipient.guardian else None,
            "purposes": purposes,
            "statement": statement.number,
            "statement_sha256": statement.sha256,
        },
    )
    return consent_request


@logged
def consent_request_send(
    *,
    actor: User | SystemActor,
    learner: Learner,
    purposes: Sequence[str],
    guardian_ids: Sequence[int] | None = None,
    learner_email: str = "",
    reason: str = "",
) -> list[ConsentRequest]:
    """Ask each person who answers for ``learner`` (those of ``guardian_ids`` only, if given).
    A guardian with no email address gets a request marked "needs another channel" and no
    email: staff then ask by phone or on paper and record the answer."""
    require(actor, Permission.VIEW_AND_REQUEST_CONSENT)
    require_same_organisation(actor, learner.organisation_id)
    chosen = check_purposes(purposes)
    recipients = _recipients(learner, guardian_ids=guardian_ids, learner_email=learner_email)
    with transaction.atomic():
        statement = statement_current(organisation=learner.organisation)
        return [
            _send_one(
                actor=actor,
                learner=learner,
                recipient=recipient,
                purposes=chosen,
                statement=statement,
                reason=reason.strip(),
            )
            for recipient in recipients
        ]


@dataclass
class BulkOutcome:
    emailed: list[ConsentRequest] = field(default_factory=list)
    needs_other_channel: list[ConsentRequest] = field(default_factory=list)
    skipped: list[tuple[Learner, str]] = field(default_factory=list)


@logged
def consent_requests_send_bulk(
    *,
    actor: User,
    learner_ids: Sequence[int],
    purposes: Sequence[str],
    reason: str = "",
) -> BulkOutcome:
    """Ask for every learner chosen (of the actor's organisation). A learner who cannot be
    asked this way (no parent recorded, an adult needing their own address) is skipped and
    listed; the rest are asked, together."""
    require(actor, Permission.VIEW_AND_REQUEST_CONSENT)
    chosen = check_purposes(purposes)
    learners = list(
        Learner.objects.select_related("organisation").filter(
            organisation_id=actor.organisation_id, pk__in=list(learner_ids)
        )
    )
    if not learners:
        raise ValidationFailed({"learners": "choose at least one learner"})
    outcome = BulkOutcome()
    with transaction.atomic():
        for learner in learners:
            try:
                sent = consent_request_send(
                    actor=actor, learner=learner, purposes=chosen, reason=reason
                )
            except ValidationFailed as error:
                outcome.skipped.append((learner, next(iter(error.errors.values()))))
                continue
            for consent_request in sent:
                if consent_request.status == RequestStatus.AWAITING:
                    outcome.emailed.append(consent_request)
                else:
                    outcome.needs_other_channel.append(consent_request)
    return outcome


def _reminder_due(
    consent_request: ConsentRequest, *, now: datetime, intervals: dict[int, int]
) -> bool:
    days = intervals.get(consent_request.organisation_id, DEFAULT_REMINDER_INTERVAL_DAYS)
    last = consent_request.last_emailed_at
    return last is not None and last <= now - timedelta(days=days)


@logged
def consent_reminders_send() -> int:
    """Remind each person whose request is unanswered and still open, at most once every
    ``reminder_interval_days`` (per organisation). Nothing is sent once the learner has an
    answer since the request, once the link has expired, or to an address that bounced.
    Safe to run as often as you like, from several places at once: each reminder is claimed
    with a conditional UPDATE first."""
    now = timezone.now()
    candidates = list(
        ConsentRequest.objects.filter(status=RequestStatus.AWAITING, expires_at__gt=now)
        .exclude(recipient_email="")
        .exclude(email_delivery__status=DeliveryStatus.REFUSED)
        .select_related("organisation", "learner", "access", "statement")
    )
    intervals = dict(
        ConsentSettings.objects.values_list("organisation_id", "reminder_interval_days")
    )
    last_answers = dict(
        ConsentEvidence.objects.filter(learner_id__in={r.learner_id for r in candidates})
        .values("learner_id")
        .annotate(latest=Max("answered_at"))
        .values_list("learner_id", "latest")
    )
    sent = 0
    for consent_request in candidates:
        answered_since = last_answers.get(consent_request.learner_id)
        if answered_since is not None and answered_since >= consent_request.created_at:
            continue
        if _reminder_due(consent_request, now=now, intervals=intervals) and _remind(
            consent_request, now=now
        ):
            sent += 1
    return sent


def _remind(consent_request: ConsentRequest, *, now: datetime) -> bool:
    with transaction.atomic():
        claimed = ConsentRequest.objects.filter(
            pk=consent_request.pk,
            status=RequestStatus.AWAITING,
            last_emailed_at=consent_request.last_emailed_at,
        ).update(last_emailed_at=now, reminders_sent=F("reminders_sent") + 1)
        if claimed != 1:
            return False
        delivery = notices.queue_request_email(consent_request, reminder=True)
        ConsentRequest.objects.filter(pk=consent_request.pk).update(email_delivery=delivery)
        record(
            action=AuditAction.CONSENT_REMINDER_SENT,
            obj=consent_request,
            reason="No answer yet",
            data={
                "learner": consent_request.learner_id,
                "reminder": consent_request.reminders_sent + 1,
            },
        )
    return True
