"""Who is told of a concern, and the email they get (INC-1).

Every concern reaches the DSL and deputies at once; out of the organisation's working hours the
senior leaders too. A restricted case (an allegation about staff) goes to the DSL, or to the
senior leaders where the DSL is the one it is about, never to the person it is about, and out
of hours only to senior leaders who may open it. Emails
name the reference and the link, never the child or what happened: the case is read in
Chaperon, where every read is audited.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse

from chaperon.core.email_queue import queue_email
from chaperon.core.links import absolute_url
from chaperon.people.models import Organisation, User
from chaperon.people.roles import Permission, roles_grant
from chaperon.people.selectors import staff_granted

from . import conf
from .models import Concern, ConcernKind
from .permissions import may_open


def in_hours(organisation: Organisation, at: datetime) -> bool:
    local = at.astimezone(organisation.zone)
    return (
        str(local.isoweekday()) in organisation.working_days
        and organisation.working_hours_start <= local.time() < organisation.working_hours_end
    )


def _people(concern: Concern, permission: Permission) -> list[User]:
    return [
        user
        for user in staff_granted(concern.organisation_id, permission)
        if user.pk != concern.subject_staff_id
    ]


def _subject_is_a_dsl(concern: Concern) -> bool:
    subject = concern.subject_staff
    return subject is not None and roles_grant(subject.roles, Permission.LEAD_SAFEGUARDING)


def leads_for(concern: Concern) -> list[User]:
    """Those told first: the DSL and deputies, or for a restricted case its handlers."""
    about_leads = Permission.HANDLE_ALLEGATIONS_ABOUT_LEADS
    if concern.kind == ConcernKind.ALLEGATION:
        if _subject_is_a_dsl(concern):
            return _people(concern, about_leads)
        return _people(concern, Permission.LEAD_SAFEGUARDING) or _people(concern, about_leads)
    return _people(concern, Permission.HANDLE_CONCERNS)


def senior_addresses(concern: Concern) -> list[str]:
    """The senior leaders, and the organisation's senior leadership address if it has one.
    For a restricted case only those who may open it: an allegation about a DSL reaches the
    senior leaders, one about anyone else only those the DSL named on it."""
    seniors = _people(concern, Permission.RECEIVE_CONCERN_ESCALATIONS)
    if concern.restricted:
        seniors = [user for user in seniors if may_open(user, concern)]
    addresses = [user.email for user in seniors]
    shared = concern.organisation.senior_leadership_email
    if shared and shared not in addresses and concern.kind == ConcernKind.CONCERN:
        addresses.append(shared)
    return addresses


def _unique(addresses: list[str]) -> list[str]:
    return list(dict.fromkeys(address.lower() for address in addresses if address))


def _send(concern: Concern, to: list[str], *, escalation: bool, purpose: str) -> list[str]:
    organisation = concern.organisation
    context = {
        "concern": concern,
        "organisation": organisation,
        "raised_at": concern.created_at.astimezone(organisation.zone),
        "zone": organisation.time_zone,
        "link": absolute_url(reverse("concerns:detail", args=[concern.pk])),
        "minutes": int(conf.acknowledge_within().total_seconds() // 60),
        "escalation": escalation,
    }
    prefix = "Not yet acknowledged" if escalation else "New safeguarding concern"
    subject = f"{prefix}: {concern.reference}"
    if concern.immediate_danger:
        subject = f"URGENT {subject}"
    text = render_to_string("concerns/email/alert.txt", context)
    for address in to:
        queue_email(to=address, subject=subject, text=text, purpose=purpose, obj=concern)
    return to


def alert_new(concern: Concern, *, now: datetime) -> list[str]:
    """Tell the leads now, and the senior leaders if it is out of hours. Returns addresses."""
    to = [user.email for user in leads_for(concern)]
    if not in_hours(concern.organisation, now):
        to += senior_addresses(concern)
    return _send(concern, _unique(to), escalation=False, purpose="concern_alert")


def alert_escalation(concern: Concern) -> list[str]:
    """Not acknowledged in time: the senior leaders, and the leads again."""
    to = senior_addresses(concern) + [user.email for user in leads_for(concern)]
    return _send(concern, _unique(to), escalation=True, purpose="concern_escalation")
