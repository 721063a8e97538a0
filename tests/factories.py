"""Build fictional organisations and people through the services, as the product does."""

import itertools
from datetime import date, timedelta

from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import Guardian, Learner, Organisation, StaffMember, User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def organisation(name: str = "Harbour View School", **fields: object) -> Organisation:
    number = next(_counter)
    return services.organisation_create(
        actor=SYSTEM,
        name=name,
        slug=f"org-{number}",
        **fields,  # type: ignore[arg-type]
    )


def staff(
    organisation: Organisation,
    *roles: str,
    name: str | None = None,
    today: date | None = None,
    **fields: object,
) -> User:
    """A staff member whose checks are all current unless ``fields`` say otherwise."""
    number = next(_counter)
    today = today or date.today()
    defaults: dict[str, object] = {
        "dbs_checked_on": today - timedelta(days=200),
        "dbs_type": "enhanced_barred",
        "safeguarding_training_on": today - timedelta(days=100),
        "aup_signed_on": today - timedelta(days=100),
        "job_title": "Teacher",
    }
    defaults.update(fields)
    member = services.staff_create(
        actor=SYSTEM,
        organisation=organisation,
        email=f"staff{number}@{organisation.slug}.example",
        full_name=name or f"Staff Member {number}",
        roles=roles,
        password=PASSWORD,
        **defaults,
    )
    return member.user


def learner(
    organisation: Organisation,
    *,
    first_name: str = "Robin",
    last_name: str | None = None,
    date_of_birth: date = date(2012, 5, 17),
    **fields: object,
) -> Learner:
    number = next(_counter)
    return services.learner_create(
        actor=SYSTEM,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name or f"Learner{number}",
        date_of_birth=date_of_birth,
        **fields,
    )


def guardian(
    organisation: Organisation,
    *,
    of: Learner | None = None,
    full_name: str | None = None,
    relationship: str = "mother",
    parental_responsibility: bool = True,
    **fields: object,
) -> Guardian:
    number = next(_counter)
    fields.setdefault("email", f"guardian{number}@home.example")
    person = services.guardian_create(
        actor=SYSTEM,
        organisation=organisation,
        full_name=full_name or f"Guardian {number}",
        **fields,
    )
    if of is not None:
        services.guardian_link(
            actor=SYSTEM,
            guardian=person,
            learner=of,
            relationship=relationship,
            parental_responsibility=parental_responsibility,
        )
    return person


def staff_member(user: User) -> StaffMember:
    return StaffMember.objects.get(user=user)
