"""Every way an answer arrives: from a personal link (answer a request; change or withdraw
with the access link), or recorded by staff (consent given another way; a withdrawal)."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Guardian, Learner, User
from chaperon.people.roles import Permission
from chaperon.people.selectors import organisation_today

from .. import links
from ..answerers import answerers_of
from ..attachments import EvidenceFile, stored
from ..models import (
    WRITTEN_CHANNELS,
    Answer,
    Channel,
    ConsentAccess,
    ConsentRequest,
    EvidenceKind,
    Purpose,
    RequestStatus,
)
from ..permissions import require, require_same_organisation
from ..slots import Slot, normalise_slots
from .recording import Recorded, Submission, check_expected_latest, record_submission
from .statements import statement_current

NAME_MAX = 200


def check_answers(asked: Sequence[str], answers: Mapping[str, str]) -> dict[str, str]:
    """Each purpose asked, answered given or declined; nothing else."""
    extra = sorted(set(answers) - set(asked))
    if extra:
        raise ValidationFailed({extra[0]: "was not asked about"})
    checked = {}
    for purpose in asked:
        answer = answers.get(purpose, "")
        if answer not in (Answer.GIVEN, Answer.DECLINED):
            raise ValidationFailed({purpose: "choose whether you agree or not"})
        checked[purpose] = str(answer)
    return checked


def check_slots(answers: Mapping[str, str], slots: Sequence[Mapping[str, object]]) -> list[Slot]:
    """1:1 sessions take place only on the days and times agreed (SES-1): agreeing to them
    needs at least one."""
    if answers.get(Purpose.LIVE_ONE_TO_ONE) != Answer.GIVEN:
        return []
    normalised = normalise_slots(slots)
    if not normalised:
        raise ValidationFailed(
            {"slot1": "give the days and times you agree to for 1:1 sessions, or decline them"}
        )
    return normalised


def check_name(name: str, field: str = "signed_name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed({field: "type your full name: it is your signature"})
    return cleaned[:NAME_MAX]


def _who(consent_request: ConsentRequest | ConsentAccess) -> dict[str, Any]:
    guardian = consent_request.guardian
    role = "guardian" if guardian is not None else "learner"
    return {
        "guardian": guardian,
        "answered_by_learner": guardian is None,
        "answered_by_email": consent_request.recipient_email,
        "actor_label": f"{consent_request.recipient_name} ({role}, by personal link)",
        "tell": consent_request.recipient_email,
    }


@logged
def consent_answer_by_link(
    *,
    token: str,
    answers: Mapping[str, str],
    slots: Sequence[Mapping[str, object]],
    signed_name: str,
) -> Recorded:
    """Answer a request from its link. The link works once: a second submission (another tab,
    a double click) raises ``LinkProblem("used")`` and writes nothing."""
    consent_request = links.open_request(token)
    checked = check_answers(consent_request.purposes, answers)
    agreed_slots = check_slots(checked, slots)
    name = check_name(signed_name)
    with transaction.atomic():
        now = timezone.now()
        claimed = ConsentRequest.objects.filter(
            pk=consent_request.pk, status=RequestStatus.AWAITING, expires_at__gt=now
        ).update(status=RequestStatus.ANSWERED, answered_at=now)
        if claimed != 1:
            links.open_request(token)  # raises what stopped it: used, replaced or expired
            raise links.LinkProblem("used", request=consent_request)
        submission = Submission(
            organisation=consent_request.organisation,
            learner=consent_request.learner,
            kind=EvidenceKind.ANSWER,
            channel=Channel.ONLINE,
            answered_by_name=name,
            request=consent_request,
            access=consent_request.access,
            statement=consent_request.statement,
            reason=f"Answer to the consent request sent on {consent_request.created_at:%Y-%m-%d}",
            **_who(consent_request),
        )
        return record_submission(submission, checked, agreed_slots)


@logged
def consent_change_by_link(
    *,
    token: str,
    answers: Mapping[str, str],
    slots: Sequence[Mapping[str, object]],
    signed_name: str,
    expected_latest: int | None,
) -> Recorded:
    """Answer again with the access link, to the current statement. A purpose that was given
    and is now declined is withdrawn."""
    access = links.open_access(token)
    checked = check_answers(access.purposes, answers)
    agreed_slots = check_slots(checked, slots)
    name = check_name(signed_name)
    with transaction.atomic():
        check_expected_latest(access.learner_id, expected_latest)
        statement = statement_current(organisation=access.organisation)
        now = timezone.now()
        # The request this person was sent is answered now: its link stops working.
        ConsentRequest.objects.filter(access=access, status=RequestStatus.AWAITING).update(
            status=RequestStatus.ANSWERED, answered_at=now
        )
        submission = Submission(
            organisation=access.organisation,
            learner=access.learner,
            kind=EvidenceKind.ANSWER,
            channel=Channel.ONLINE,
            answered_by_name=name,
            access=access,
            statement=statement,
            reason="Answers changed with the personal link",
            **_who(access),
        )
        return record_submission(submission, checked, agreed_slots)


@logged
def consent_withdraw_by_link(
    *,
    token: str,
    purposes: Sequence[str],
    signed_name: str,
    reason: str,
    expected_latest: int | None,
) -> Recorded:
    """Withdraw consent with the access link, at once. Any purpose may be withdrawn, whoever
    gave it."""
    access = links.open_access(token)
    chosen = _check_purposes(purposes)
    name = check_name(signed_name)
    with transaction.atomic():
        check_expected_latest(access.learner_id, expected_latest)
        submission = Submission(
            organisation=access.organisation,
            learner=access.learner,
            kind=EvidenceKind.WITHDRAWAL,
            channel=Channel.ONLINE,
            answered_by_name=name,
            access=access,
            reason=reason.strip() or "Withdrawn with the personal link",
            **_who(access),
        )
        return record_submission(submission, dict.fromkeys(chosen, Answer.WITHDRAWN))


def _check_purposes(purposes: Sequence[str]) -> list[str]:
    unknown = sorted(set(purposes) - set(Purpose.values))
    if unknown:
        raise ValidationFailed({"purposes": f"{unknown[0]} is not a consent purpose"})
    if not purposes:
        raise ValidationFailed({"purposes": "choose at least one consent to withdraw"})
    return [purpose for purpose in Purpose.values if purpose in purposes]


def _answerer(learner: Learner, guardian_id: int | None, today: date) -> Guardian | None:
    """The guardian who answered (None: the adult learner themself), if they may answer."""
    who = answerers_of(learner, today=today)
    if guardian_id is None:
        if not who.learner_answers:
            raise ValidationFailed({"answered_by": f"choose who answered. {who.rule}"})
        return None
    for guardian in who.guardians:
        if guardian.pk == guardian_id:
            return guardian
    raise ValidationFailed({"answered_by": f"this person cannot answer. {who.rule}"})


def _claim_request(learner: Learner, request_id: int | None) -> ConsentRequest | None:
    if request_id is None:
        return None
    open_statuses = [RequestStatus.AWAITING, RequestStatus.NEEDS_OTHER_CHANNEL]
    consent_request = (
        ConsentRequest.objects.select_related("statement", "access")
        .filter(pk=request_id, learner=learner)
        .first()
    )
    if consent_request is None:
        raise NotFound("No such request.")
    claimed = ConsentRequest.objects.filter(pk=request_id, status__in=open_statuses).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    if claimed != 1:
        raise ValidationFailed({"request": "this request has already been answered or replaced"})
    return consent_request


@logged
def consent_record_by_staff(
    *,
    actor: User | SystemActor,
    learner: Learner,
    guardian_id: int | None,
    answered_by_name: str,
    channel: str,
    answers: Mapping[str, str],
    slots: Sequence[Mapping[str, object]],
    given_on: date,
    attachment: EvidenceFile | None,
    request_id: int | None = None,
    reason: str = "",
) -> Recorded:
    """Record consent given in writing another way (a reply email, a paper form, a text),
    with the file that proves it. ``guardian_id`` None means the adult learner themself."""
    require(actor, Permission.RECORD_CONSENT)
    require_same_organisation(actor, learner.organisation_id)
    organisation = learner.organisation
    today = organisation_today(organisation)
    if channel not in WRITTEN_CHANNELS:
        raise ValidationFailed(
            {"channel": "consent must be in writing: a reply email, a paper form or a text"}
        )
    if attachment is None:
        raise ValidationFailed({"attachment": "attach the form, email or message as proof"})
    if given_on > today:
        raise ValidationFailed({"given_on": "the day it was given cannot be in the future"})
    guardian = _answerer(learner, guardian_id, today)
    name = check_name(answered_by_name, "answered_by_name")
    checked = check_answers([p for p in Purpose.values if p in answers], answers)
    if not checked:
        raise ValidationFailed({"answers": "record an answer for at least one purpose"})
    agreed_slots = check_slots(checked, slots)
    with stored(attachment, organisation_id=organisation.pk) as file, transaction.atomic():
        consent_request = _claim_request(learner, request_id)
        statement = (
            consent_request.statement
            if consent_request
            else statement_current(organisation=organisation)
        )
        submission = Submission(
            organisation=organisation,
            learner=learner,
            kind=EvidenceKind.ANSWER,
            channel=channel,
            answered_by_name=name,
            answered_by_email=guardian.email if guardian else "",
            guardian=guardian,
            answered_by_learner=guardian is None,
            request=consent_request,
            access=consent_request.access if consent_request else None,
            statement=statement,
            recorded_by=actor if isinstance(actor, User) else None,
            given_on=given_on,
            reason=reason.strip(),
            attachment=file,
        )
        return record_submission(submission, checked, agreed_slots)


@logged
def consent_withdraw(
    *,
    actor: User | SystemActor,
    learner: Learner,
    purposes: Sequence[str],
    withdrawn_by_name: str,
    channel: str,
    reason: str,
    guardian_id: int | None = None,
) -> Recorded:
    """Record a withdrawal made by phone, in person, by letter or email: anyone may withdraw
    (REC-7), the learner too. ``guardian_id``, if given, is told by email."""
    require(actor, Permission.WITHDRAW_CONSENT)
    require_same_organisation(actor, learner.organisation_id)
    chosen = _check_purposes(purposes)
    if channel not in Channel.values or channel in (Channel.ONLINE, Channel.STAFF_PORTAL):
        raise ValidationFailed({"channel": "say how the withdrawal reached you"})
    if not reason.strip():
        raise ValidationFailed({"reason": "say what was asked for, in a few words"})
    name = check_name(withdrawn_by_name, "withdrawn_by_name")
    guardian = None
    if guardian_id is not None:
        guardian = Guardian.objects.filter(pk=guardian_id, relationships__learner=learner).first()
        if guardian is None:
            raise ValidationFailed({"guardian": "choose a parent or carer of this learner"})
    with transaction.atomic():
        submission = Submission(
            organisation=learner.organisation,
            learner=learner,
            kind=EvidenceKind.WITHDRAWAL,
            channel=channel,
            answered_by_name=name,
            answered_by_email=guardian.email if guardian else "",
            guardian=guardian,
            recorded_by=actor if isinstance(actor, User) else None,
            reason=reason.strip(),
            tell=guardian.email if guardian else "",
        )
        return record_submission(submission, dict.fromkeys(chosen, Answer.WITHDRAWN))
