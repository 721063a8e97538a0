from django.db import models


class AuditAction(models.TextChoices):
    """Everything the audit log can say happened. Values are stored: never rename one."""

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_IN_LOCKED = "sign_in_locked", "Sign-in locked after repeated failures"
    SIGN_OUT = "sign_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", "Second factor set up"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor code refused"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"

    ORGANISATION_CREATED = "organisation_created", "Organisation created"
    ORGANISATION_UPDATED = "organisation_updated", "Organisation settings changed"
    SITE_CREATED = "site_created", "Site created"
    SITE_UPDATED = "site_updated", "Site changed"
    STAFF_CREATED = "staff_created", "Staff member added"
    STAFF_UPDATED = "staff_updated", "Staff member changed"
    STAFF_ROLES_CHANGED = "staff_roles_changed", "Staff roles changed"
    STAFF_COMPLIANCE_VIEWED = "staff_compliance_viewed", "Staff compliance records viewed"
    LEARNER_CREATED = "learner_created", "Learner added"
    LEARNER_UPDATED = "learner_updated", "Learner changed"
    LEARNER_VIEWED = "learner_viewed", "Learner record viewed"
    GUARDIAN_CREATED = "guardian_created", "Guardian added"
    GUARDIAN_UPDATED = "guardian_updated", "Guardian changed"
    GUARDIAN_LINKED = "guardian_linked", "Guardian linked to learner"
    GUARDIAN_LINK_UPDATED = "guardian_link_updated", "Guardian relationship changed"
    PEOPLE_IMPORTED = "people_imported", "People imported from CSV"
    PEOPLE_IMPORT_REFUSED = "people_import_refused", "People import refused"

    CONSENT_REQUEST_SENT = "consent_request_sent", "Consent request sent"
    CONSENT_REQUEST_NEEDS_OTHER_CHANNEL = (
        "consent_request_needs_other_channel",
        "Consent request needs another channel (no email address)",
    )
    CONSENT_REMINDER_SENT = "consent_reminder_sent", "Consent reminder sent"
    CONSENT_ANSWERED = "consent_answered", "Consent answered"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    CONSENT_RECORDED_BY_STAFF = "consent_recorded_by_staff", "Consent given another way recorded"
    CONSENT_STATEMENT_SAVED = "consent_statement_saved", "Consent statement version saved"
    CONSENT_SETTINGS_CHANGED = "consent_settings_changed", "Consent settings changed"
    CONSENT_RECORD_VIEWED = "consent_record_viewed", "Learner consent record viewed"
    CONSENT_EVIDENCE_VIEWED = "consent_evidence_viewed", "Consent evidence file opened"
    OWN_RECORDING_AGREEMENT_RECORDED = (
        "own_recording_agreement_recorded",
        "Agreement for a family's own recording recorded",
    )
    STAFF_RECORDING_CONSENT_ANSWERED = (
        "staff_recording_consent_answered",
        "Staff consent to recording answered",
    )
    EMPLOYER_RECORDING_CONSENT_RECORDED = (
        "employer_recording_consent_recorded",
        "Employer consent to recording recorded",
    )
    RECORDING_DESTRUCTION_QUEUED = (
        "recording_destruction_queued",
        "Recordings queued for destruction",
    )

    SESSION_BOOKED = "session_booked", "Session booked"
    SESSION_EXCEPTION_REQUESTED = "session_exception_requested", "Exception asked for a session"
    SESSION_EXCEPTION_APPROVED = "session_exception_approved", "Session exception approved"
    SESSION_EXCEPTION_REFUSED = "session_exception_refused", "Session exception refused"
    SESSION_RESCHEDULED = "session_rescheduled", "Session rescheduled"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    SESSION_FLAGGED = "session_flagged", "Session no longer allowed by the policy"
    SESSION_CLEARED = "session_cleared", "Session allowed by the policy again"
    SESSION_PREPARED = "session_prepared", "Session risk assessment and plan recorded"
    SESSION_OPENED = "session_opened", "Session opened"
    SESSION_OPEN_REFUSED = "session_open_refused", "Session could not open: the policy check failed"
    POLICY_SAVED = "policy_saved", "Session policy saved"
    PLATFORM_REGISTERED = "platform_registered", "Platform approved after a risk assessment"
