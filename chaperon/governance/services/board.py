"""The board's quarterly report (ORG-6): the narrative the DSL adds to a quarter's report, and
the report prepared at each quarter's end, the DSL and the board's safeguarding champion told
by email."""

from datetime import date

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.people.models import Organisation, User
from chaperon.people.permissions import require
from chaperon.people.roles import Permission
from chaperon.people.selectors import safeguarding_leads

from ..models import BoardReport, Post, TeamPost
from ..quarters import Quarter, quarter_of

NARRATIVE_MAX_CHARACTERS = 10000


def _report(organisation: Organisation, quarter: Quarter) -> BoardReport:
    try:
        with transaction.atomic():
            report, _ = BoardReport.objects.get_or_create(
                organisation=organisation, year=quarter.year, quarter=quarter.number
            )
    except IntegrityError:  # made by another request at the same moment
        report = BoardReport.objects.get(
            organisation=organisation, year=quarter.year, quarter=quarter.number
        )
    return report


@logged
def board_narrative_save(*, actor: User, quarter: Quarter, narrative: str) -> BoardReport:
    """Save the DSL's narrative of ``quarter``'s report for the actor's organisation; it
    replaces the one saved before (the audit event keeps who saved it and when)."""
    require(actor, Permission.WRITE_BOARD_REPORT)
    text = narrative.strip()
    if len(text) > NARRATIVE_MAX_CHARACTERS:
        raise ValidationFailed(
            {
                "narrative": (
                    f"The narrative is {len(text)} characters long; shorten it to "
                    f"{NARRATIVE_MAX_CHARACTERS} or fewer."
                )
            }
        )
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    with transaction.atomic():
        report = _report(organisation, quarter)
        report = BoardReport.objects.select_for_update().get(pk=report.pk)
        report.narrative = text
        report.narrative_by = actor
        report.narrative_at = timezone.now()
        report.save(update_fields=["narrative", "narrative_by", "narrative_at", "updated_at"])
        record(
            action=AuditAction.BOARD_REPORT_NARRATIVE_SAVED,
            actor=actor,
            obj=report,
            data={"quarter": quarter.key, "characters": len(text)},
        )
    return report


def _recipients(organisation_id: int) -> list[User]:
    """Who is told a report is prepared: the safeguarding leads and the board's champion."""
    users = list(safeguarding_leads(organisation_id))
    champion = (
        TeamPost.objects.filter(
            organisation_id=organisation_id, post=Post.CHAMPION, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if champion is not None and champion.user not in users:
        users.append(champion.user)
    return [user for user in users if user.email]


@logged
def board_reports_prepare(*, today: date | None = None) -> int:
    """For each organisation whose last quarter has ended and whose report of it is not yet
    prepared: mark it prepared and tell the DSL and the champion by email, once. Safe to run
    as often as you like; returns how many reports were prepared."""
    prepared = 0
    for organisation in Organisation.objects.order_by("pk"):
        day = today or organisation.today()
        quarter = quarter_of(day).previous()
        report = _report(organisation, quarter)
        with transaction.atomic():
            claimed = BoardReport.objects.filter(pk=report.pk, prepared_at__isnull=True).update(
                prepared_at=timezone.now()
            )
            if not claimed:
                continue
            recipients = _recipients(organisation.pk)
            link = absolute_url(reverse("governance:board_report", args=[quarter.key]))
            for user in recipients:
                queue_email(
                    to=user.email,
                    subject=f"Board report ready: {quarter.label}",
                    text=render_to_string(
                        "governance/email/board_report_prepared.txt",
                        {"name": user.full_name, "quarter": quarter, "link": link},
                    ),
                    purpose="board_report_prepared",
                    obj=report,
                    organisation_id=organisation.pk,
                )
            record(
                action=AuditAction.BOARD_REPORT_PREPARED,
                obj=report,
                reason="The quarter ended",
                data={"quarter": quarter.key, "to": [user.pk for user in recipients]},
            )
            prepared += 1
    return prepared
