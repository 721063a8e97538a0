"""Changes to subject access requests (UK GDPR article 15; LOG-2, ORG-7): receiving one,
preparing its export (gathering what is held and listing the third parties in it), the DSL's
decision on each third party, and release. Each checks the permission itself, runs in one
transaction with its audit event, and a refusal changes nothing. A released request is never
changed again."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.pure.dates import add_one_month
from chaperon.core.service_log import logged
from chaperon.people.models import Guardian, Learner, StaffMember, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission

from .exemptions import Exemption
from .export import Decided, build_export, export_data
from .gathering import Subject, gather
from .models import Decision, RequestStatus, SubjectAccessRequest, ThirdParty, ThirdPartyKind
from .permissions import access_request

NOTE_MAX_CHARACTERS = 2000
# A request is answered within a month; one received longer ago than this is a typing mistake.
OLDEST_RECEIVED_DAYS = 366


def _person(
    actor: User, learner_id: int | None, guardian_id: int | None, staff_id: int | None
) -> tuple[str, Learner | Guardian | StaffMember]:
    given = [
        (kind, pk)
        for kind, pk in (("learner", learner_id), ("guardian", guardian_id), ("staff", staff_id))
        if pk is not None
    ]
    if len(given) != 1:
        raise ValidationFailed(
            {"person": "choose one person: a learner, a parent or carer, or a member of staff"}
        )
    [(kind, pk)] = given
    model: Any = {"learner": Learner, "guardian": Guardian, "staff": StaffMember}[kind]
    person = model.objects.filter(organisation_id=actor.organisation_id, pk=pk).first()
    if person is None:
        raise NotFound("No such person in your organisation.")
    return kind, person


@logged
def subject_access_request_start(
    *,
    actor: User,
    received_on: date,
    requester_note: str = "",
    learner_id: int | None = None,
    guardian_id: int | None = None,
    staff_id: int | None = None,
) -> SubjectAccessRequest:
    """Record a request received on ``received_on`` for everything held about one person; it
    is due one calendar month later."""
    require(actor, Permission.HANDLE_SUBJECT_ACCESS)
    today = actor.organisation.today()
    errors: dict[str, str] = {}
    if received_on > today:
        errors["received_on"] = f"{received_on:%d/%m/%Y} is in the future; give the day it came"
    elif (today - received_on).days > OLDEST_RECEIVED_DAYS:
        errors["received_on"] = f"{received_on:%d/%m/%Y} is over a year ago; check the year"
    requester_note = requester_note.strip()
    if len(requester_note) > NOTE_MAX_CHARACTERS:
        errors["requester_note"] = f"keep this to {NOTE_MAX_CHARACTERS:,} characters"
    if errors:
        raise ValidationFailed(errors)
    kind, person = _person(actor, learner_id, guardian_id, staff_id)
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            organisation_id=actor.organisation_id,
            subject_kind=kind,
            received_on=received_on,
            due_on=add_one_month(received_on),
            requester_note=requester_note,
            started_by=actor,
            **{kind: person},
        )
        record(
            action=AuditAction.SUBJECT_ACCESS_STARTED,
            actor=actor,
            obj=request,
            data={
                "request": request.pk,
                kind: person.pk,
                "received_on": received_on.isoformat(),
                "due_on": request.due_on.isoformat(),
            },
        )
    return request


def _refuse_released(request: SubjectAccessRequest) -> None:
    if request.released:
        raise ValidationFailed(
            {"request": "this request has been released: what was sent cannot be changed"}
        )


def _sync_third_parties(request: SubjectAccessRequest, found: list[dict[str, Any]]) -> None:
    """Keep the decisions already made on those found again; add the new ones undecided;
    remove those no longer found."""
    by_key = {party["key"]: party for party in found}
    request.third_parties.exclude(key__in=list(by_key)).exclude(
        key__startswith=ADDED_BY_HAND
    ).delete()
    existing = {party.key: party for party in request.third_parties.all()}
    for key, party in by_key.items():
        fields = {
            "kind": party["kind"],
            "name": party["name"][:200],
            "aliases": party["aliases"],
            "found_in": party["found_in"],
        }
        if key in existing:
            ThirdParty.objects.filter(pk=existing[key].pk).update(**fields)
        else:
            ThirdParty.objects.create(request=request, key=key, **fields)


@logged
def subject_access_prepare(*, actor: User, request_id: int) -> SubjectAccessRequest:
    """Gather everything held about the person now and list the third parties in it. May be
    done again until release: decisions on those found again are kept."""
    with transaction.atomic():
        request = access_request(actor, request_id, for_update=True)
        _refuse_released(request)
        subject = Subject(
            kind=request.subject_kind, person=request.subject, zone=request.organisation.zone
        )
        gathered = gather(subject)
        request.gathered = gathered
        request.status = RequestStatus.PREPARED
        request.prepared_at, request.prepared_by = timezone.now(), actor
        request.save(
            update_fields=["gathered", "status", "prepared_at", "prepared_by", "updated_at"]
        )
        _sync_third_parties(request, gathered["third_parties"])
        record(
            action=AuditAction.SUBJECT_ACCESS_PREPARED,
            actor=actor,
            obj=request,
            data={
                "request": request.pk,
                "sections": {
                    section["key"]: len(section["items"]) for section in gathered["sections"]
                },
                "third_parties": len(gathered["third_parties"]),
            },
        )
    return request


@logged
def subject_access_third_party_decide(
    *,
    actor: User,
    request_id: int,
    third_party_id: int,
    decision: str,
    exemption: str = "",
    reason: str,
) -> ThirdParty:
    """Disclose a third party, or withhold them under one of the fixed exemptions; either
    way with the reason, kept with the decision."""
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = "choose to disclose or to withhold"
    if decision == Decision.WITHHOLD and exemption not in Exemption.values:
        errors["exemption"] = "choose the exemption under which they are withheld"
    reason = reason.strip()
    if not reason:
        errors["reason"] = "say why (for a member of staff: acting in their role, for example)"
    elif len(reason) > NOTE_MAX_CHARACTERS:
        errors["reason"] = f"keep this to {NOTE_MAX_CHARACTERS:,} characters"
    with transaction.atomic():
        request = access_request(actor, request_id, for_update=True)
        _refuse_released(request)
        party = request.third_parties.filter(pk=third_party_id).first()
        if party is None:
            raise NotFound("No such third party in this request.")
        if errors:
            raise ValidationFailed(errors)
        party.decision = decision
        party.exemption = exemption if decision == Decision.WITHHOLD else ""
        party.reason, party.decided_by, party.decided_at = reason, actor, timezone.now()
        party.save()
        record(
            action=AuditAction.SUBJECT_ACCESS_DECIDED,
            actor=actor,
            obj=request,
            reason=reason,
            data={
                "request": request.pk,
                "third_party": party.key,
                "decision": decision,
                "exemption": party.exemption,
            },
        )
    return party


ADDED_BY_HAND = "named:"
NAME_MAX_CHARACTERS = 200


@logged
def subject_access_third_party_add(
    *, actor: User, request_id: int, name: str, aliases: str = ""
) -> ThirdParty:
    """List someone the DSL found named in the export's free text (no record links them), so
    that they can be withheld like anyone found. Kept when the export is prepared again."""
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "give the name as it is written in the export"
    elif len(name) > NAME_MAX_CHARACTERS:
        errors["name"] = f"keep the name to {NAME_MAX_CHARACTERS} characters"
    others = [each.strip() for each in aliases.split(",") if each.strip()]
    with transaction.atomic():
        request = access_request(actor, request_id, for_update=True)
        _refuse_released(request)
        if request.status != RequestStatus.PREPARED:
            errors["name"] = "prepare the export first"
        key = f"{ADDED_BY_HAND}{name.casefold()}"[:80]
        if not errors and request.third_parties.filter(key=key).exists():
            errors["name"] = f"{name} is already listed"
        if errors:
            raise ValidationFailed(errors)
        party = ThirdParty.objects.create(
            request=request,
            key=key,
            kind=ThirdPartyKind.OTHER,
            name=name,
            aliases=others,
            found_in=["Named in the text, added by hand"],
        )
        record(
            action=AuditAction.SUBJECT_ACCESS_DECIDED,
            actor=actor,
            obj=request,
            data={"request": request.pk, "third_party": key, "added": True},
        )
    return party


STAFF_IN_ROLE = "A member of staff named acting in their professional role"


@logged
def subject_access_disclose_staff(*, actor: User, request_id: int) -> int:
    """Disclose every undecided member of staff, as acting in their role; how many."""
    with transaction.atomic():
        request = access_request(actor, request_id, for_update=True)
        _refuse_released(request)
        undecided = list(
            request.third_parties.filter(kind=ThirdPartyKind.STAFF, decision="").order_by("id")
        )
        now = timezone.now()
        for party in undecided:
            party.decision, party.reason = Decision.DISCLOSE, STAFF_IN_ROLE
            party.decided_by, party.decided_at = actor, now
            party.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        record(
            action=AuditAction.SUBJECT_ACCESS_DECIDED,
            actor=actor,
            obj=request,
            reason=STAFF_IN_ROLE,
            data={
                "request": request.pk,
                "third_parties": [party.key for party in undecided],
                "decision": Decision.DISCLOSE.value,
            },
        )
    return len(undecided)


def _decided(parties: list[ThirdParty]) -> list[Decided]:
    return [
        Decided(
            name=party.name,
            aliases=tuple(party.aliases),
            decision=party.decision,
            exemption=party.exemption,
        )
        for party in parties
    ]


@logged
def subject_access_release(*, actor: User, request_id: int) -> SubjectAccessRequest:
    """Make the export from what was prepared, with each withheld third party replaced, and
    keep it (and its SHA-256) with the decisions as they stand. Refused until every third
    party has a decision; a released request is never changed."""
    with transaction.atomic():
        request = access_request(actor, request_id, for_update=True)
        _refuse_released(request)
        if request.status != RequestStatus.PREPARED:
            raise ValidationFailed({"request": "prepare the export before releasing it"})
        parties = list(request.third_parties.order_by("key"))
        undecided = [party.name for party in parties if not party.decision]
        if undecided:
            raise ValidationFailed(
                {
                    "request": f"decide on every third party first: {len(undecided)} "
                    "still to disclose or withhold"
                }
            )
        today = request.organisation.today()
        data = export_data(
            gathered=request.gathered,
            decided=_decided(parties),
            organisation=request.organisation.name,
            received_on=request.received_on,
            due_on=request.due_on,
            released_on=today,
        )
        made = build_export(data)
        request.archive, request.archive_sha256 = made.content, made.sha256
        request.decisions = [
            {
                "key": party.key,
                "kind": party.kind,
                "name": party.name,
                "decision": party.decision,
                "exemption": party.exemption,
                "reason": party.reason,
                "decided_by": party.decided_by_id,
                "decided_at": party.decided_at.isoformat() if party.decided_at else None,
            }
            for party in parties
        ]
        request.status = RequestStatus.RELEASED
        request.released_at, request.released_by = timezone.now(), actor
        request.save(
            update_fields=[
                "archive",
                "archive_sha256",
                "decisions",
                "status",
                "released_at",
                "released_by",
                "updated_at",
            ]
        )
        record(
            action=AuditAction.SUBJECT_ACCESS_RELEASED,
            actor=actor,
            obj=request,
            data={
                "request": request.pk,
                "sha256": made.sha256,
                "withheld": sum(party.decision == Decision.WITHHOLD for party in parties),
                "disclosed": sum(party.decision == Decision.DISCLOSE for party in parties),
                "late": today > request.due_on,
            },
        )
    return request
