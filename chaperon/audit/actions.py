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
