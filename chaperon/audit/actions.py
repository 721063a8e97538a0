from django.db import models


class AuditAction(models.TextChoices):
    """Everything the audit log can say happened. Values are stored: never rename one."""

    AUDIT_DIGEST_SENT = "audit_digest_sent", "Signed digest of the audit log emailed"

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_IN_LOCKED = "sign_in_locked", "Sign-in locked after repeated failures"
    SSO_SIGN_IN_REFUSED = "sso_sign_in_refused", "Sign-in with an organisation account refused"
    SSO_IDENTITY_LINKED = "sso_identity_linked", "Organisation account linked to a staff member"
    SSO_CONFIGURED = "sso_configured", "Sign-in with organisation accounts configured"
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
    TRUST_CREATED = "trust_created", "Trust created"
    TRUST_SCHOOL_ADDED = "trust_school_added", "School added to a trust"
    TRUST_SCHOOL_REMOVED = "trust_school_removed", "School taken out of a trust"
    TRUST_MEMBER_ADDED = "trust_member_added", "Trust role given"
    TRUST_MEMBER_REMOVED = "trust_member_removed", "Trust role taken away"
    TEAM_POST_GIVEN = "team_post_given", "Safeguarding team post given"
    TEAM_POST_TAKEN = "team_post_taken", "Safeguarding team post taken away"
    TEAM_CONTACT_CHANGED = "team_contact_changed", "Published contact of the team changed"
    AUP_PUBLISHED = "aup_published", "Acceptable use agreement: new version published"
    AUP_SIGNED = "aup_signed", "Acceptable use agreement signed"
    AUP_REQUESTS_ASKED = "aup_requests_asked", "Acceptable use agreement: links asked for"
    AUP_REQUESTS_SENT = "aup_requests_sent", "Acceptable use agreement: links sent"
    AUP_REGISTER_VIEWED = "aup_register_viewed", "Learners' or parents' agreement register viewed"
    AUP_LINK_OPENED = "aup_link_opened", "Acceptable use agreement opened with a personal link"
    FILTER_REPORT_IMPORTED = "filter_report_imported", "Filtering report imported"
    FILTER_REPORT_VIEWED = "filter_report_viewed", "Filtering report's entries viewed"
    FILTER_ENTRY_CONCERN_RAISED = (
        "filter_entry_concern_raised",
        "Concern raised from a filtering report",
    )
    FILTER_CHECK_RECORDED = "filter_check_recorded", "Filtering check or review recorded"
    TRAINING_COURSES_CREATED = "training_courses_created", "Default training courses created"
    TRAINING_COURSE_ADDED = "training_course_added", "Training course added"
    TRAINING_COMPLETION_RECORDED = (
        "training_completion_recorded",
        "Training completion recorded",
    )
    TRAINING_CERTIFICATE_VIEWED = "training_certificate_viewed", "Training certificate opened"
    TRAINING_REMINDER_SENT = "training_reminder_sent", "Training about to lapse: reminder sent"
    BOARD_REPORT_VIEWED = "board_report_viewed", "Board's quarterly report read"
    BOARD_REPORT_NARRATIVE_SAVED = (
        "board_report_narrative_saved",
        "Board's quarterly report: narrative saved",
    )
    BOARD_REPORT_PREPARED = "board_report_prepared", "Board's quarterly report prepared"
    ANNUAL_REVIEW_STARTED = "annual_review_started", "Annual review: a version begun"
    ANNUAL_REVIEW_CHANGED = "annual_review_changed", "Annual review changed"
    ANNUAL_REVIEW_SIGNED_OFF = "annual_review_signed_off", "Annual review signed off"
    ANNUAL_REVIEW_VIEWED = "annual_review_viewed", "Annual review read"
    SELF_REVIEW_RECORDED = "self_review_recorded", "Self-review recorded"
    SELF_REVIEW_VIEWED = "self_review_viewed", "Self-review read"
    SELF_REVIEW_ACTION_ADDED = "self_review_action_added", "Self-review: action added to the plan"
    SELF_REVIEW_ACTION_CHANGED = "self_review_action_changed", "Self-review: action marked"
    BOARD_MEETING_ADDED = "board_meeting_added", "Board meeting date added"
    BOARD_MEETING_REMOVED = "board_meeting_removed", "Board meeting date removed"
    BOARD_MEETING_REMINDER_SENT = (
        "board_meeting_reminder_sent",
        "Board meeting: reminder to complete the quarterly report sent",
    )
    TRAINING_COURSE_RENAMED = "training_course_renamed", "Training course renamed"
    TRAINING_COURSE_RETIRED = "training_course_retired", "Training course retired"
    TRAINING_COURSE_RESTORED = "training_course_restored", "Training course brought back"
    SITE_UPDATED = "site_updated", "Site changed"
    STAFF_CREATED = "staff_created", "Staff member added"
    STAFF_UPDATED = "staff_updated", "Staff member changed"
    STAFF_ROLES_CHANGED = "staff_roles_changed", "Staff roles changed"
    STAFF_LEFT = "staff_left", "Staff member marked as left: sign-in stopped"
    LEARNER_LEFT = "learner_left", "Learner marked as left"
    STAFF_CHANGE_REFUSED = (
        "staff_change_refused",
        "Change to roles or sign-in refused: it needs a safeguarding lead",
    )
    STAFF_COMPLIANCE_VIEWED = "staff_compliance_viewed", "Staff compliance records viewed"
    LEARNER_CREATED = "learner_created", "Learner added"
    LEARNER_UPDATED = "learner_updated", "Learner changed"
    LEARNER_VIEWED = "learner_viewed", "Learner record viewed"
    GUARDIAN_CREATED = "guardian_created", "Guardian added"
    GUARDIAN_UPDATED = "guardian_updated", "Guardian changed"
    GUARDIAN_LINKED = "guardian_linked", "Guardian linked to learner"
    GUARDIAN_LINK_UPDATED = "guardian_link_updated", "Guardian relationship changed"
    GUARDIAN_UNLINKED = "guardian_unlinked", "Guardian no longer linked to learner"
    GUARDIAN_VIEWED = "guardian_viewed", "Guardian record viewed"
    LEARNER_LIST_READ = "learner_list_read", "Learners listed through the API"
    GUARDIAN_LIST_READ = "guardian_list_read", "Guardians listed through the API"
    PEOPLE_IMPORTED = "people_imported", "People imported from CSV"
    PEOPLE_IMPORT_REFUSED = "people_import_refused", "People import refused"
    ROSTER_IMPORTED = "roster_imported", "OneRoster export imported"
    ROSTER_IMPORT_REFUSED = "roster_import_refused", "OneRoster export refused"
    GROUP_CREATED = "group_created", "Class or group added"
    GROUP_MEMBERS_CHANGED = "group_members_changed", "Class or group members changed"
    GROUP_VIEWED = "group_viewed", "Class or group viewed with its learners"

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
    CONSENT_RECEIPT_VIEWED = "consent_receipt_viewed", "Consent receipt opened"
    CONSENT_LINK_OPENED = "consent_link_opened", "Consent page opened with a personal link"
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
    SESSION_PREPARATION_VIEWED = (
        "session_preparation_viewed",
        "Session risk assessment and plan viewed",
    )
    SESSION_OPENED = "session_opened", "Session opened"
    SESSION_OPEN_REFUSED = "session_open_refused", "Session could not open: the policy check failed"
    SESSION_CHANGED = "session_changed", "Session changed (learners, staff, recording or platform)"
    POLICY_SAVED = "policy_saved", "Session policy saved"
    PLATFORM_REGISTERED = "platform_registered", "Platform approved after a risk assessment"

    # Meeting records (LOG-1, LOG-2)
    MEETING_RECORD_WRITTEN = "meeting_record_written", "Meeting record written"
    MEETING_RECORD_AMENDED = "meeting_record_amended", "Meeting record amended, with a reason"
    MEETING_RECORD_VIEWED = "meeting_record_viewed", "Meeting record viewed"
    MEETING_RECORD_REMINDER_SENT = (
        "meeting_record_reminder_sent",
        "Reminder sent: meeting record not yet written",
    )
    MEETING_RECORD_DESTROYED = (
        "meeting_record_destroyed",
        "Meeting record destroyed at the end of its retention period",
    )

    # Live rooms
    ROOM_ADMITTED = "room_admitted", "Admitted to a live room"
    ROOM_ADMISSION_REFUSED = "room_admission_refused", "Refused entry to a live room"
    ROOM_LOCKED = "room_locked", "Live room locked"
    ROOM_UNLOCKED = "room_unlocked", "Live room unlocked"
    ROOM_STARTED = "room_started", "Live session started"
    ROOM_START_REFUSED = "room_start_refused", "Live session could not start"
    ROOM_REMOVED = "room_removed", "Participant removed from a live room"
    ROOM_ENDED = "room_ended", "Live session ended"
    ROOM_EXTENDED = "room_extended", "Live session extended beyond its time"
    ROOM_STAFF_LEFT = "room_staff_left", "A member of staff left a group session"
    ROOM_SCREEN_SHARE_REFUSED = "room_screen_share_refused", "Participant screen share refused"
    ROOM_RECORDING_STARTED = "room_recording_started", "Live session recording started"
    ROOM_RECORDING_REFUSED = "room_recording_refused", "Live session recording refused"
    ROOM_RECORDING_PAUSED = "room_recording_paused", "Live session recording paused"
    ROOM_RECORDING_STOPPED = "room_recording_stopped", "Live session recording stopped"
    ROOM_TRACK_GAP = "room_track_gap", "Gap in a recorded track"
    ROOM_SECOND_DEVICE = "room_second_device", "Join link opened on a second device"
    ROOM_RECORDING_INTERRUPTED = (
        "room_recording_interrupted",
        "Live session recording stopped: the server stopped",
    )
    ROOM_TOO_MANY_MESSAGES = "room_too_many_messages", "Room connection closed: too many messages"
    ROOM_RECORDING_COMFORT = (
        "room_recording_comfort",
        "Learner said whether they are comfortable being recorded",
    )
    ROOM_LOG_VIEWED = "room_log_viewed", "Live room log and chat viewed"
    ROOM_CHAT_HELD = "room_chat_held", "Chat message held back by the screening"
    ROOM_CHAT_FLAGGED = "room_chat_flagged", "Chat message flagged by the screening"
    ROOM_PRE_CALL_CHECKED = (
        "room_pre_call_checked",
        "Member of staff checked their setting before a live session",
    )

    RECORDING_STARTED = "recording_started", "Recording started"
    RECORDING_FINISHED = "recording_finished", "Recording finished"
    RECORDING_INTERRUPTED = "recording_interrupted", "Recording found incomplete"
    RECORDING_PLAYED = "recording_played", "Recording played"
    RECORDING_VIEWED = "recording_viewed", "Recording's page viewed"
    RECORDING_INTEGRITY_FAILED = (
        "recording_integrity_failed",
        "Recording failed its integrity check",
    )
    RECORDING_DESTROYED = "recording_destroyed", "Recording destroyed"
    RECORDING_DESTRUCTION_WITHHELD = (
        "recording_destruction_withheld",
        "Recording not destroyed: held as evidence",
    )
    RECORDING_HOLD_PLACED = "recording_hold_placed", "Recording held as evidence"
    RECORDING_HOLD_RELEASED = "recording_hold_released", "Recording hold released"
    RECORDING_ACCESS_CHANGED = "recording_access_changed", "Roles that may play recordings changed"
    VAULT_KEYS_REWRAPPED = "vault_keys_rewrapped", "Recording keys wrapped under a new key"

    CONCERN_RAISED = "concern_raised", "Concern raised"
    CONCERN_LIST_VIEWED = "concern_list_viewed", "Concerns list viewed"
    CONCERN_VIEWED = "concern_viewed", "Concern case viewed"
    CONCERN_ACKNOWLEDGED = "concern_acknowledged", "Concern acknowledged"
    CONCERN_ESCALATED = "concern_escalated", "Concern escalated: not acknowledged in time"
    CONCERN_TRIAGED = "concern_triaged", "Concern triaged"
    CONCERN_STEP_DONE = "concern_step_done", "Concern step done"
    CONCERN_REFERRAL_RECORDED = "concern_referral_recorded", "Concern referral recorded"
    CONCERN_NOTE_ADDED = "concern_note_added", "Note added to a concern"
    CONCERN_CHANGED = "concern_changed", "Concern category, date or learner changed"
    CONCERN_ACCESS_GRANTED = "concern_access_granted", "Someone named to handle a restricted case"
    CONCERN_CLOSED = "concern_closed", "Concern closed"
    CONCERN_ATTACHMENT_OPENED = "concern_attachment_opened", "Concern document opened"
    CONCERN_ATTACHMENT_REBUILT = (
        "concern_attachment_rebuilt",
        "Concern document kept before documents were rebuilt: replaced by its words",
    )
    CONCERN_ATTACHMENT_REMOVED = (
        "concern_attachment_removed",
        "Concern document kept before documents were rebuilt: removed, it had no words to keep",
    )
    CONCERN_CHRONOLOGY_VIEWED = "concern_chronology_viewed", "Learner chronology viewed"
    CONCERN_CHRONOLOGY_EXPORTED = "concern_chronology_exported", "Learner chronology exported"
    CONCERN_FILE_COPIED_FOR_TRANSFER = (
        "concern_file_copied_for_transfer",
        "Child protection file copied to send to a new school",
    )
    CONCERN_RECEIVED_BY_TRANSFER = (
        "concern_received_by_transfer",
        "Concern received with a child protection file from another school",
    )
    CONCERN_LIST_EXPORTED = "concern_list_exported", "Concerns list exported (CSV)"
    CONCERN_TASKS_VIEWED = "concern_tasks_viewed", "Concern steps and tasks list viewed"
    CONCERN_RECLASSIFIED = (
        "concern_reclassified",
        "Concern re-classified as an allegation about staff",
    )
    CONCERN_TASK_ADDED = "concern_task_added", "Task added to a concern"
    CONCERN_STEP_ASSIGNED = "concern_step_assigned", "Concern step or task assigned"
    CONCERN_LINKED = "concern_linked", "Concern shown on another learner's chronology"
    CONCERN_LINK_ENDED = "concern_link_ended", "Concern no longer shown for another learner"
    STAFF_SUSPENDED = "staff_suspended", "Member of staff suspended from sessions"
    STAFF_SUSPENSION_LIFTED = "staff_suspension_lifted", "Suspension from sessions lifted"

    EMAIL_DELIVERIES_VIEWED = "email_deliveries_viewed", "Email page viewed"

    FAMILY_PAGE_OPENED = "family_page_opened", "Family page opened with a personal link"
    FAMILY_LINKS_STOPPED = "family_links_stopped", "Family page links stopped"

    RETENTION_PERIOD_SET = "retention_period_set", "Retention period set for the organisation"
    RETENTION_REVIEW_VIEWED = "retention_review_viewed", "Records due under the schedule viewed"
    RETENTION_HOLD_PLACED = "retention_hold_placed", "Records of a person held from destruction"
    RETENTION_HOLD_RELEASED = "retention_hold_released", "Hold on a person's records released"
    RETENTION_REVIEWED = "retention_reviewed", "Record reviewed at the end of its period: kept"
    RETENTION_RECORDS_DESTROYED = (
        "retention_records_destroyed",
        "Records destroyed at the end of their period, confirmed by the DSL",
    )

    SUBJECT_ACCESS_STARTED = "subject_access_started", "Subject access request received"
    SUBJECT_ACCESS_PREPARED = "subject_access_prepared", "Subject access export prepared"
    SUBJECT_ACCESS_DECIDED = (
        "subject_access_decided",
        "Subject access: third party disclosed or withheld",
    )
    SUBJECT_ACCESS_RELEASED = "subject_access_released", "Subject access export released"
    SUBJECT_ACCESS_LIST_VIEWED = "subject_access_list_viewed", "Subject access requests viewed"
    SUBJECT_ACCESS_VIEWED = "subject_access_viewed", "Subject access request viewed"
    SUBJECT_ACCESS_DOWNLOADED = (
        "subject_access_downloaded",
        "Released subject access export downloaded",
    )
    TRANSFER_SENT = "transfer_sent", "Child protection file sent to a new school"
    TRANSFER_LIST_VIEWED = "transfer_list_viewed", "File transfers listed"
    TRANSFER_VIEWED = "transfer_viewed", "File transfer viewed"
    TRANSFER_ACCEPTED = "transfer_accepted", "Transferred file accepted by the receiving DSL"
    TRANSFER_DECLINED = "transfer_declined", "Transferred file declined by the receiving DSL"
    TRANSFER_RECEIVED = "transfer_received", "Sent file confirmed received by the new school"
    TRANSFER_PACKAGE_DOWNLOADED = "transfer_package_downloaded", "Encrypted file package downloaded"
    TRANSFER_PACKAGE_IMPORTED = "transfer_package_imported", "Encrypted file package imported"
    TRANSFER_PACKAGE_REFUSED = (
        "transfer_package_refused",
        "Encrypted file package refused: wrong passphrase or changed",
    )
    TRANSFER_REMINDER_SENT = "transfer_reminder_sent", "Reminded: no receipt for a sent file"
