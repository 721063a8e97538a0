"""Acceptable use agreements (ORG-2): versions published per audience, staff signatures, and
learners and parents agreeing by personal link.
A new version asks its audience again: staff are asked when they next sign in
(``middleware.AcceptableUseMiddleware``). Signing records the day on the member of staff's
record, which the session policy reads (SES-10)."""

import itertools
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import PUBLIC, SYSTEM, SystemActor
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.core.taskqueue import uses_database_tasks
from chaperon.core.validators import single_line_problem
from chaperon.people.models import Guardian, GuardianRelationship, Learner, Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.people.selectors import staff_member_of
from chaperon.people.services import staff_update

from ..agreements import current_version, guardians_of_current_learners, learners_in_audience
from ..audiences import BY_LINK, sent_to_learner
from ..aup_links import (
    LINK_ACTOR,
    LINK_DAYS,
    AupLinkProblem,
    agreement_url,
    new_nonce,
    open_agreement_link,
)
from ..models import Audience, AupRequest, AupSignature, AupVersion

TEXT_MAX_CHARACTERS = 20_000
TITLE_MAX_CHARACTERS = 200


@logged
def aup_publish(
    *, actor: User | SystemActor, organisation: Organisation, audience: str, title: str, text: str
) -> AupVersion:
    """Publish a new version for ``audience``; everyone in it is asked to sign it."""
    require(actor, Permission.PUBLISH_AUP)
    if isinstance(actor, User) and actor.organisation_id != organisation.pk:
        raise ValidationFailed({"organisation": "an agreement is published for your own"})
    errors = {}
    if audience not in Audience.values:
        errors["audience"] = f"choose one of: {', '.join(Audience.values)}"
    title, text = title.strip(), text.strip()
    if not title:
        errors["title"] = "give the agreement a title, such as 'Staff acceptable use agreement'"
    elif len(title) > TITLE_MAX_CHARACTERS or single_line_problem(title):
        errors["title"] = f"one line of at most {TITLE_MAX_CHARACTERS} characters"
    if not text:
        errors["text"] = "write what is agreed to: the agreement's whole text"
    elif len(text) > TEXT_MAX_CHARACTERS:
        errors["text"] = f"at most {TEXT_MAX_CHARACTERS:,} characters; this has {len(text):,}"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            latest = AupVersion.objects.filter(
                organisation=organisation, audience=audience
            ).aggregate(latest=Max("number"))["latest"]
            version = AupVersion.objects.create(
                organisation=organisation,
                audience=audience,
                number=(latest or 0) + 1,
                title=title,
                text=text,
                published_by=actor if isinstance(actor, User) else None,
            )
            record(
                action=AuditAction.AUP_PUBLISHED,
                actor=actor,
                obj=version,
                data={"audience": audience, "number": version.number},
            )
    except IntegrityError:  # another version of the same audience at the same moment
        raise ValidationFailed(
            {"text": "Another version was published at the same moment: look again and retry"}
        ) from None
    return version


@logged
def aup_sign(*, actor: User, version_id: int) -> AupSignature:
    """``actor``, a member of staff, agrees to the staff agreement ``version_id``: only the one
    in force may be signed. Signing twice is harmless (the first signature stands)."""
    staff = staff_member_of(actor)
    if staff is None:
        raise ValidationFailed({"version": "only staff sign the staff agreement here"})
    version = current_version(actor.organisation_id, Audience.STAFF)
    if version is None or version.pk != version_id:
        raise ValidationFailed(
            {"version": "this is not the agreement in force any more: read the current one"}
        )
    with transaction.atomic():
        signature, created = AupSignature.objects.get_or_create(
            organisation_id=actor.organisation_id, version=version, user=actor
        )
        if created:
            record(
                action=AuditAction.AUP_SIGNED,
                actor=actor,
                obj=version,
                data={"audience": version.audience, "number": version.number},
            )
            # The day the session policy reads (SES-10), as on the staff record.
            staff_update(actor=SYSTEM, staff=staff, aup_signed_on=actor.organisation.today())
    return signature


# Learners and parents agree by personal link ------------------------------------------------


@logged
def aup_requests_ask(*, actor: User, audience: str) -> AupVersion:
    """Ask everyone in ``audience`` (learners of a key stage group, or parents and carers) who
    has not yet agreed to the version in force, by a personal link each: the links are made and
    sent in the background (``aup_requests_send``), and asking again sends only the missing."""
    require(actor, Permission.PUBLISH_AUP)
    if audience not in BY_LINK:
        raise ValidationFailed(
            {"audience": "staff are asked as they sign in: choose learners or parents and carers"}
        )
    version = current_version(actor.organisation_id, audience)
    if version is None:
        raise ValidationFailed(
            {"audience": f"publish the agreement for {Audience(audience).label.lower()} first"}
        )
    from ..tasks import send_aup_requests_task

    with transaction.atomic():
        record(
            action=AuditAction.AUP_REQUESTS_ASKED,
            actor=actor,
            obj=version,
            data={"audience": audience, "number": version.number},
        )
        if uses_database_tasks():
            send_aup_requests_task.enqueue(version.pk)
        else:
            transaction.on_commit(lambda: send_aup_requests_task.enqueue(version.pk))
    return version


@dataclass(frozen=True)
class _Wanted:
    learner_id: int | None
    guardian_id: int | None
    email: str


def _wanted(version: AupVersion) -> list[_Wanted]:
    """The links not yet sent for ``version``, to people who have not agreed to it."""
    organisation = version.organisation
    asked = set(AupRequest.objects.filter(version=version).values_list("learner_id", "guardian_id"))
    if version.audience == Audience.PARENT:
        signed = AupSignature.objects.filter(version=version, learner__isnull=True)
        guardians = (
            guardians_of_current_learners(organisation.pk)
            .exclude(email="")
            .exclude(pk__in=signed.values("guardian_id"))
            .order_by("pk")
            .values_list("pk", "email")
        )
        return [_Wanted(None, pk, email) for pk, email in guardians if (None, pk) not in asked]
    learners = learners_in_audience(organisation.pk, version.audience, organisation.today())
    learners = learners.exclude(
        pk__in=AupSignature.objects.filter(version=version).values("learner_id")
    )
    to_parents = GuardianRelationship.objects.filter(
        learner__in=learners, parental_responsibility=True
    ).exclude(guardian__email="")
    parents: dict[int, list[tuple[int, str]]] = {}
    for learner_id, guardian_id, email in to_parents.values_list(
        "learner_id", "guardian_id", "guardian__email"
    ):
        parents.setdefault(learner_id, []).append((guardian_id, email))
    wanted = []
    for learner_id, learner_email in learners.order_by("pk").values_list("pk", "email"):
        if sent_to_learner(version.audience, learner_email):
            if (learner_id, None) not in asked:
                wanted.append(_Wanted(learner_id, None, learner_email))
            continue
        for guardian_id, email in parents.get(learner_id, []):
            if (learner_id, guardian_id) not in asked:
                wanted.append(_Wanted(learner_id, guardian_id, email))
    return wanted


@logged
def aup_requests_send(*, version_id: int, batch_size: int = 200) -> int:
    """Make and email the personal links ``aup_requests_ask`` asked for, a batch per
    transaction (a failure keeps the batches sent; running again sends the rest). Nothing is
    sent for a version no longer in force. Returns how many were sent."""
    version = AupVersion.objects.select_related("organisation").get(pk=version_id)
    in_force = current_version(version.organisation_id, version.audience)
    if in_force is None or in_force.pk != version.pk:
        return 0
    wanted = _wanted(version)
    names = _names_of(wanted)
    sent = 0
    for batch in itertools.batched(wanted, batch_size):
        try:
            with transaction.atomic():
                rows = AupRequest.objects.bulk_create(
                    AupRequest(
                        organisation_id=version.organisation_id,
                        version=version,
                        learner_id=item.learner_id,
                        guardian_id=item.guardian_id,
                        email=item.email,
                        nonce=new_nonce(),
                    )
                    for item in batch
                )
                for row in rows:
                    _email_link(row, version, names)
        except IntegrityError:  # sent by another run at the same moment
            continue
        sent += len(rows)
    if sent:
        record(
            action=AuditAction.AUP_REQUESTS_SENT,
            obj=version,
            data={"audience": version.audience, "number": version.number, "sent": sent},
        )
    return sent


@dataclass(frozen=True)
class _Names:
    learners: dict[int, str]
    guardians: dict[int, str]


def _names_of(wanted: list[_Wanted]) -> _Names:
    learner_ids = {item.learner_id for item in wanted if item.learner_id is not None}
    guardian_ids = {item.guardian_id for item in wanted if item.guardian_id is not None}
    return _Names(
        learners=dict(Learner.objects.filter(pk__in=learner_ids).values_list("pk", "first_name")),
        guardians=dict(Guardian.objects.filter(pk__in=guardian_ids).values_list("pk", "full_name")),
    )


def _email_link(aup_request: AupRequest, version: AupVersion, names: _Names) -> None:
    context = {
        "organisation": version.organisation,
        "version": version,
        "learner_name": names.learners.get(aup_request.learner_id or 0, ""),
        "guardian_name": names.guardians.get(aup_request.guardian_id or 0, ""),
        "link": agreement_url(aup_request),
        "days": LINK_DAYS,
    }
    queue_email(
        to=aup_request.email,
        subject=f"Please read and agree: {version.title}",
        text=render_to_string("governance/email/agreement_request.txt", context),
        purpose="aup_request",
        obj=aup_request,
        organisation_id=aup_request.organisation_id,
    )


SIGNED_NAME_MAX_CHARACTERS = 200


@logged
def aup_sign_by_link(*, token: str, signed_name: str) -> AupSignature:
    """Agree by personal link, signing with one's typed name: a learner's agreement by the
    learner or, with them, a parent or carer; the parents' agreement by the parent or carer.
    Every link sent for the same agreement stops. ``AupLinkProblem`` when the link cannot be
    used (signed already, by this link or another, or a newer version is in force)."""
    signed_name = signed_name.strip()
    if not signed_name:
        raise ValidationFailed({"signed_name": "type your full name to sign"})
    if len(signed_name) > SIGNED_NAME_MAX_CHARACTERS or single_line_problem(signed_name):
        raise ValidationFailed(
            {"signed_name": f"your name on one line, at most {SIGNED_NAME_MAX_CHARACTERS} letters"}
        )
    aup_request = open_agreement_link(token)
    version = aup_request.version
    with transaction.atomic():
        locked = (
            AupRequest.objects.select_for_update()
            .filter(pk=aup_request.pk, signed_at__isnull=True)
            .first()
        )
        if locked is None:
            raise AupLinkProblem("used", aup_request=aup_request)
        subject: dict[str, Any]
        if aup_request.learner_id is not None:
            subject = {"learner_id": aup_request.learner_id}
            signature, created = AupSignature.objects.get_or_create(
                version=version,
                learner_id=aup_request.learner_id,
                defaults={
                    "organisation_id": aup_request.organisation_id,
                    "guardian_id": aup_request.guardian_id,
                    "signed_name": signed_name,
                },
            )
        else:
            subject = {"guardian_id": aup_request.guardian_id, "learner__isnull": True}
            signature, created = AupSignature.objects.get_or_create(
                version=version,
                guardian=aup_request.guardian,
                learner=None,
                defaults={
                    "organisation_id": aup_request.organisation_id,
                    "signed_name": signed_name,
                },
            )
        if not created:
            raise AupLinkProblem("used", aup_request=aup_request)
        AupRequest.objects.filter(version=version, signed_at__isnull=True, **subject).update(
            signed_at=timezone.now()
        )
        record(
            action=AuditAction.AUP_SIGNED,
            actor=PUBLIC,
            actor_label=LINK_ACTOR,
            obj=version,
            data={
                "audience": version.audience,
                "number": version.number,
                "learner": aup_request.learner_id,
                "guardian": aup_request.guardian_id,
                "link": aup_request.pk,
            },
        )
    return signature
