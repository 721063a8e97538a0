"""Raising a concern (INC-1, INC-5, INC-7): by staff, from the public page, from a session, or by
the chat screening of a live session (ORG-5)."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import PublicActor, SystemActor
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import GuardianRelationship, Learner, Organisation, User
from chaperon.sessions.models import Invitation, Session

from .. import alerts, conf
from ..attachments import IMAGERY_REFUSED, ConcernFile, stored
from ..models import (
    Concern,
    ConcernAttachment,
    ConcernKind,
    ConcernType,
    EntryKind,
    FourCs,
    ReferenceCounter,
    ReporterRelation,
    Source,
)
from ..permissions import may_raise_concerns
from ..textonly import ImageryInText, text_only
from .allegations import open_lado_step
from .common import add_entry
from .evidence import hold_evidence_for

PUBLIC_LABEL = "Public report page"
SCREENING_LABEL = "Chat screening"
ANONYMOUS = "Anonymous"
# What a reporter may write in each field, in characters (forms say the same; so does the
# database for the long ones, migration 0003).
FIELD_LIMITS = {
    "description": conf.DESCRIPTION_MAX_CHARS,
    "material_location": conf.DETAIL_MAX_CHARS,
    "seen_by": conf.DETAIL_MAX_CHARS,
    "about_name": conf.NAME_MAX_CHARS,
    "subject_staff_name": conf.NAME_MAX_CHARS,
    "reporter_name": conf.NAME_MAX_CHARS,
    "reporter_contact": conf.CONTACT_MAX_CHARS,
}


def _next_reference(organisation: Organisation, year: int) -> str:
    """SG-YYYY-NNNN, numbered per organisation and year; gaps only if a raise rolls back."""
    for _ in range(3):
        counted = ReferenceCounter.objects.filter(organisation=organisation, year=year).update(
            last=F("last") + 1
        )
        if counted:
            last = ReferenceCounter.objects.get(organisation=organisation, year=year).last
            return f"SG-{year}-{last:04d}"
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(organisation=organisation, year=year, last=1)
        except IntegrityError:
            continue  # another raise made it first: count on it
        return f"SG-{year}-0001"
    raise RuntimeError("could not number the concern")


def checked_text(fields: dict[str, str]) -> dict[str, str]:
    """The reporter's words, each within its limit and without anything that could carry a
    picture (``textonly``); raise ``ValidationFailed`` naming each field that is too long or
    holds an image written out as code."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for name, value in fields.items():
        limit = FIELD_LIMITS[name]
        if len(value) > limit:
            errors[name] = f"keep this to {limit:,} characters (it has {len(value):,})"
            continue
        try:
            cleaned[name] = text_only(value).strip()
        except ImageryInText:
            errors[name] = "this holds a picture written out as code. " + IMAGERY_REFUSED
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _check(
    *,
    organisation: Organisation,
    description: str,
    category: str,
    types: Sequence[str],
    kind: str,
    learner: Learner | None,
    session: Session | None,
    subject_staff: User | None,
    occurred_on: date | None,
) -> None:
    errors: dict[str, str] = {}
    if len(description.strip()) < 10:
        errors["description"] = "say what happened or what worries you, in a sentence or more"
    if category not in FourCs.values:
        errors["category"] = "choose one of the four Cs, or 'Not sure'"
    if any(value not in ConcernType.values for value in types):
        errors["types"] = "choose from the types listed"
    if kind not in ConcernKind.values:
        errors["kind"] = "choose whether it is about a child or a member of staff"
    if occurred_on is not None and occurred_on > timezone.localdate(timezone=organisation.zone):
        errors["occurred_on"] = "the date cannot be in the future"
    for name, value in (
        ("learner", learner),
        ("session", session),
        ("subject_staff", subject_staff),
    ):
        if value is not None and value.organisation_id != organisation.pk:
            errors[name] = "choose someone (or a session) of your own organisation"
    if errors:
        raise ValidationFailed(errors)


def _from_invitation(invitation: Invitation) -> tuple[str, Learner | None]:
    """The reporter's relation and, where it is clear, the learner the report is about."""
    learners = invitation.session.learners.all()
    if invitation.role == Invitation.Role.LEARNER:
        return ReporterRelation.LEARNER, learners.filter(pk=invitation.person_id).first()
    theirs = [
        link.learner
        for link in GuardianRelationship.objects.filter(
            guardian_id=invitation.person_id, learner__in=learners
        ).select_related("learner")
    ]
    return ReporterRelation.PARENT, theirs[0] if len(theirs) == 1 else None


@logged
@transaction.atomic
def concern_raise(
    *,
    actor: User | PublicActor | SystemActor,
    organisation: Organisation,
    description: str,
    kind: str = ConcernKind.CONCERN,
    category: str = FourCs.NOT_SURE,
    types: Sequence[str] = (),
    occurred_on: date | None = None,
    learner: Learner | None = None,
    about_name: str = "",
    session: Session | None = None,
    subject_staff: User | None = None,
    subject_staff_name: str = "",
    material_location: str = "",
    seen_by: str = "",
    immediate_danger: bool = False,
    reporter_name: str = "",
    reporter_relation: str = "",
    reporter_contact: str = "",
    invitation: Invitation | None = None,
    attachment: ConcernFile | None = None,
    spooled: tuple[str, datetime] | None = None,
) -> Concern:
    """Record a concern and tell the DSL and deputies (and, out of hours, senior leaders).

    ``actor`` is the member of staff raising it, or ``PUBLIC`` for a report from the public page
    (``reporter_*``) or from a session's "leave and report" (``invitation``: the reporter's
    name, the session and, where clear, the learner come from it). ``SYSTEM`` is the chat
    screening of a live room, which names the ``session``. ``attachment`` must come
    from ``attachments.concern_file`` (its words only, never an image or video). ``spooled``
    is the receipt code and time of a report kept while the database was down (``spool``).
    """
    if isinstance(actor, User):
        if not may_raise_concerns(actor) or actor.organisation_id != organisation.pk:
            raise PermissionDenied("Only staff of this organisation raise concerns here.")
        source, reporter_name = Source.STAFF, actor.full_name
        reporter_relation, reporter_contact = "", actor.email
    elif isinstance(actor, SystemActor):
        if session is None:
            raise ValidationFailed({"session": "name the session the chat screening held from"})
        source, organisation = Source.SCREENING, session.organisation
        reporter_name, reporter_relation, reporter_contact = SCREENING_LABEL, "", ""
    elif invitation is not None:
        source, session = Source.INVITATION, invitation.session
        organisation = session.organisation
        reporter_name = invitation.display_name
        reporter_relation, found = _from_invitation(invitation)
        learner = learner or found
        reporter_contact = reporter_contact or invitation.email
    else:
        source = Source.PUBLIC
        if reporter_relation not in ReporterRelation.values:
            raise ValidationFailed({"reporter_relation": "say who you are"})
    if kind == ConcernKind.ALLEGATION:
        types = [value for value in types if value in ConcernType.values]
    text = checked_text(
        {
            "description": description,
            "material_location": material_location,
            "seen_by": seen_by,
            "about_name": about_name,
            "subject_staff_name": subject_staff_name,
            "reporter_name": reporter_name,
            "reporter_contact": reporter_contact,
        }
    )
    _check(
        organisation=organisation,
        description=text["description"],
        category=category,
        types=types,
        kind=kind,
        learner=learner,
        session=session,
        subject_staff=subject_staff,
        occurred_on=occurred_on,
    )
    now = timezone.now()
    year = now.astimezone(organisation.zone).year
    concern = Concern.objects.create(
        organisation=organisation,
        reference=_next_reference(organisation, year),
        kind=kind,
        source=source,
        raised_by=actor if isinstance(actor, User) else None,
        reporter_name=text["reporter_name"],
        reporter_relation=reporter_relation,
        reporter_contact=text["reporter_contact"],
        about_name=text["about_name"],
        subject_staff=subject_staff,
        subject_staff_name=subject_staff.full_name if subject_staff else text["subject_staff_name"],
        session=session,
        description=text["description"],
        material_location=text["material_location"],
        seen_by=text["seen_by"],
        immediate_danger=immediate_danger,
        learner=learner,
        category=category,
        types=list(dict.fromkeys(types)),
        occurred_on=occurred_on,
        last_alerted_at=now,
    )
    reporter = concern.reporter_name or ANONYMOUS
    if isinstance(actor, User):
        label = actor.full_name
    elif isinstance(actor, SystemActor):
        label = SCREENING_LABEL
    else:
        label = f"{reporter} ({concern.get_source_display()})"
    with stored(attachment, organisation_id=organisation.pk) as path:
        if attachment is not None:
            ConcernAttachment.objects.create(
                concern=concern,
                path=path,
                name=attachment.name,
                content_type=attachment.content_type,
                size=len(attachment.content),
            )
        _record_raised(concern, actor=actor, label=label, spooled=spooled)
    hold_evidence_for(concern, actor=actor)
    open_lado_step(concern, owner=None)
    return concern


def _record_raised(
    concern: Concern,
    *,
    actor: User | PublicActor | SystemActor,
    label: str,
    spooled: tuple[str, datetime] | None,
) -> None:
    summary = f"Raised by {label}"
    if spooled is not None:
        receipt, received_at = spooled
        summary += (
            f"; received {received_at.astimezone(concern.organisation.zone):%d %b %Y %H:%M} "
            f"while the database was unavailable, receipt {receipt}"
        )
    add_entry(
        concern,
        kind=EntryKind.RAISED,
        summary=summary,
        author=actor if isinstance(actor, User) else None,
        author_label=label,
        text=concern.description,
        data={
            "category": concern.category,
            "types": concern.types,
            "occurred_on": concern.occurred_on.isoformat() if concern.occurred_on else None,
            "learner_id": concern.learner_id,
            "about_name": concern.about_name,
            **({"spool_receipt": spooled[0]} if spooled else {}),
        },
    )
    told = alerts.alert_new(concern, now=concern.created_at)
    add_entry(
        concern,
        kind=EntryKind.ALERTED,
        summary=f"Emailed {len(told)} people: " + ", ".join(told),
        author=None,
        data={"to": told, "in_hours": alerts.in_hours(concern.organisation, concern.created_at)},
    )
    record(
        action=AuditAction.CONCERN_RAISED,
        actor=actor,
        actor_label=_audit_label(actor),
        obj=concern,
        data={
            "source": concern.source,
            "kind": concern.kind,
            "alerted": len(told),
            **({"spool_receipt": spooled[0]} if spooled else {}),
        },
    )


def _audit_label(actor: User | PublicActor | SystemActor) -> str:
    if isinstance(actor, User):
        return ""
    return SCREENING_LABEL if isinstance(actor, SystemActor) else PUBLIC_LABEL
