"""Load the fictional demo school once; later runs leave it (and any changes to it) alone."""

from dataclasses import dataclass
from datetime import date, timedelta

import pyotp
from django.db import transaction
from django.utils import timezone

from chaperon.accounts.models import TotpDevice
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import Learner, Organisation, User

from . import data
from .activity import add_activity
from .agreements import add_agreements
from .filtering import add_filtering
from .team import add_team
from .trust import add_trust


@dataclass(frozen=True)
class DemoLogin:
    name: str
    email: str
    roles: str
    needs_code: bool


def _months_ago(today: date, months: int | None) -> date | None:
    return None if months is None else today - timedelta(days=round(months * 30.44))


def load_demo() -> tuple[Organisation, bool]:
    """The demo organisation, and whether it was created by this call."""
    existing = Organisation.objects.filter(slug=data.ORGANISATION_SLUG).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    with transaction.atomic():
        organisation = services.organisation_create(
            actor=SYSTEM,
            name=data.ORGANISATION_NAME,
            slug=data.ORGANISATION_SLUG,
            postcode=data.ORGANISATION_POSTCODE,
            is_demo=True,
        )
        services.organisation_update(
            actor=SYSTEM,
            organisation=organisation,
            senior_leadership_email=f"slt@{data.EMAIL_DOMAIN}",
            safeguarding_contacts=(
                f"Designated Safeguarding Lead: Priya Hollins, dsl@{data.EMAIL_DOMAIN}\n"
                f"Deputy DSL: Marcus Threlfall, deputy@{data.EMAIL_DOMAIN}\n"
                "School office: 01632 960000 (08:30 to 17:00)"
            ),
        )
        for name, local, roles, title, dbs, training, aup in data.STAFF:
            member = services.staff_create(
                actor=SYSTEM,
                organisation=organisation,
                email=f"{local}@{data.EMAIL_DOMAIN}",
                full_name=name,
                roles=roles,
                password=data.PASSWORD,
                external_id=f"S-{local}",
                job_title=title,
                dbs_checked_on=_months_ago(today, dbs),
                dbs_type="enhanced_barred",
                safeguarding_training_on=_months_ago(today, training),
                aup_signed_on=_months_ago(today, aup),
            )
            if member.user.needs_second_factor:
                TotpDevice.objects.create(
                    user=member.user, secret=pyotp.random_base32(32), confirmed_at=timezone.now()
                )
        learners: list[Learner] = []
        for number, (first, last, born, group, at_risk) in enumerate(data.LEARNERS, start=1):
            learners.append(
                services.learner_create(
                    actor=SYSTEM,
                    organisation=organisation,
                    first_name=first,
                    last_name=last,
                    date_of_birth=born,
                    year_group=group,
                    tutor_group=f"{group.removeprefix('Year ')}{'AB'[number % 2]}",
                    adult_at_risk=at_risk,
                    external_id=f"L{number:04d}",
                )
            )
        for number, (name, email, phone, prefers, links) in enumerate(data.GUARDIANS, start=1):
            guardian = services.guardian_create(
                actor=SYSTEM,
                organisation=organisation,
                full_name=name,
                email=f"{email}@home.example" if email else "",
                phone=phone,
                preferred_contact=prefers,
                external_id=f"G{number:04d}",
            )
            for index, relationship, responsibility in links:
                services.guardian_link(
                    actor=SYSTEM,
                    guardian=guardian,
                    learner=learners[index],
                    relationship=relationship,
                    parental_responsibility=responsibility,
                )
        add_activity(organisation, learners, today)
        add_team(organisation)
        add_agreements(organisation)
        add_filtering(organisation, today)
        add_trust(organisation, today)
    return organisation, True


def demo_logins(organisation: Organisation) -> list[DemoLogin]:
    logins = []
    users = User.objects.filter(organisation=organisation, is_active=True).order_by("id")
    for user in users:
        labels = ", ".join(sorted(user.roles))
        logins.append(DemoLogin(user.full_name, user.email, labels, user.needs_second_factor))
    return logins


def demo_code(email: str) -> str:
    """The current authenticator code of a demo account (and of no other account)."""
    device = TotpDevice.objects.select_related("user__organisation").get(
        user__email__iexact=email, user__organisation__is_demo=True
    )
    return pyotp.TOTP(device.secret).now()
