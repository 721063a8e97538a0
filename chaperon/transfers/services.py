"""Every change to file transfers (INC-8, LOG-2). Each checks permission, runs in one
transaction and writes its audit events; emails are queued in the same transaction and sent
once it commits.

The sender's concerns are read through ``concerns.transfer_file`` and never changed: the
sending school keeps its file for as long as the retention schedule says. The receiving
school's copy is written through the same module, as new concerns of its own.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.concerns.transfer_file import (
    TransferFile,
    checked_file,
    concerns_receive_transferred,
    file_for_transfer,
)
from chaperon.core.actors import SYSTEM
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.people.models import Learner, Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.people.selectors import staff_granted
from chaperon.people.services import learner_create

from .models import Method, PackageImport, ReceivedConcern, Transfer, TransferStatus
from .package import PackageRefused, digest, new_passphrase, open_package, seal
from .schooldays import receipt_due

PERMISSION = Permission.TRANSFER_CHILD_PROTECTION_FILES
TEXT_MAX = 200
REASON_MAX = 2000
PACKAGE_MAX_BYTES = 50 * 1024 * 1024


def _email(to: list[str], *, subject: str, template: str, context: dict[str, object]) -> None:
    text = render_to_string(template, context)
    for address in dict.fromkeys(address.lower() for address in to if address):
        queue_email(
            to=address,
            subject=subject,
            text=text,
            purpose="file_transfer",
            organisation_id=int(str(context["organisation_id"])),
        )


def _link(transfer: Transfer) -> str:
    return absolute_url(reverse("transfers:detail", args=[transfer.pk]))


def _learner_here(actor: User, learner_id: int) -> Learner:
    learner = Learner.objects.filter(pk=learner_id, organisation_id=actor.organisation_id).first()
    if learner is None:
        raise NotFound("No such learner.")
    return learner


def _one_line(value: str, field: str, needed: str, limit: int = TEXT_MAX) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed({field: needed})
    if len(value) > limit or "\n" in value:
        raise ValidationFailed({field: f"keep this to one line of {limit} characters"})
    return value


def _new_transfer(actor: User, copied: TransferFile, **fields: object) -> Transfer:
    return Transfer.objects.create(
        organisation_id=actor.organisation_id,
        learner=copied.learner,
        sent_by=actor,
        sent_at=timezone.now(),
        concern_count=copied.concern_count,
        content_sha256=digest(copied.content),
        **fields,
    )


def _record_sent(actor: User, transfer: Transfer) -> None:
    record(
        action=AuditAction.TRANSFER_SENT,
        actor=actor,
        obj=transfer,
        data={
            "transfer": transfer.pk,
            "learner": transfer.learner_id,
            "method": transfer.method,
            "to": transfer.receiving_organisation_id,
            "concerns": transfer.concern_count,
            "content_sha256": transfer.content_sha256,
        },
    )


@logged
def transfer_send_direct(
    *, actor: User, learner_id: int, receiving_organisation_id: int
) -> Transfer:
    """Send the learner's file to another organisation on Chaperon; its DSL and deputies are
    told by email (which names neither the child nor the school's concerns)."""
    require(actor, PERMISSION)
    receiving = Organisation.objects.filter(pk=receiving_organisation_id).first()
    if receiving is None or receiving.pk == actor.organisation_id:
        raise ValidationFailed(
            {"receiving_organisation": "choose the new school from the search results"}
        )
    with transaction.atomic():
        copied = file_for_transfer(actor, learner_id)
        if Transfer.objects.filter(
            learner=copied.learner, receiving_organisation=receiving, status=TransferStatus.SENT
        ).exists():
            raise ValidationFailed(
                {"receiving_organisation": "this file is already waiting for that school"}
            )
        transfer = _new_transfer(
            actor,
            copied,
            method=Method.DIRECT,
            receiving_organisation=receiving,
            receiving_school=receiving.name,
            content=copied.content,
        )
        _email(
            [user.email for user in staff_granted(receiving.pk, PERMISSION)],
            subject="A child protection file has been sent to you",
            template="transfers/email/incoming.txt",
            context={
                "organisation_id": receiving.pk,
                "sender": actor.organisation.name,
                "link": _link(transfer),
            },
        )
        _record_sent(actor, transfer)
    return transfer


@dataclass(frozen=True)
class Sealed:
    transfer: Transfer
    passphrase: str  # shown once to the sender, never stored


@logged
def transfer_send_package(*, actor: User, learner_id: int, receiving_school: str) -> Sealed:
    """Seal the learner's file in an encrypted package for a school not on Chaperon. The
    passphrase is returned for the sender to see once; only the time it was given is kept."""
    require(actor, PERMISSION)
    receiving_school = _one_line(
        receiving_school, "receiving_school", "name the school the file is going to"
    )
    passphrase = new_passphrase()
    with transaction.atomic():
        copied = file_for_transfer(actor, learner_id)
        now = timezone.now()
        manifest = {
            "from": actor.organisation.name,
            "to": receiving_school,
            "learner": copied.learner.full_name,
            "concerns": copied.concern_count,
            "sent_by": actor.full_name,
            "sent_at": now.isoformat(),
        }
        transfer = _new_transfer(
            actor,
            copied,
            method=Method.PACKAGE,
            receiving_school=receiving_school,
            package=seal(manifest, copied.content, passphrase),
            passphrase_issued_at=now,
        )
        _record_sent(actor, transfer)
    return Sealed(transfer, passphrase)


def _incoming(actor: User, transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update()
        .filter(
            pk=transfer_id, receiving_organisation_id=actor.organisation_id, method=Method.DIRECT
        )
        .first()
    )
    if transfer is None:
        raise NotFound("No such transfer.")
    if not transfer.awaiting:
        raise ValidationFailed({"decision": "this file has already been accepted or declined"})
    return transfer


def _matching_learner(organisation_id: int, learner: dict[str, str]) -> Learner | None:
    """The one learner here with the same names and date of birth, if there is exactly one."""
    try:
        born = date.fromisoformat(str(learner.get("date_of_birth", "")))
    except ValueError:
        return None
    found = list(
        Learner.objects.filter(
            organisation_id=organisation_id,
            first_name__iexact=str(learner.get("first_name", "")).strip(),
            last_name__iexact=str(learner.get("last_name", "")).strip(),
            date_of_birth=born,
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _receiving_learner(actor: User, about: object, learner_id: int | None) -> Learner:
    """The learner chosen here, or a new record made from the details the file came with."""
    if learner_id is not None:
        return _learner_here(actor, learner_id)
    if not isinstance(about, dict):
        raise ValidationFailed({"package": "the file does not say whom it is about"})
    try:
        born = datetime.fromisoformat(str(about.get("date_of_birth"))).date()
    except ValueError:
        raise ValidationFailed({"package": "the file's date of birth is not a date"}) from None
    return learner_create(
        actor=actor,
        organisation=actor.organisation,
        first_name=str(about.get("first_name", "")),
        last_name=str(about.get("last_name", "")),
        date_of_birth=born,
        year_group=str(about.get("year_group", ""))[:50],
    )


@logged
def transfer_accept(*, actor: User, transfer_id: int, learner_id: int | None) -> Transfer:
    """The receiving DSL (or a deputy) accepts a file sent to their organisation: its concerns
    are written onto ``learner_id``'s file (or a new learner's, made from the file's details,
    when it is None), with their history. Both organisations' audit chains record it and the
    sender is told."""
    require(actor, PERMISSION)
    with transaction.atomic():
        transfer = _incoming(actor, transfer_id)
        content = transfer.content or {}
        learner = _receiving_learner(actor, content.get("learner"), learner_id)
        sender = transfer.organisation.name
        written = concerns_receive_transferred(
            actor=actor, learner=learner, content=content, sender=sender
        )
        ReceivedConcern.objects.bulk_create(
            ReceivedConcern(
                transfer=transfer,
                concern_id=concern.pk,
                original_reference=original["reference"],
                sending_school=sender,
            )
            for concern, original in zip(written, content["concerns"], strict=True)
        )
        now = timezone.now()
        transfer.status, transfer.received_learner = TransferStatus.RECEIVED, learner
        transfer.decided_by, transfer.decided_at = actor, now
        transfer.received_at, transfer.received_by_name = now, actor.full_name
        transfer.receipt_how = "Accepted on Chaperon"
        transfer.content = None  # now the receiving school's own records; its digest stays
        transfer.save()
        _tell_sender(transfer, accepted=True)
        _record_decision(actor, transfer, AuditAction.TRANSFER_ACCEPTED, concerns=len(written))
    return transfer


def _tell_sender(transfer: Transfer, *, accepted: bool) -> None:
    to = [transfer.sent_by.email] if transfer.sent_by.is_active else []
    to = to or [user.email for user in staff_granted(transfer.organisation_id, PERMISSION)]
    verb = "received" if accepted else "declined"
    _email(
        to,
        subject=f"The child protection file you sent was {verb}",
        template="transfers/email/decided.txt",
        context={
            "organisation_id": transfer.organisation_id,
            "transfer": transfer,
            "accepted": accepted,
            "link": _link(transfer),
        },
    )


def _record_decision(actor: User, transfer: Transfer, action: AuditAction, **data: int) -> None:
    facts = {"transfer": transfer.pk, "from": transfer.organisation_id, **data}
    record(action=action, actor=actor, organisation_id=actor.organisation_id, data=facts)
    # The sender's chain says it too: their file was received (or declined) and by whom.
    record(
        action=AuditAction.TRANSFER_RECEIVED
        if action == AuditAction.TRANSFER_ACCEPTED
        else AuditAction.TRANSFER_DECLINED,
        actor=actor,
        obj=transfer,
        organisation_id=transfer.organisation_id,
        data={"transfer": transfer.pk, "by": actor.organisation_id},
    )


@logged
def transfer_decline(*, actor: User, transfer_id: int, reason: str) -> Transfer:
    """The receiving DSL declines a file, saying why: nothing of it is written here, and the
    sender is told."""
    require(actor, PERMISSION)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": "say why the file is declined, for the sending school"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": f"keep this to {REASON_MAX:,} characters"})
    with transaction.atomic():
        transfer = _incoming(actor, transfer_id)
        transfer.status, transfer.decline_reason = TransferStatus.DECLINED, reason
        transfer.decided_by, transfer.decided_at = actor, timezone.now()
        transfer.content = None  # declined: nothing of it stays for the receiving school
        transfer.save()
        _tell_sender(transfer, accepted=False)
        _record_decision(actor, transfer, AuditAction.TRANSFER_DECLINED)
    return transfer


@logged
def transfer_receipt_record(
    *, actor: User, transfer_id: int, received_by_name: str, received_at: datetime, how: str
) -> Transfer:
    """The sender records that the new school confirmed a package arrived: who, when, how."""
    require(actor, PERMISSION)
    errors: dict[str, str] = {}
    for field, value, needed in (
        ("received_by_name", received_by_name, "name who at the new school confirmed it"),
        ("how", how, "say how they confirmed it (a phone call, an email, a letter)"),
    ):
        try:
            _one_line(value, field, needed)
        except ValidationFailed as error:
            errors.update(error.errors)
    if received_at > timezone.now():
        errors["received_at"] = "give a time that has passed"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        transfer = (
            Transfer.objects.select_for_update()
            .filter(pk=transfer_id, organisation_id=actor.organisation_id, method=Method.PACKAGE)
            .first()
        )
        if transfer is None:
            raise NotFound("No such transfer.")
        if not transfer.awaiting:
            raise ValidationFailed({"received_by_name": "receipt is already recorded"})
        # The form gives minutes: a confirmation in the minute it was sent is after it.
        if received_at < transfer.sent_at.replace(second=0, microsecond=0):
            raise ValidationFailed({"received_at": "give a time after the file was sent"})
        transfer.status, transfer.received_at = TransferStatus.RECEIVED, received_at
        transfer.received_by_name, transfer.receipt_how = received_by_name.strip(), how.strip()
        transfer.receipt_recorded_by = actor
        transfer.save()
        record(
            action=AuditAction.TRANSFER_RECEIVED,
            actor=actor,
            obj=transfer,
            data={"transfer": transfer.pk, "received_at": received_at.isoformat()},
        )
    return transfer


@logged
def package_import(*, actor: User, package: bytes, passphrase: str) -> PackageImport:
    """Open a package another school sent and write its file here, onto the learner with the
    same names and date of birth (when there is exactly one) or a new learner's record. A
    wrong passphrase or a changed package is refused with nothing written."""
    require(actor, PERMISSION)
    if not package:
        raise ValidationFailed({"package": "choose the package file the school sent"})
    if len(package) > PACKAGE_MAX_BYTES:
        raise ValidationFailed({"package": "this file is too large to be a file package"})
    if not passphrase.strip():
        raise ValidationFailed({"passphrase": "type the passphrase the school sent separately"})
    try:
        opened = open_package(package, passphrase)
        checked_file(opened.content)
    except PackageRefused as refusal:
        record(
            action=AuditAction.TRANSFER_PACKAGE_REFUSED,
            actor=actor,
            organisation_id=actor.organisation_id,
        )
        raise ValidationFailed({"passphrase": f"The package was not opened: {refusal}."}) from None
    content = opened.content
    sender = str(opened.manifest.get("from") or content.get("organisation") or "another school")
    sender = sender[:TEXT_MAX]
    with transaction.atomic():
        about = content.get("learner")
        match = _matching_learner(actor.organisation_id, about if isinstance(about, dict) else {})
        learner = _receiving_learner(actor, about, match.pk if match else None)
        written = concerns_receive_transferred(
            actor=actor, learner=learner, content=content, sender=sender
        )
        imported = PackageImport.objects.create(
            organisation_id=actor.organisation_id,
            learner=learner,
            sending_school=sender,
            package_sha256=hashlib.sha256(package).hexdigest(),
            concern_count=len(written),
            imported_by=actor,
        )
        ReceivedConcern.objects.bulk_create(
            ReceivedConcern(
                package_import=imported,
                concern_id=concern.pk,
                original_reference=original["reference"],
                sending_school=sender,
            )
            for concern, original in zip(written, content["concerns"], strict=True)
        )
        record(
            action=AuditAction.TRANSFER_PACKAGE_IMPORTED,
            actor=actor,
            obj=imported,
            data={"import": imported.pk, "learner": learner.pk, "concerns": len(written)},
        )
    return imported


def _remind(transfer_id: int, now: datetime) -> bool:
    with transaction.atomic():
        claimed = Transfer.objects.filter(
            pk=transfer_id, status=TransferStatus.SENT, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            return False
        transfer = Transfer.objects.select_related("organisation", "sent_by").get(pk=transfer_id)
        to = [transfer.sent_by.email] if transfer.sent_by.is_active else []
        to = to or [user.email for user in staff_granted(transfer.organisation_id, PERMISSION)]
        _email(
            to,
            subject="No receipt yet for a child protection file you sent",
            template="transfers/email/reminder.txt",
            context={
                "organisation_id": transfer.organisation_id,
                "transfer": transfer,
                "link": _link(transfer),
            },
        )
        record(
            action=AuditAction.TRANSFER_REMINDER_SENT,
            actor=SYSTEM,
            obj=transfer,
            data={"transfer": transfer.pk, "to": len(to)},
        )
    return True


@logged
def transfers_remind_unreceived(*, now: datetime | None = None) -> list[int]:
    """Remind the sender, once, of each file with no receipt five school days after it was
    sent (``schooldays``). Idempotent: each reminder is claimed by a conditional update."""
    now = now or timezone.now()
    # Five school days are at least five calendar days: older ones only are looked at.
    waiting = Transfer.objects.filter(
        status=TransferStatus.SENT,
        reminded_at__isnull=True,
        sent_at__lte=now - timedelta(days=5),
    ).select_related("organisation")
    due = [item.pk for item in waiting if receipt_due(item.organisation, item.sent_at) <= now]
    return [transfer_id for transfer_id in due if _remind(transfer_id, now)]
