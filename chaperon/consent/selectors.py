"""Reads of consent. The first two are the interface other apps use (booking re-checks many
sessions at once, so each runs a constant number of queries); the rest serve the pages and are
scoped to the viewer.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import NotFound
from chaperon.core.models import DeliveryStatus
from chaperon.core.pure.consent import ConsentStatus, ParentInformation
from chaperon.people.models import Guardian, Learner, User
from chaperon.people.roles import Permission
from chaperon.people.selectors import organisation_today, year_groups_in

from .answerers import Answerers, answerers_of
from .models import (
    Answer,
    Consent,
    ConsentAccess,
    ConsentEvidence,
    ConsentRequest,
    ConsentSettings,
    OwnRecordingAgreement,
    Purpose,
    RecordingPolicy,
    RequestStatus,
    StaffParty,
    StaffRecordingConsent,
    StatementVersion,
)
from .permissions import access_learner, require

MISSING = ConsentStatus.MISSING
SESSION_KIND_PURPOSE = {
    "one_to_one": Purpose.LIVE_ONE_TO_ONE,
    "group": Purpose.LIVE_GROUP,
    "webinar": Purpose.LIVE_GROUP,
}


@dataclass(frozen=True)
class LearnerConsentFacts:
    participation: ConsentStatus  # for the session kind
    recording: ConsentStatus  # the recording purpose
    parent_information: ParentInformation
    agreed_slots: list[dict[str, object]]  # days and times agreed for 1:1, organisation time


type _Row = tuple[str, date | None, list[dict[str, object]]]


def _answer_on(row: _Row | None, on: date) -> ConsentStatus:
    """The answer in force on ``on``: a given consent past its last day counts as missing."""
    if row is None:
        return ConsentStatus.MISSING
    answer, valid_until, _slots = row
    if answer == Answer.GIVEN and valid_until is not None and valid_until < on:
        return ConsentStatus.MISSING
    return ConsentStatus(answer)


def session_consent_facts(
    *, learner_ids: Sequence[int], kind: str, on: date
) -> dict[int, LearnerConsentFacts]:
    """The consent facts of each learner for a session of ``kind`` ("one_to_one" reads the
    live 1:1 purpose; "group" and "webinar" the live group purpose) held on ``on``. A learner
    with nothing recorded gets "missing" everywhere and no slots. One query."""
    try:
        participation = SESSION_KIND_PURPOSE[kind]
    except KeyError:
        raise ValueError(
            f"unknown session kind {kind!r}; use one of {', '.join(SESSION_KIND_PURPOSE)}"
        ) from None
    ids = list(dict.fromkeys(learner_ids))
    wanted = {participation, Purpose.RECORDING, Purpose.PARENT_INFORMATION, Purpose.LIVE_ONE_TO_ONE}
    rows: dict[tuple[int, str], _Row] = {}
    if ids:
        for learner_id, purpose, answer, valid_until, slots in Consent.objects.filter(
            learner_id__in=ids, superseded_at__isnull=True, purpose__in=wanted
        ).values_list("learner_id", "purpose", "answer", "valid_until", "slots"):
            rows[(learner_id, purpose)] = (answer, valid_until, slots)
    facts = {}
    for learner_id in ids:
        one_to_one = rows.get((learner_id, Purpose.LIVE_ONE_TO_ONE))
        parent_information = _answer_on(rows.get((learner_id, Purpose.PARENT_INFORMATION)), on)
        facts[learner_id] = LearnerConsentFacts(
            participation=_answer_on(rows.get((learner_id, participation)), on),
            recording=_answer_on(rows.get((learner_id, Purpose.RECORDING)), on),
            parent_information=ParentInformation.CONFIRMED
            if parent_information == ConsentStatus.GIVEN
            else ParentInformation.MISSING,
            agreed_slots=list(one_to_one[2])
            if one_to_one and _answer_on(one_to_one, on) == Answer.GIVEN
            else [],
        )
    return facts


def staff_recording_consent(*, staff_ids: Sequence[int]) -> dict[int, bool]:
    """Whether each staff member (``StaffMember`` id) may be recorded: their own consent is
    given and, if they are contracted through an employer, the employer's too (REC-4). One
    query."""
    ids = list(dict.fromkeys(staff_ids))
    current: dict[tuple[int, str], tuple[str, str]] = {}
    if ids:
        for staff_id, party, answer, employer_name in StaffRecordingConsent.objects.filter(
            staff_id__in=ids, superseded_at__isnull=True
        ).values_list("staff_id", "party", "answer", "employer_name"):
            current[(staff_id, party)] = (answer, employer_name)
    result = {}
    for staff_id in ids:
        own = current.get((staff_id, StaffParty.STAFF))
        employer = current.get((staff_id, StaffParty.EMPLOYER))
        own_given = own is not None and own[0] == Answer.GIVEN
        contracted = own is not None and bool(own[1])
        employer_given = employer is not None and employer[0] == Answer.GIVEN
        result[staff_id] = own_given and (not contracted or employer_given)
    return result


def consent_settings_of(organisation_id: int) -> ConsentSettings:
    """The organisation's settings, or the defaults (unsaved) if it has never changed them."""
    found = ConsentSettings.objects.filter(organisation_id=organisation_id).first()
    return found or ConsentSettings(organisation_id=organisation_id)


def recording_policy_of(organisation_id: int) -> RecordingPolicy:
    found = RecordingPolicy.objects.filter(organisation_id=organisation_id).first()
    return found or RecordingPolicy(organisation_id=organisation_id)


def latest_statement(organisation_id: int) -> StatementVersion | None:
    return (
        StatementVersion.objects.filter(organisation_id=organisation_id).order_by("-number").first()
    )


# Pages ---------------------------------------------------------------------------------------

STATUS_LABELS = {
    ConsentStatus.GIVEN: "Given",
    "expiring": "Given, expiring soon",
    "expired": "Expired",
    ConsentStatus.DECLINED: "Declined",
    ConsentStatus.WITHDRAWN: "Withdrawn",
    ConsentStatus.MISSING: "Missing",
}


@dataclass(frozen=True)
class PurposeStatus:
    purpose: str
    label: str
    status: str
    consent: Consent | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def valid_until(self) -> date | None:
        return self.consent.valid_until if self.consent else None


def purpose_status(
    purpose: str, consent: Consent | None, *, today: date, warning_days: int
) -> PurposeStatus:
    label = str(Purpose(purpose).label)
    if consent is None:
        return PurposeStatus(purpose, label, MISSING, None)
    status = consent.answer
    if consent.answer == Answer.GIVEN and consent.valid_until is not None:
        if consent.valid_until < today:
            status = "expired"
        elif consent.valid_until <= today + timedelta(days=warning_days):
            status = "expiring"
    return PurposeStatus(purpose, label, status, consent)


REQUEST_STATE_LABELS = {
    "awaiting": "Waiting for an answer",
    "answered": "Answered",
    "superseded": "Replaced by a newer request",
    "needs_other_channel": "No email address: ask by phone or on paper, then record the answer",
    "bounced": "Email bounced: check the address, or ask by phone or on paper",
    "sending": "Email being sent",
    "failed": "Email not sent yet: trying again",
    "not_sent": "Email could not be sent: check the name and address, or ask by phone or on paper",
    "uncertain": "Email may not have arrived: ask them, and send a new request if it did not",
    "expired": "Link expired without an answer: send a new request",
}
_EMAIL_STATES: dict[str, str] = {
    DeliveryStatus.QUEUED: "sending",
    DeliveryStatus.SENDING: "sending",
    DeliveryStatus.FAILED: "failed",
    DeliveryStatus.INVALID: "not_sent",
    DeliveryStatus.UNCERTAIN: "uncertain",
}


@dataclass(frozen=True)
class RequestState:
    request: ConsentRequest
    state: str

    @property
    def label(self) -> str:
        return REQUEST_STATE_LABELS[self.state]

    @property
    def needs_action(self) -> bool:
        return self.state in {"needs_other_channel", "bounced", "expired", "not_sent", "uncertain"}


def request_state(consent_request: ConsentRequest, *, now: datetime) -> RequestState:
    status = consent_request.status
    if status != RequestStatus.AWAITING:
        return RequestState(consent_request, str(status))
    delivery = consent_request.email_delivery
    if delivery is not None and delivery.status == DeliveryStatus.REFUSED:
        return RequestState(consent_request, "bounced")
    if consent_request.expires_at <= now:
        return RequestState(consent_request, "expired")
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return RequestState(consent_request, "awaiting")
    if delivery.gave_up:
        return RequestState(consent_request, "not_sent")
    return RequestState(consent_request, _EMAIL_STATES.get(delivery.status, "awaiting"))


def _statuses(
    consents: Iterable[Consent], *, today: date, warning_days: int
) -> list[PurposeStatus]:
    by_purpose = {consent.purpose: consent for consent in consents}
    return [
        purpose_status(p, by_purpose.get(p), today=today, warning_days=warning_days)
        for p in Purpose.values
    ]


@dataclass(frozen=True)
class LearnerConsents:
    learner: Learner
    today: date
    statuses: list[PurposeStatus]
    requests: list[RequestState]
    evidence: list[ConsentEvidence]
    agreements: list[OwnRecordingAgreement]
    answerers: Answerers


def learner_consents_for(viewer: User, learner_id: int) -> LearnerConsents:
    """One learner's consents, requests, evidence and agreements. Reading it is audited."""
    learner = access_learner(viewer, learner_id, Permission.VIEW_AND_REQUEST_CONSENT)
    organisation = learner.organisation
    today = organisation_today(organisation)
    warning_days = consent_settings_of(organisation.pk).expiry_warning_days
    current = Consent.objects.filter(learner=learner, superseded_at__isnull=True)
    now = timezone.now()
    requests = ConsentRequest.objects.filter(learner=learner).select_related(
        "email_delivery", "created_by", "guardian"
    )
    evidence = (
        ConsentEvidence.objects.filter(learner=learner)
        .select_related("recorded_by", "statement")
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("id")))
    )
    result = LearnerConsents(
        learner=learner,
        today=today,
        statuses=_statuses(current, today=today, warning_days=warning_days),
        requests=[request_state(r, now=now) for r in requests],
        evidence=list(evidence),
        agreements=list(OwnRecordingAgreement.objects.filter(learner=learner)),
        answerers=answerers_of(learner, today=today),
    )
    record(action=AuditAction.CONSENT_RECORD_VIEWED, actor=viewer, obj=learner)
    return result


@dataclass(frozen=True)
class GroupRow:
    learner: Learner
    statuses: list[PurposeStatus]
    latest_request: RequestState | None


def year_groups_for(viewer: User) -> list[str]:
    require(viewer, Permission.VIEW_AND_REQUEST_CONSENT)
    return year_groups_in(viewer.organisation_id)


def group_learners_for(viewer: User, *, year_group: str) -> QuerySet[Learner]:
    """The learners of a year or group of the viewer's organisation, by surname: cut into pages
    by the caller, then given their consents by ``group_rows_for``."""
    require(viewer, Permission.VIEW_AND_REQUEST_CONSENT)
    return Learner.objects.filter(
        organisation_id=viewer.organisation_id, year_group=year_group
    ).order_by("last_name", "first_name", "id")


def _latest_requests(learner_ids: list[int]) -> dict[int, ConsentRequest]:
    """Each learner's latest request still standing (not superseded): one row per learner,
    picked by the database."""
    latest = (
        ConsentRequest.objects.filter(learner_id=OuterRef("pk"))
        .exclude(status=RequestStatus.SUPERSEDED)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    picked = Learner.objects.filter(pk__in=learner_ids).annotate(latest=Subquery(latest))
    return {
        consent_request.learner_id: consent_request
        for consent_request in ConsentRequest.objects.filter(
            pk__in=picked.values("latest")
        ).select_related("email_delivery")
    }


def group_rows_for(viewer: User, learners: Sequence[Learner]) -> list[GroupRow]:
    """These learners (a page of ``group_learners_for``) with their consents and latest
    request. Three queries however many learners there are; a learner of another
    organisation is left out."""
    require(viewer, Permission.VIEW_AND_REQUEST_CONSENT)
    learners = [
        learner for learner in learners if learner.organisation_id == viewer.organisation_id
    ]
    if not learners:
        return []
    today = organisation_today(viewer.organisation)
    warning_days = consent_settings_of(viewer.organisation_id).expiry_warning_days
    ids = [learner.pk for learner in learners]
    consents: dict[int, list[Consent]] = {}
    for consent in Consent.objects.filter(learner_id__in=ids, superseded_at__isnull=True):
        consents.setdefault(consent.learner_id, []).append(consent)
    latest = _latest_requests(ids)
    now = timezone.now()
    return [
        GroupRow(
            learner=learner,
            statuses=_statuses(
                consents.get(learner.pk, []), today=today, warning_days=warning_days
            ),
            latest_request=request_state(latest[learner.pk], now=now)
            if learner.pk in latest
            else None,
        )
        for learner in learners
    ]


def group_overview_for(viewer: User, *, year_group: str) -> list[GroupRow]:
    """Each learner of a year or group with their consents and latest request. Four queries
    however many learners there are; the page shows ``group_rows_for`` a page at a time."""
    return group_rows_for(viewer, list(group_learners_for(viewer, year_group=year_group)))


@dataclass(frozen=True)
class PurposeCounts:
    label: str
    counts: dict[str, int]  # learners in each state: given, expiring, expired, declined, ...


def group_summary_for(viewer: User, *, year_group: str) -> list[PurposeCounts]:
    """For each purpose, how many learners of the year or group are in each state, counted by
    the database (two queries however many learners). The states are ``purpose_status``'s."""
    return learners_summary_for(viewer, group_learners_for(viewer, year_group=year_group))


def learners_summary_for(viewer: User, learners: QuerySet[Learner]) -> list[PurposeCounts]:
    """``group_summary_for`` of any learners of the viewer's organisation (a class's, say);
    learners of another organisation are not counted."""
    require(viewer, Permission.VIEW_AND_REQUEST_CONSENT)
    learners = learners.filter(organisation_id=viewer.organisation_id)
    total = learners.count()
    today = organisation_today(viewer.organisation)
    horizon = today + timedelta(
        days=consent_settings_of(viewer.organisation_id).expiry_warning_days
    )
    state = Case(
        When(answer=Answer.GIVEN, valid_until__lt=today, then=Value("expired")),
        When(answer=Answer.GIVEN, valid_until__lte=horizon, then=Value("expiring")),
        default=F("answer"),
        output_field=CharField(),
    )
    counted = (
        Consent.objects.filter(learner__in=learners.values("pk"), superseded_at__isnull=True)
        .annotate(state=state)
        .values_list("purpose", "state")
        .annotate(learners=Count("learner_id"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {purpose: {} for purpose in Purpose.values}
    for purpose, status, number in counted:
        counts[purpose][status] = number
    for purpose_counts in counts.values():
        purpose_counts[MISSING] = total - sum(purpose_counts.values())
    return [PurposeCounts(str(Purpose(p).label), counts[p]) for p in Purpose.values]


def current_statuses(learner: Learner) -> list[PurposeStatus]:
    """A learner's consents now, for the person holding their personal link."""
    today = organisation_today(learner.organisation)
    warning_days = consent_settings_of(learner.organisation_id).expiry_warning_days
    current = Consent.objects.filter(learner=learner, superseded_at__isnull=True)
    return _statuses(current, today=today, warning_days=warning_days)


def given_purposes(statuses: Iterable[PurposeStatus]) -> list[str]:
    """The purposes of ``statuses`` whose current answer is given, expired or not: those a
    withdrawal can name."""
    return [
        s.purpose for s in statuses if s.consent is not None and s.consent.answer == Answer.GIVEN
    ]


def latest_evidence_id(learner_id: int) -> int:
    """The id of the learner's latest evidence (0 for none): forms carry it, so that a form
    sent twice is noticed."""
    latest = (
        ConsentEvidence.objects.filter(learner_id=learner_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return latest or 0


def open_requests_of(learner: Learner) -> list[ConsentRequest]:
    return list(
        ConsentRequest.objects.filter(
            learner=learner,
            status__in=[RequestStatus.AWAITING, RequestStatus.NEEDS_OTHER_CHANNEL],
        )
    )


def guardians_of(learner: Learner) -> list[Guardian]:
    return list(Guardian.objects.filter(relationships__learner=learner).order_by("full_name", "id"))


def _evidence_of(access: ConsentAccess) -> QuerySet[ConsentEvidence]:
    """The evidence about this person's answers for this learner, whichever of their links
    (or which staff member) recorded it."""
    evidence = ConsentEvidence.objects.filter(learner_id=access.learner_id)
    if access.guardian_id is not None:
        return evidence.filter(guardian_id=access.guardian_id)
    return evidence.filter(guardian__isnull=True, answered_by_learner=True)


def receipts_of(access: ConsentAccess) -> list[ConsentEvidence]:
    """This person's answers and withdrawals for the learner, newest first."""
    return list(
        _evidence_of(access).prefetch_related(
            Prefetch("consents", queryset=Consent.objects.order_by("id"))
        )
    )


def receipt_of(access: ConsentAccess, receipt_id: uuid.UUID) -> ConsentEvidence:
    evidence = (
        _evidence_of(access)
        .filter(receipt_id=receipt_id)
        .select_related("statement", "learner", "organisation")
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("id")))
        .first()
    )
    if evidence is None:
        raise NotFound("No such receipt.")
    return evidence


def statement_versions_for(viewer: User) -> list[StatementVersion]:
    require(viewer, Permission.EDIT_CONSENT_STATEMENT)
    return list(
        StatementVersion.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("created_by")
        .order_by("-number")
    )


def public_statement(slug: str, number: int) -> StatementVersion:
    """A statement version, for anyone (it holds no personal data): the policy a receipt
    points at."""
    version = (
        StatementVersion.objects.filter(organisation__slug=slug, number=number)
        .select_related("organisation")
        .first()
    )
    if version is None:
        raise NotFound("No such statement.")
    return version


def receipt_for(viewer: User, evidence_id: int, *, form: str) -> ConsentEvidence:
    """A consent receipt (``form``: "json" or "pdf"), for those who record consent: it names
    the person who answered, their email address and the child. Opening it is audited."""
    require(viewer, Permission.RECORD_CONSENT)
    evidence = (
        ConsentEvidence.objects.filter(pk=evidence_id, organisation_id=viewer.organisation_id)
        .select_related("statement", "learner", "organisation")
        .first()
    )
    if evidence is None:
        raise NotFound("No such evidence.")
    record(
        action=AuditAction.CONSENT_RECEIPT_VIEWED, actor=viewer, obj=evidence, data={"form": form}
    )
    return evidence


@dataclass(frozen=True)
class EvidenceAttachment:
    name: str
    content_type: str
    path: str


ATTACHMENT_KINDS: dict[
    str, type[ConsentEvidence | OwnRecordingAgreement | StaffRecordingConsent]
] = {
    "evidence": ConsentEvidence,
    "agreement": OwnRecordingAgreement,
    "staff": StaffRecordingConsent,
}


def attachment_for(viewer: User, kind: str, pk: int) -> EvidenceAttachment:
    """An evidence file, for those who record consent. Opening it is audited."""
    require(viewer, Permission.RECORD_CONSENT)
    model = ATTACHMENT_KINDS.get(kind)
    row = (
        model.objects.filter(pk=pk, organisation_id=viewer.organisation_id).first()
        if model is not None
        else None
    )
    if row is None or not row.attachment.name:
        raise NotFound("No such file.")
    record(
        action=AuditAction.CONSENT_EVIDENCE_VIEWED,
        actor=viewer,
        obj=row,
        data={"file": row.attachment_name},
    )
    return EvidenceAttachment(row.attachment_name, row.attachment_type, row.attachment.name)


def consent_outstanding_by_organisation(organisation_ids: list[int]) -> dict[int, int]:
    """For each organisation, how many consent requests still wait for an answer (sent, or
    to be asked another way) and have not expired. Counts only, one query, for organisations
    the caller has already found the viewer may see (a trust's figures)."""
    rows = (
        ConsentRequest.objects.filter(
            organisation_id__in=organisation_ids,
            status__in=[RequestStatus.AWAITING, RequestStatus.NEEDS_OTHER_CHANNEL],
            expires_at__gt=timezone.now(),
        )
        .values("organisation_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["organisation_id"]: row["count"] for row in rows}


def consent_request_figures(
    organisation_id: int, *, since: datetime, until: datetime
) -> dict[str, int]:
    """Consent requests sent in [since, until) and how many of those have been answered:
    {"sent", "answered"}. Counts only, one aggregate query (ORG-6)."""
    figures = ConsentRequest.objects.filter(
        organisation_id=organisation_id, created_at__gte=since, created_at__lt=until
    ).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(status=RequestStatus.ANSWERED)),
    )
    return {"sent": figures["sent"], "answered": figures["answered"]}


def learners_not_yet_asked(
    viewer: User, learners: QuerySet[Learner], purposes: Sequence[str]
) -> list[int]:
    """Of ``learners`` (a class's, say), those to ask for ``purposes``: not every one of them
    given and in date, and no request of theirs still awaiting an answer. Two queries."""
    require(viewer, Permission.VIEW_AND_REQUEST_CONSENT)
    learners = learners.filter(organisation_id=viewer.organisation_id)
    today = organisation_today(viewer.organisation)
    given = (
        Consent.objects.filter(
            learner__in=learners.values("pk"),
            superseded_at__isnull=True,
            purpose__in=list(purposes),
            answer=Answer.GIVEN,
        )
        .exclude(valid_until__lt=today)
        .values("learner_id")
        .annotate(purposes=Count("purpose"))
        .filter(purposes=len(set(purposes)))
        .values("learner_id")
    )
    awaiting = ConsentRequest.objects.filter(
        learner__in=learners.values("pk"),
        status=RequestStatus.AWAITING,
        expires_at__gt=timezone.now(),
    ).values("learner_id")
    return list(
        learners.exclude(pk__in=given)
        .exclude(pk__in=awaiting)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )


# For subject access (ORG-7): a learner's or a parent's whole consent history, read by a
# service that has already checked the DSL's permission and the person's organisation.


def consent_history_of(
    *, learner_id: int | None = None, guardian_id: int | None = None
) -> tuple[list[ConsentRequest], list[ConsentEvidence]]:
    """The consent requests sent about (or to) the person and every answer given, oldest
    first, each answer with its consents per purpose."""
    who = Q(learner_id=learner_id) if learner_id is not None else Q(guardian_id=guardian_id)
    requests = list(
        ConsentRequest.objects.filter(who).select_related("learner").order_by("created_at", "id")
    )
    evidence = list(
        ConsentEvidence.objects.filter(who)
        .select_related("learner", "recorded_by")
        .prefetch_related("consents")
        .order_by("answered_at", "id")
    )
    return requests, evidence


def _current_or_later(cut_off: date) -> QuerySet[Consent]:
    return Consent.objects.filter(evidence=OuterRef("pk")).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__date__gt=cut_off)
    )


def consent_evidence_ended_by(learner: Any, cut_off: date) -> QuerySet[ConsentEvidence]:
    """A learner's consent evidence whose every answer ended (was withdrawn or replaced by a
    later answer) on or before ``cut_off``: what the retention schedule's period runs from."""
    return (
        ConsentEvidence.objects.filter(learner=learner)
        .filter(Exists(Consent.objects.filter(evidence=OuterRef("pk"))))
        .exclude(Exists(_current_or_later(cut_off)))
    )


def consent_evidence_first_ended_on(learner: Learner) -> date | None:
    """The day the learner's earliest-ended consent evidence ended (its last answer was
    withdrawn or replaced), or None while every piece of evidence has a current answer."""
    ended = (
        ConsentEvidence.objects.filter(learner=learner)
        .annotate(
            ended=Max("consents__superseded_at"),
            current=Count("consents", filter=Q(consents__superseded_at__isnull=True)),
        )
        .filter(current=0, ended__isnull=False)
        .order_by("ended")
        .values_list("ended", flat=True)
        .first()
    )
    return None if ended is None else timezone.localdate(ended)
