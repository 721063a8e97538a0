"""Reads through a personal link (no sign-in), each audited: a link can be forwarded, so every
opening of a page that shows a child's consents is on the record, as a staff member's would be.
The actor is the link, named in the event as ``personal link``; the event's object is the link
(or the receipt) and its data the page."""

import uuid

from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record

from .links import access_token
from .models import ConsentAccess, ConsentEvidence, ConsentRequest
from .selectors import receipt_of

LINK_ACTOR = "personal link"


def link_opened(link: ConsentAccess | ConsentRequest, *, page: str) -> None:
    record(
        action=AuditAction.CONSENT_LINK_OPENED,
        obj=link,
        actor_label=LINK_ACTOR,
        data={"page": page, "learner": link.learner_id},
    )


def receipt_by_link(access: ConsentAccess, receipt_id: uuid.UUID, *, form: str) -> ConsentEvidence:
    """One of this person's receipts for the learner (``form``: "page", "json" or "pdf")."""
    evidence = receipt_of(access, receipt_id)
    record(
        action=AuditAction.CONSENT_RECEIPT_VIEWED,
        obj=evidence,
        actor_label=LINK_ACTOR,
        data={"form": form, "link": access.pk},
    )
    return evidence


def consent_page_path(learner_id: int, guardian_id: int) -> str:
    """The path of the guardian's own consent page for the learner (to see, change or
    withdraw), or "" if they have not been asked yet: for pages that already hold the
    guardian's link."""
    access = (
        ConsentAccess.objects.filter(
            learner_id=learner_id, guardian_id=guardian_id, revoked_at__isnull=True
        )
        .order_by("-id")
        .first()
    )
    return reverse("consent:manage", args=[access_token(access)]) if access is not None else ""
