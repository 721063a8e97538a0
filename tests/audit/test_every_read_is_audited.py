"""Every page and API operation that shows a person's record writes an audit event when it is
read (LOG-2, ORG-7). The tests walk the URL resolver and the OpenAPI operations: each one is
either read by a signed-in DSL here, with its audit event asserted, or listed below with the
reason it is not audited. A new page or operation fails until it is placed in one or the other.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chaperon.api.urls import api
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.attachments import concern_file
from chaperon.concerns.models import ConcernAttachment
from chaperon.consent import links
from chaperon.consent.attachments import evidence_file
from chaperon.consent.models import ConsentEvidence, Purpose
from chaperon.consent.services import consent_record_by_staff
from chaperon.core.actors import SYSTEM
from chaperon.core.pure.dates import add_years
from chaperon.families.links import family_token
from chaperon.governance.aup_links import agreement_token
from chaperon.governance.certificates import certificate_file
from chaperon.governance.models import Audience, AupRequest
from chaperon.governance.quarters import SchoolYear
from chaperon.governance.self_review import ASPECT_KEYS
from chaperon.governance.services import (
    annual_review_start,
    aup_publish,
    aup_requests_send,
    self_review_record,
    training_completion_record,
    training_courses_ensure,
)
from chaperon.people.services import group_add_learners, group_create
from chaperon.transfers.services import transfer_send_package
from tests import factories
from tests.api.conftest import api_as
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.consent.helpers import agree_to_all_but, form_data, send_request
from tests.governance.filtering_helpers import imported_report
from tests.recordings.helpers import make_recording
from tests.records.helpers import ended_session, written
from tests.retention.helpers import (
    answered,
    close_cases_about,
    learner_with_file,
    left_years_ago,
)
from tests.subject_access.helpers import released_request

pytestmark = [pytest.mark.clause("LOG-2"), pytest.mark.clause("ORG-7")]

A = AuditAction

# Pages whose every reading by a signed-in DSL writes this event.
AUDITED: dict[str, AuditAction] = {
    "people:staff_list": A.STAFF_COMPLIANCE_VIEWED,
    "governance:agreements": A.STAFF_COMPLIANCE_VIEWED,
    "governance:training": A.STAFF_COMPLIANCE_VIEWED,
    "governance:training_certificate": A.TRAINING_CERTIFICATE_VIEWED,
    "retention:review": A.RETENTION_REVIEW_VIEWED,
    "retention:destroy": A.RETENTION_REVIEW_VIEWED,  # names the person and their records
    "retention:destroy_file": A.RETENTION_REVIEW_VIEWED,  # names the learner and their file
    "retention:destroy_consent": A.RETENTION_REVIEW_VIEWED,  # names the learner, their evidence
    "people:staff_detail": A.STAFF_COMPLIANCE_VIEWED,
    "people:learner_detail": A.LEARNER_VIEWED,
    "people:learner_edit": A.LEARNER_VIEWED,  # the form shows the record
    "people:staff_checks": A.STAFF_COMPLIANCE_VIEWED,
    "people:guardian_detail": A.GUARDIAN_VIEWED,
    "people:guardian_edit": A.GUARDIAN_VIEWED,
    "consent:learner": A.CONSENT_RECORD_VIEWED,
    "consent:attachment": A.CONSENT_EVIDENCE_VIEWED,
    "consent:evidence_receipt": A.CONSENT_RECEIPT_VIEWED,
    "consent:evidence_receipt_pdf": A.CONSENT_RECEIPT_VIEWED,
    "consent:answer": A.CONSENT_LINK_OPENED,
    "agree": A.AUP_LINK_OPENED,
    "consent:manage": A.CONSENT_LINK_OPENED,
    "consent:manage_change": A.CONSENT_LINK_OPENED,
    "consent:receipt": A.CONSENT_RECEIPT_VIEWED,
    "consent:receipt_json": A.CONSENT_RECEIPT_VIEWED,
    "consent:receipt_pdf": A.CONSENT_RECEIPT_VIEWED,
    "records:detail": A.MEETING_RECORD_VIEWED,
    "records:amend": A.MEETING_RECORD_VIEWED,  # the form shows the record's text
    "sessions:prepare": A.SESSION_PREPARATION_VIEWED,
    "recordings:detail": A.RECORDING_VIEWED,
    "recordings:play": A.RECORDING_VIEWED,
    "rooms:log": A.ROOM_LOG_VIEWED,
    "concerns:list": A.CONCERN_LIST_VIEWED,
    "concerns:export": A.CONCERN_LIST_EXPORTED,
    "concerns:tasks": A.CONCERN_TASKS_VIEWED,
    "concerns:detail": A.CONCERN_VIEWED,
    "concerns:close": A.CONCERN_VIEWED,  # the closing form shows the case
    "concerns:attachment": A.CONCERN_ATTACHMENT_OPENED,
    "concerns:chronology": A.CONCERN_CHRONOLOGY_VIEWED,
    "concerns:chronology_pdf": A.CONCERN_CHRONOLOGY_EXPORTED,
    "families:page": A.FAMILY_PAGE_OPENED,
    "deliveries:list": A.EMAIL_DELIVERIES_VIEWED,
    "governance:filtering_report": A.FILTER_REPORT_VIEWED,
    "governance:board_report": A.BOARD_REPORT_VIEWED,
    "governance:board_report_pdf": A.BOARD_REPORT_VIEWED,
    "governance:review": A.ANNUAL_REVIEW_VIEWED,
    "governance:self_review": A.SELF_REVIEW_VIEWED,  # names the owners of its actions
    "classes:detail": A.GROUP_VIEWED,
    "subject_access:list": A.SUBJECT_ACCESS_LIST_VIEWED,  # names whom each request is about
    "subject_access:detail": A.SUBJECT_ACCESS_VIEWED,
    "subject_access:download": A.SUBJECT_ACCESS_DOWNLOADED,
    "transfers:outgoing": A.TRANSFER_LIST_VIEWED,
    "transfers:incoming": A.TRANSFER_LIST_VIEWED,
    "transfers:send": A.LEARNER_VIEWED,
    "transfers:detail": A.TRANSFER_VIEWED,
    "transfers:package": A.TRANSFER_PACKAGE_DOWNLOADED,
}

CHANGE = "a change (POST only), audited by the service that makes it"

# Pages not audited when read, each with the reason.
NOT_AUDITED: dict[str, str] = {
    "": "redirects to the dashboard",
    "healthz": "no personal data: whether the database answers",
    "people:dashboard": "figures and case references; the names behind the staff figures are "
    "on the staff page, whose every reading is audited",
    "favicon": "the site's icon",
    "outbox": "the embedded demo's stand-in for a mail server; off everywhere else (OUTBOX_PAGE)",
    "accounts:sign_in": "no personal data: the sign-in form",
    "accounts:second_factor": "the signed-in person's own authenticator set-up",
    "accounts:sso_start": "no personal data: sends the browser to the organisation's provider",
    "accounts:sso_callback": "the sign-in itself, audited as a sign-in or a refused one",
    "accounts:sign_out": CHANGE,
    "accounts:api_tokens": "the signed-in person's own tokens: names and dates, never a secret",
    "accounts:second_factor_reset": "a form naming whose authenticator to reset; the reset is "
    "audited with its reason",
    "accounts:api_token_revoke": CHANGE,
    "accounts:password_reset": "no personal data: the form asking for an address",
    "accounts:password_reset_sent": "no personal data",
    "accounts:password_reset_confirm": "the holder's own new-password form, from their email",
    "accounts:password_reset_complete": "no personal data",
    "api-1:openapi-json": "the API's description: no personal data",
    "api-1:openapi-view": "the API's documentation page: no personal data",
    "api-1:api-root": "no personal data: the API's address",
    "api-1:unknown_address": "answers that there is no such address",
    "consent:learner_send": CHANGE,
    "consent:learner_record": "the form for consent given another way: the learner's and "
    "their parents' names; what is recorded is audited",
    "consent:learner_withdraw": "the form for a withdrawal: names and the purposes given; the "
    "withdrawal is audited",
    "consent:learner_own_recording": "the form for a family's own-recording agreement: the "
    "learner's name; the agreement is audited",
    "consent:groups": "a year group's consents by learner name: the working list of those who "
    "ask for consent; each learner's consent record behind it is audited",
    "consent:groups_send": CHANGE,
    "consent:statement": "the consent statement and who saved each version (staff names)",
    "consent:staff_list": "staff names and their answers about being recorded, for those who "
    "manage consent",
    "consent:staff_mine": "the signed-in member of staff's own answer",
    "consent:staff_employer": "the form for an employer's consent: the staff member's name; "
    "the answer is audited",
    "consent:manage_withdraw": CHANGE,
    "consent:statement_public": "a published consent statement: no personal data",
    "policy:policy": "the session policy in words: no personal data",
    "policy:edit": "the session policy as YAML: no personal data",
    "sessions:list": "upcoming sessions with learners' names: the working list of those who "
    "run and oversee them; the meeting records and room logs behind it are audited",
    "sessions:book": "the booking form: names to choose from; the booking is audited",
    "classes:list": "classes and groups by name and course with how many learners each has, "
    "naming nobody; a class's page, which names its learners, is audited",
    "classes:consent_send": "a change, audited as consent_request_sent for each learner asked",
    "sessions:platforms": "the register of approved platforms: no personal data",
    "sessions:detail": "a session's working page: names, times, the adult at home and the "
    "policy check (not the risk assessment's text); its meeting record and room log are "
    "audited",
    "sessions:reschedule": "a form for a change, audited as session_rescheduled",
    "sessions:cancel": "a form for a change, audited as session_cancelled",
    "sessions:open": "a change, audited as session_opened or session_open_refused",
    "sessions:exception_decide": CHANGE,
    "sessions:join": "the holder's own invitation (the session and their own name), from the "
    "link emailed to them; entering the room is audited",
    "records:write": "the form for writing the meeting record: names and attendance; "
    "the record written is audited",
    "recordings:list": "recordings by session title and date, holds and certificates, naming "
    "nobody who appears in them; a recording's page, which does, is audited",
    "recordings:access": CHANGE,
    "recordings:media": "the stream of a recording, sent only within two hours of the reason "
    "given on its page (audited as recording_played); an event for every byte range asked for "
    "would bury the reads that matter",
    "recordings:hold": CHANGE,
    "recordings:release": CHANGE,
    "recordings:public_certificate": "a destruction certificate for whoever holds its link: "
    "the session's title and what was destroyed, naming nobody who appeared",
    "rooms:enter": "the holder's own join link: the passcode form",
    "rooms:room": "the live room: who is present is shown, live, to those admitted; each "
    "admission is audited",
    "rooms:left": "the page after leaving a room: no personal data",
    "rooms:check": "a member of staff's own pre-call check before a session: their camera and "
    "the checklist, no one else's record; the check kept is audited",
    "rooms:check_relay": "a few minutes' TURN credential for the session's staff to test the "
    "relay: no personal data",
    "concerns:new": "the form for reporting a concern: learners' names to choose from; the "
    "concern raised is audited",
    "concerns:mine": "the concerns the signed-in member of staff raised themself",
    "concerns:acknowledge": CHANGE,
    "concerns:triage": CHANGE,
    "concerns:step_done": CHANGE,
    "concerns:referral": CHANGE,
    "concerns:note": CHANGE,
    "concerns:change": CHANGE,
    "concerns:grant": CHANGE,
    "concerns:reclassify": CHANGE,
    "concerns:suspend": CHANGE,
    "concerns:lift_suspension": CHANGE,
    "concerns:task_add": CHANGE,
    "concerns:step_assign": CHANGE,
    "concerns:link": CHANGE,
    "concerns:unlink": CHANGE,
    "report:new": "the public report form: no personal data",
    "report:from_invitation": "the public report form from a join link: the session's title",
    "report:for_organisation": "the public report form of one organisation, with the "
    "safeguarding contacts it publishes",
    "families:learner": "the names of a learner's parents and carers and whether their family "
    "page links were stopped, for stopping them; the stop is audited",
    "families:guardian_stop": CHANGE,
    "families:stop": CHANGE,
    "people:learner_list": "learners by name, year, date of birth and whether at risk, a page "
    "at a time: the directory staff find a learner in, many times a day; each learner's "
    "record behind it is audited, and listing through the API is (learner_list_read)",
    "people:organisation": "the organisation's settings and sites, with the safeguarding "
    "contacts it publishes",
    "people:site_add": CHANGE,
    "people:staff_roles": "a member of staff's name and roles, to change them; the change (or "
    "its refusal) is audited",
    "people:learner_add": "the form for a new learner: no personal data",
    "people:learner_guardian_add": "the form for a new parent or carer: the learner's name; "
    "what is added is audited",
    "people:learner_guardian_find": "parents and carers by name, at most 20, found to link one "
    "to a learner; each guardian's record behind it is audited",
    "people:pick": "names (and a learner's year or group), at most 20, found as one types in a "
    "form's picker: nothing else of anyone's record",
    "people:relationship_edit": "how a named parent is related to a named learner, to change "
    "it; the change is audited",
    "people:relationship_remove": CHANGE,
    "sessions:change": "the form for changing a session's people, recording and platform: the "
    "names on the session's own page; the change is audited",
    "people:import_upload": "the import form: no personal data",
    "people:roster_upload": "the OneRoster import form and recent imports: file names and counts",
    "people:roster_import": "an export's preview for the one who imports it: the names it "
    "holds and the problems found in it; what it changes is audited when applied",
    "people:roster_apply": CHANGE,
    "accounts:sso_settings": "the organisation's single sign-on settings: no personal data; "
    "each change is audited",
    "people:roster_import_status": "an export's progress while it is checked or applied: "
    "counts only",
    "people:import_job": "an import's report: counts and the problems found row by row; the "
    "import is audited",
    "people:import_job_status": "an import's progress: counts only",
    "trusts:list": "the names of the trusts the viewer holds a role in",
    "trusts:overview": "counts of a trust's schools (staff checks, sessions, concerns by "
    "status and category, consent, recordings): no person's name, reference or record",
    "people:staff_left": "the form to mark someone as left; the change is audited as staff_left",
    "people:learner_left": "the form to mark a learner as left; the change is audited as "
    "learner_left",
    "contacts": "the safeguarding team as the organisation publishes it to everyone (ORG-1)",
    "governance:team": "the safeguarding team as published, with work email addresses, to "
    "the organisation's own staff",
    "governance:give": "a change, audited as team_post_given",
    "governance:take": "a change, audited as team_post_taken",
    "governance:contact": "a change, audited as team_contact_changed",
    "governance:agreement": "the staff agreement's text, to agree to; agreeing is audited as "
    "aup_signed",
    "governance:agreement_publish": "a change, audited as aup_published",
    "governance:agreements_ask": "a change, audited as aup_requests_asked",
    "governance:filtering": "the filtering reports as counts (entries, serious, not matched) "
    "and who imported and checked them: no entry, so nobody it names",
    "governance:filtering_upload": "the upload form and, for a refused file, its problems by "
    "line and column; the import is audited as filter_report_imported",
    "governance:filtering_check": "a change, audited as filter_check_recorded",
    "governance:filtering_raise": "a change, audited as filter_entry_concern_raised",
    "governance:personal_information": "the register of personal information (ORG-7): kinds "
    "of information and the roles that see them, never a person's record",
    "governance:personal_information_csv": "the same register as a CSV: no personal data",
    "retention:schedule": "the retention schedule and the organisation's own periods: kinds "
    "of record, never a person's; its certificates name no one destroyed",
    "retention:period_set": "a change, audited as retention_period_set",
    "retention:keep": "a change, audited as retention_reviewed",
    "retention:hold_place": "a change, audited as retention_hold_placed",
    "retention:hold_release": "a change, audited as retention_hold_released",
    "subject_access:start": "the form for a new request: a search for one person; the request "
    "recorded is audited as subject_access_started",
    "subject_access:prepare": CHANGE,
    "subject_access:decide": CHANGE,
    "subject_access:disclose_staff": CHANGE,
    "subject_access:add_party": CHANGE,
    "subject_access:release": CHANGE,
    "transfers:import": "no personal data: the form asking for a package and its passphrase; "
    "an import is audited as transfer_package_imported",
    "transfers:send_from_concern": "redirects from a concern to its learner's send page, "
    "whose reading is audited",
    "transfers:accept": "a change, audited as transfer_accepted",
    "transfers:decline": "a change, audited as transfer_declined",
    "transfers:receipt": "a change, audited as transfer_received",
    "governance:training_course": "a change, audited as training_course_added",
    "governance:board_reports": "the quarters of the board's report, whether each is prepared "
    "and has a narrative: no personal data",
    "governance:board_narrative": "a change, audited as board_report_narrative_saved",
    "governance:reviews": "the school years reviewed, their versions and who signed each off "
    "(staff names)",
    "governance:review_start": "a change, audited as annual_review_started",
    "governance:self_reviews": "the self-reviews by date, who made each and their mean level",
    "governance:self_review_action": "a change, audited as self_review_action_added",
    "governance:training_course_rename": "a change, audited as training_course_renamed",
    "governance:training_course_retire": "a change, audited as training_course_retired or "
    "training_course_restored",
    "governance:self_review_action_mark": "a change, audited as self_review_action_changed",
    "governance:board_meetings": "the days the board meets and whether each reminder was "
    "sent: no personal data; setting one is audited as board_meeting_added",
    "governance:board_meeting_remove": "a change, audited as board_meeting_removed",
    "governance:self_review_new": "the self-review form: no personal data; the review recorded "
    "is audited",
    "governance:review_new_version": "a change, audited as annual_review_started",
    "governance:review_risk": "a change, audited as annual_review_changed",
    "governance:review_action": "a change, audited as annual_review_changed",
    "governance:review_action_done": "a change, audited as annual_review_changed",
    "governance:review_findings": "a change, audited as annual_review_changed",
    "governance:review_sign_off": "a change, audited as annual_review_signed_off",
    "governance:training_record": "the form to record a completion, choosing the person with "
    "the picker (no list of staff); the change is audited as training_completion_recorded",
    "governance:my_training": "the signed-in member of staff's own training, to themselves",
}

# API operations whose every call by a DSL's token writes this event.
API_AUDITED: dict[str, AuditAction] = {
    "staff_list": A.STAFF_COMPLIANCE_VIEWED,
    "staff_read": A.STAFF_COMPLIANCE_VIEWED,
    "learner_list": A.LEARNER_LIST_READ,
    "learner_read": A.LEARNER_VIEWED,
    "guardian_list": A.GUARDIAN_LIST_READ,
    "guardian_read": A.GUARDIAN_VIEWED,
}
API_NOT_AUDITED: dict[str, str] = {
    "organisation_read": "the organisation's settings and sites, with the safeguarding "
    "contacts it publishes",
    "policy_check": "judges the plan sent in the request; reads nothing stored",
    "organisation_change": "a change, audited as organisation_updated",
    "staff_add": "a change, audited as staff_created",
    "staff_change": "a change, audited as staff_updated",
    "staff_roles_set": "a change, audited as staff_roles_changed",
    "learner_add": "a change, audited as learner_created",
    "learner_change": "a change, audited as learner_updated",
    "guardian_add": "a change, audited as guardian_created",
    "guardian_change": "a change, audited as guardian_updated",
    "guardian_link_set": "a change, audited as guardian_linked or guardian_link_updated",
    "guardian_link_remove": "a change, audited as guardian_unlinked",
}


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _url_names(pattern.url_patterns, joined)
        else:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name or ""


def _operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
    }


def test_every_page_is_either_audited_or_listed_with_a_reason() -> None:
    operations = _operations()
    names = set(_url_names(get_resolver().url_patterns))
    pages = {name for name in names if name.removeprefix("api-1:") not in operations}
    listed = [*AUDITED, *NOT_AUDITED]

    assert len(listed) == len(set(listed)), "a page is listed twice"
    assert sorted(pages - set(listed)) == [], "new pages: audit them or say why not"
    assert sorted(set(listed) - pages) == [], "listed pages that no longer exist"
    assert all(len(reason) > 10 for reason in NOT_AUDITED.values())


def test_every_api_operation_is_either_audited_or_listed_with_a_reason() -> None:
    listed = [*API_AUDITED, *API_NOT_AUDITED]

    assert len(listed) == len(set(listed))
    assert sorted(_operations() ^ set(listed)) == []


@dataclass
class World:
    """One of every record a DSL may read, in the cast's organisation."""

    paths: dict[str, str]
    play_reason_path: str


def _answered_by_link(cast: Cast) -> tuple[str, ConsentEvidence]:
    consent_request = send_request(cast.teacher, cast.learner)
    answered = Client().post(
        f"/consent/r/{links.request_token(consent_request)}/", form_data(agree_to_all_but())
    )
    assert answered.status_code == 302
    consent_request.refresh_from_db()
    evidence = ConsentEvidence.objects.get(request=consent_request)
    return links.access_token(consent_request.access), evidence


def _world(cast: Cast) -> World:
    token, by_link = _answered_by_link(cast)
    on_paper = consent_record_by_staff(
        actor=SYSTEM,
        learner=cast.learner,
        guardian_id=cast.guardian.pk,
        answered_by_name="Morgan Alder",
        channel="paper",
        answers={"live_group": "given"},
        slots=[],
        given_on=date.today(),
        attachment=evidence_file(name="form.pdf", content=b"%PDF-1.4 signed form"),
    ).evidence
    sibling = factories.learner(cast.organisation, first_name="Sky", last_name="Alder")
    factories.guardian(cast.organisation, of=sibling, full_name="Lee Alder")
    awaiting = send_request(cast.teacher, sibling)
    concern = public_concern(
        cast.organisation,
        attachment=concern_file(name="note.txt", content=b"A note in words.", declared_type=""),
    )
    document = ConcernAttachment.objects.get(concern=concern)
    recording = make_recording(cast)
    met = ended_session(cast)
    written(cast, met)
    filter_report = imported_report(cast)
    review = annual_review_start(actor=cast.dsl, year=SchoolYear(2025))
    self_review = self_review_record(
        actor=cast.dsl,
        reviewed_on=cast.organisation.today(),
        ratings=dict.fromkeys(ASPECT_KEYS, (3, "")),
    )
    completion = training_completion_record(
        actor=cast.dsl,
        staff=cast.teacher.staff,
        course_id=training_courses_ensure(actor=SYSTEM, organisation=cast.organisation)[0].pk,
        completed_on=date.today() - timedelta(days=1),
        certificate_upload=certificate_file(name="induction.pdf", content=b"%PDF-1.4 done"),
    )
    parents_agreement = aup_publish(
        actor=SYSTEM,
        organisation=cast.organisation,
        audience=Audience.PARENT,
        title="Parents' agreement",
        text="I support my child online.",
    )
    aup_requests_send(version_id=parents_agreement.pk)
    aup_link = AupRequest.objects.get(guardian=cast.guardian)
    left = left_years_ago(cast, cast.teacher2, 7)
    file_due = learner_with_file(cast, add_years(cast.organisation.today(), -26), first_name="Kai")
    close_cases_about(learner=file_due)
    consent_due = factories.learner(cast.organisation, first_name="Ren")
    answered(consent_due, add_years(cast.organisation.today(), -9), Purpose.LIVE_GROUP)
    answered(consent_due, add_years(cast.organisation.today(), -7), Purpose.LIVE_GROUP)
    french = group_create(
        actor=SYSTEM, organisation=cast.organisation, kind="class", name="Year 9 French"
    )
    group_add_learners(actor=SYSTEM, group=french, learners=[cast.learner])
    access_request = released_request(cast)
    receipt = f"/consent/m/{token}/receipts/{by_link.receipt_id}"
    sent = transfer_send_package(
        actor=cast.dsl, learner_id=cast.learner.pk, receiving_school="Alder Grove High"
    ).transfer
    learner = cast.learner.pk
    paths = {
        "people:staff_list": "/staff/",
        "governance:agreements": "/governance/agreements/",
        "governance:training": "/governance/training/",
        "governance:training_certificate": (
            f"/governance/training/completions/{completion.pk}/certificate/"
        ),
        "people:staff_detail": f"/staff/{cast.teacher.staff.pk}/",
        "people:learner_detail": f"/learners/{learner}/",
        "people:learner_edit": f"/learners/{learner}/edit/",
        "people:staff_checks": f"/staff/{cast.teacher.staff.pk}/checks/",
        "people:guardian_detail": f"/guardians/{cast.guardian.pk}/",
        "people:guardian_edit": f"/guardians/{cast.guardian.pk}/edit/",
        "consent:learner": f"/consent/learners/{learner}/",
        "consent:attachment": f"/consent/files/evidence/{on_paper.pk}/",
        "consent:evidence_receipt": f"/consent/evidence/{on_paper.pk}/receipt.json",
        "consent:evidence_receipt_pdf": f"/consent/evidence/{on_paper.pk}/receipt.pdf",
        "consent:answer": f"/consent/r/{links.request_token(awaiting)}/",
        "agree": f"/agree/{agreement_token(aup_link)}/",
        "consent:manage": f"/consent/m/{token}/",
        "consent:manage_change": f"/consent/m/{token}/change/",
        "consent:receipt": f"{receipt}/",
        "consent:receipt_json": f"{receipt}.json",
        "consent:receipt_pdf": f"{receipt}.pdf",
        "records:detail": f"/sessions/{met.pk}/record/",
        "records:amend": f"/sessions/{met.pk}/record/amend/",
        "sessions:prepare": f"/sessions/{met.pk}/prepare/",
        "recordings:detail": f"/recordings/{recording.pk}/",
        "recordings:play": f"/recordings/{recording.pk}/play/",
        "rooms:log": f"/rooms/{recording.session_id}/log/",
        "concerns:list": "/concerns/",
        "concerns:export": "/concerns/export.csv",
        "concerns:tasks": "/concerns/tasks/",
        "concerns:detail": f"/concerns/{concern.pk}/",
        "concerns:close": f"/concerns/{concern.pk}/close/",
        "concerns:attachment": f"/concerns/{concern.pk}/documents/{document.pk}/",
        "concerns:chronology": f"/concerns/learners/{learner}/chronology/",
        "concerns:chronology_pdf": f"/concerns/learners/{learner}/chronology.pdf",
        "families:page": f"/family/{family_token(cast.guardian.pk)}/",
        "deliveries:list": "/email/",
        "governance:filtering_report": f"/governance/filtering/{filter_report.pk}/",
        "retention:review": "/retention/review/",
        "retention:destroy": f"/retention/review/staff/{left.pk}/destroy/",
        "retention:destroy_file": f"/retention/review/learner/{file_due.pk}/destroy/",
        "retention:destroy_consent": f"/retention/review/learner/{consent_due.pk}/consent/destroy/",
        "governance:board_report": "/governance/board/2026-q1/",
        "governance:review": f"/governance/review/{review.pk}/",
        "governance:self_review": f"/governance/self-review/{self_review.pk}/",
        "governance:board_report_pdf": "/governance/board/2026-q1/report.pdf",
        "classes:detail": f"/classes/{french.pk}/",
        "subject_access:list": "/subject-access/",
        "subject_access:detail": f"/subject-access/{access_request.pk}/",
        "subject_access:download": f"/subject-access/{access_request.pk}/export.zip",
        "transfers:outgoing": "/transfers/",
        "transfers:incoming": "/transfers/incoming/",
        "transfers:send": f"/transfers/learners/{learner}/send/",
        "transfers:detail": f"/transfers/{sent.pk}/",
        "transfers:package": f"/transfers/{sent.pk}/package/",
    }
    return World(paths, play_reason_path=f"/recordings/{recording.pk}/")


def _events_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=seq).order_by("id"))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_dsl_reading_each_page_leaves_an_audit_event(cast: Cast) -> None:
    world = _world(cast)
    assert set(world.paths) == set(AUDITED)
    dsl = signed_in(cast.dsl)
    # The player opens only once a reason has been given (itself audited, as played).
    given = dsl.post(world.play_reason_path, {"play-reason": "Reviewing a reported concern"})
    assert given.status_code == 302

    problems = []
    for name, action in AUDITED.items():
        since = _last_seq()
        response = dsl.get(world.paths[name])
        read = [event.action for event in _events_since(since)]
        if response.status_code != 200 or action.value not in read:
            problems.append(f"{name}: {response.status_code}, events {read}")

    assert problems == []


def test_a_dsls_token_reading_each_operation_leaves_an_audit_event(cast: Cast) -> None:
    client = api_as(cast.dsl)
    paths = {
        "staff_list": "/api/staff",
        "staff_read": f"/api/staff/{cast.teacher.staff.pk}",
        "learner_list": "/api/learners?search=Robin",
        "learner_read": f"/api/learners/{cast.learner.pk}",
        "guardian_list": "/api/guardians",
        "guardian_read": f"/api/guardians/{cast.guardian.pk}",
    }
    assert set(paths) == set(API_AUDITED)

    problems = []
    for operation, action in API_AUDITED.items():
        since = _last_seq()
        response = client.get(paths[operation])
        events = _events_since(since)
        if response.status_code != 200 or [e.action for e in events] != [action.value]:
            problems.append(f"{operation}: {response.status_code}, {[e.action for e in events]}")
        elif any(event.actor_id != cast.dsl.pk for event in events):
            problems.append(f"{operation}: recorded for someone else")

    assert problems == []


def test_reading_a_guardian_names_them_in_the_event_and_keeps_no_search_words(cast: Cast) -> None:
    client = api_as(cast.dsl)

    since = _last_seq()
    client.get(f"/api/guardians/{cast.guardian.pk}")
    client.get("/api/learners?search=Alder&year_group=Year%208")

    viewed, listed = _events_since(since)
    assert (viewed.object_type, viewed.object_id) == ("people.guardian", str(cast.guardian.pk))
    assert viewed.organisation_id == cast.organisation.pk
    assert listed.details == {"searched": True, "year_group": "Year 8", "tutor_group": ""}
    assert "Alder" not in listed.data
