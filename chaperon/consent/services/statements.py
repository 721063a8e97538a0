"""An organisation's consent statement, recording policy and consent settings.

Every save that changes the statement's text makes a new, immutable ``StatementVersion``
holding the full text and its SHA-256; answers point at the version they were given to.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation, User
from chaperon.people.roles import Permission
from chaperon.people.services import apply_changes, full_clean_or_fail

from ..models import ConsentSettings, RecordingPolicy, StatementVersion
from ..permissions import require, require_same_organisation
from ..selectors import consent_settings_of, latest_statement, recording_policy_of
from ..statement import RecordingPolicyText, StatementParts, render_statement, sha256_of
from ..texts import DEFAULT_INTRO, DEFAULT_PARENT_INFORMATION

RECORDING_FIELDS = (
    "what_is_recorded",
    "why_recorded",
    "where_kept",
    "retention_days",
    "who_may_see",
    "how_destroyed",
)
SETTINGS_FIELDS = (
    "consent_valid_months",
    "expiry_warning_days",
    "reminder_interval_days",
    "controller_contact",
    "controller_address",
    "controller_email",
    "controller_phone",
)


def _render(
    organisation: Organisation,
    *,
    intro: str,
    parent_information: str,
    policy: RecordingPolicy,
    consent_settings: ConsentSettings,
) -> str:
    return render_statement(
        StatementParts(
            organisation_name=organisation.name,
            intro=intro,
            parent_information=parent_information,
            recording=RecordingPolicyText(
                **{name: getattr(policy, name) for name in RECORDING_FIELDS}
            ),
            consent_valid_months=consent_settings.consent_valid_months,
        )
    )


@dataclass(frozen=True)
class StatementDraft:
    """What the statement is now (or would be, from the defaults, before the first save)."""

    version: StatementVersion | None
    intro: str
    parent_information: str
    text: str


def statement_draft(organisation: Organisation) -> StatementDraft:
    latest = latest_statement(organisation.pk)
    if latest is not None:
        return StatementDraft(latest, latest.intro, latest.parent_information, latest.text)
    text = _render(
        organisation,
        intro=DEFAULT_INTRO,
        parent_information=DEFAULT_PARENT_INFORMATION,
        policy=recording_policy_of(organisation.pk),
        consent_settings=consent_settings_of(organisation.pk),
    )
    return StatementDraft(None, DEFAULT_INTRO, DEFAULT_PARENT_INFORMATION, text)


@logged
def statement_current(*, organisation: Organisation) -> StatementVersion:
    """The latest version; the first is made from the defaults (by the system) when none
    exists yet. Call inside the transaction of the change that needs it."""
    latest = latest_statement(organisation.pk)
    if latest is not None:
        return latest
    draft = statement_draft(organisation)
    version = StatementVersion(
        organisation=organisation,
        number=1,
        intro=draft.intro,
        parent_information=draft.parent_information,
        text=draft.text,
        sha256=sha256_of(draft.text),
    )
    try:
        with transaction.atomic():
            version.save()
            record(
                action=AuditAction.CONSENT_STATEMENT_SAVED,
                obj=version,
                reason="First use of consent: the default statement",
                data={"number": 1, "sha256": version.sha256},
            )
    except IntegrityError:  # made at the same moment by someone else
        made = latest_statement(organisation.pk)
        if made is None:
            raise
        return made
    return version


@logged
def statement_save(
    *,
    actor: User | SystemActor,
    organisation: Organisation,
    intro: str,
    parent_information: str,
    recording: Mapping[str, Any],
    settings: Mapping[str, Any],
    reason: str = "",
) -> tuple[StatementVersion | None, list[str]]:
    """Save the statement's parts and the consent settings. Returns the new version (None when
    the text did not change) and the names of what changed."""
    require(actor, Permission.EDIT_CONSENT_STATEMENT)
    require_same_organisation(actor, organisation.pk)
    unknown = (set(recording) - set(RECORDING_FIELDS)) | (set(settings) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationFailed(dict.fromkeys(sorted(unknown), "is not a consent setting"))
    if not intro.strip():
        raise ValidationFailed({"intro": "write the opening of the statement"})
    if not parent_information.strip():
        raise ValidationFailed({"parent_information": "write the information for parents"})
    with transaction.atomic():
        consent_settings = consent_settings_of(organisation.pk)
        policy = recording_policy_of(organisation.pk)
        changed_settings = apply_changes(consent_settings, settings)
        changed_policy = apply_changes(policy, recording)
        changed = changed_settings + changed_policy
        full_clean_or_fail(consent_settings, exclude=["organisation"])
        full_clean_or_fail(policy, exclude=["organisation"])
        if changed_settings:
            consent_settings.save()
        if changed_policy:
            policy.save()
        latest = latest_statement(organisation.pk)
        text = _render(
            organisation,
            intro=intro,
            parent_information=parent_information,
            policy=policy,
            consent_settings=consent_settings,
        )
        version = None
        if latest is None or latest.text != text:
            version = StatementVersion.objects.create(
                organisation=organisation,
                number=latest.number + 1 if latest else 1,
                intro=intro.strip(),
                parent_information=parent_information.strip(),
                text=text,
                sha256=sha256_of(text),
                created_by=actor if isinstance(actor, User) else None,
            )
        if changed:
            record(
                action=AuditAction.CONSENT_SETTINGS_CHANGED,
                actor=actor,
                obj=organisation,
                reason=reason,
                data={"changed": sorted(changed)},
            )
        if version is not None:
            record(
                action=AuditAction.CONSENT_STATEMENT_SAVED,
                actor=actor,
                obj=version,
                reason=reason,
                data={"number": version.number, "sha256": version.sha256},
            )
    return version, sorted(changed)
