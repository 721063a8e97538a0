"""A meeting record's content as entered and as stored, and its digest (LOG-2): every version's
digest goes to the audit log, so a change made behind the product's back shows."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from chaperon.core.service_log import logged
from chaperon.people.models import User

from ..models import DeliveryMethod, MeetingAction, MeetingRecord


@dataclass(frozen=True)
class ActionInput:
    """One action as entered: ``owner`` a member of staff, or ``owner_name`` someone else."""

    description: str
    owner: User | None = None
    owner_name: str = ""
    due_on: date | None = None

    @property
    def is_blank(self) -> bool:
        return not (
            self.description.strip() or self.owner or self.owner_name.strip() or self.due_on
        )


@logged
def content_of(meeting_record: MeetingRecord) -> dict[str, Any]:
    """The record's content as plain data: what the digest covers and amendments keep."""
    return {
        "method": meeting_record.method,
        "platform_name": meeting_record.platform_name,
        "summary": meeting_record.summary,
        "actions": [
            {
                "description": action.description,
                "owner_id": action.owner_id,
                "owner": action.owner_label,
                "due_on": action.due_on.isoformat(),
            }
            for action in meeting_record.actions.select_related("owner").order_by("position")
        ],
    }


def proposed_content(
    method: str, platform_name: str, summary: str, actions: Sequence[ActionInput]
) -> dict[str, Any]:
    """The content ``store_content`` would write, in the form of ``content_of``."""
    return {
        "method": method,
        "platform_name": platform_name.strip()
        if method == DeliveryMethod.APPROVED_PLATFORM
        else "",
        "summary": summary.strip(),
        "actions": [
            {
                "description": action.description.strip(),
                "owner_id": action.owner.pk if action.owner else None,
                "owner": action.owner.full_name if action.owner else action.owner_name.strip(),
                "due_on": action.due_on.isoformat() if action.due_on else None,
            }
            for action in actions
        ],
    }


@logged
def digest_of(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@logged
def record_is_intact(meeting_record: MeetingRecord) -> bool:
    """True while the stored content matches the digest written (and audited) with it."""
    return digest_of(content_of(meeting_record)) == meeting_record.digest


def store_content(
    meeting_record: MeetingRecord,
    method: str,
    platform_name: str,
    summary: str,
    actions: Sequence[ActionInput],
) -> dict[str, Any]:
    meeting_record.method = method
    meeting_record.platform_name = (
        platform_name.strip() if method == DeliveryMethod.APPROVED_PLATFORM else ""
    )
    meeting_record.summary = summary.strip()
    meeting_record.save()
    meeting_record.actions.all().delete()
    MeetingAction.objects.bulk_create(
        MeetingAction(
            record=meeting_record,
            position=position,
            description=action.description.strip(),
            owner=action.owner,
            owner_name="" if action.owner else action.owner_name.strip(),
            due_on=cast(date, action.due_on),  # checked by ``writing._checked``
        )
        for position, action in enumerate(actions, start=1)
    )
    content = content_of(meeting_record)
    meeting_record.digest = digest_of(content)
    meeting_record.save(update_fields=["digest", "updated_at"])
    return content
