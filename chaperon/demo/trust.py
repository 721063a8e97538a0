"""The demo trust: the demo school and two tiny fictional schools (staff, no learners)."""

from datetime import date, timedelta

from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import Organisation, User

from . import data


def add_trust(school: Organisation, today: date) -> None:
    trust = services.trust_create(actor=SYSTEM, name=data.TRUST_NAME, slug=data.TRUST_SLUG)
    services.trust_add_school(actor=SYSTEM, trust=trust, organisation=school)
    for name, slug, postcode, domain, staff in data.TRUST_SCHOOLS:
        other = services.organisation_create(
            actor=SYSTEM, name=name, slug=slug, postcode=postcode, is_demo=True
        )
        for full_name, local, roles, title in staff:
            services.staff_create(
                actor=SYSTEM,
                organisation=other,
                email=f"{local}@{domain}",
                full_name=full_name,
                roles=roles,
                password=None,  # they do not sign in to the demo
                job_title=title,
                dbs_checked_on=today - timedelta(days=400),
                dbs_type="enhanced_barred",
                safeguarding_training_on=today - timedelta(days=120),
                aup_signed_on=today - timedelta(days=120),
            )
        services.trust_add_school(actor=SYSTEM, trust=trust, organisation=other)
    for local, role in data.TRUST_MEMBERS:
        user = User.objects.get(email=f"{local}@{data.EMAIL_DOMAIN}")
        services.trust_add_member(actor=SYSTEM, trust=trust, user=user, role=role)
