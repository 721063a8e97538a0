"""``chaperon trust``: make a trust, put schools in it and give people their trust roles.

    chaperon trust create SLUG --name NAME
    chaperon trust add-school SLUG ORGANISATION [--postcode POSTCODE]
    chaperon trust remove-school ORGANISATION
    chaperon trust add-member SLUG EMAIL --role trust_dsl|trust_board|trust_admin
    chaperon trust remove-member SLUG EMAIL --role ROLE
    chaperon trust show SLUG

Each refusal is one line on standard error naming the field and the fix, and exit status 1.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import ValidationFailed
from chaperon.people.emails import normalise_email
from chaperon.people.models import Organisation, Trust, TrustMembership, User
from chaperon.people.roles import TrustRole
from chaperon.people.services import (
    organisation_update,
    trust_add_member,
    trust_add_school,
    trust_create,
    trust_remove_member,
    trust_remove_school,
)

ROLES = ", ".join(TrustRole.values)


def _trust(slug: str) -> Trust:
    trust = Trust.objects.filter(slug=slug).first()
    if trust is None:
        raise CommandError(f"trust: no trust has the slug {slug!r} (chaperon trust create)")
    return trust


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"organisation: no organisation has the slug {slug!r}")
    return organisation


def _user(email: str) -> User:
    user = User.objects.filter(email=normalise_email(email)).first()
    if user is None:
        raise CommandError(f"email: nobody signs in as {email!r}; add them as staff first")
    return user


class Command(BaseCommand):
    help = "Make trusts, put schools in them and give people their trust roles."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        create = commands.add_parser("create", help="make a trust")
        create.add_argument("slug", help="the trust's short name in addresses, e.g. oak-trust")
        create.add_argument("--name", required=True, help="the trust's name as people read it")
        add_school = commands.add_parser("add-school", help="put an organisation in a trust")
        add_school.add_argument("slug", help="the trust's slug")
        add_school.add_argument("organisation", help="the organisation's slug")
        add_school.add_argument("--postcode", help="the school's postcode, for the report page")
        remove_school = commands.add_parser("remove-school", help="take a school out of its trust")
        remove_school.add_argument("organisation", help="the organisation's slug")
        for name, text in (("add-member", "give"), ("remove-member", "take away")):
            member = commands.add_parser(name, help=f"{text} someone's role in a trust")
            member.add_argument("slug", help="the trust's slug")
            member.add_argument("email", help="the address they sign in with")
            member.add_argument("--role", required=True, help=f"one of {ROLES}")
        show = commands.add_parser("show", help="the trust's schools and members")
        show.add_argument("slug", help="the trust's slug")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            getattr(self, subcommand.replace("-", "_"))(**options)
        except ValidationFailed as refused:
            raise CommandError(str(refused)) from None

    def create(self, *, slug: str, name: str, **options: Any) -> None:
        trust = trust_create(actor=SYSTEM, name=name, slug=slug)
        self.stdout.write(f"Created trust {trust.slug} ({trust.name}).")

    def add_school(
        self, *, slug: str, organisation: str, postcode: str | None, **options: Any
    ) -> None:
        trust, school = _trust(slug), _organisation(organisation)
        with transaction.atomic():
            if postcode is not None:
                school = organisation_update(actor=SYSTEM, organisation=school, postcode=postcode)
            trust_add_school(actor=SYSTEM, trust=trust, organisation=school)
        self.stdout.write(f"{school.slug} is now a school of {trust.slug}.")

    def remove_school(self, *, organisation: str, **options: Any) -> None:
        school = trust_remove_school(actor=SYSTEM, organisation=_organisation(organisation))
        self.stdout.write(f"{school.slug} is no longer in a trust.")

    def add_member(self, *, slug: str, email: str, role: str, **options: Any) -> None:
        trust, user = _trust(slug), _user(email)
        trust_add_member(actor=SYSTEM, trust=trust, user=user, role=role)
        self.stdout.write(f"{user.email} is now {role} of {trust.slug}.")

    def remove_member(self, *, slug: str, email: str, role: str, **options: Any) -> None:
        trust, user = _trust(slug), _user(email)
        trust_remove_member(actor=SYSTEM, trust=trust, user=user, role=role)
        self.stdout.write(f"{user.email} is no longer {role} of {trust.slug}.")

    def show(self, *, slug: str, **options: Any) -> None:
        trust = _trust(slug)
        self.stdout.write(f"{trust.name} ({trust.slug})")
        schools = Organisation.objects.filter(trust=trust).order_by("name")
        self.stdout.write(f"Schools: {schools.count()}")
        for school in schools:
            self.stdout.write(f"  {school.slug}\t{school.name}\t{school.postcode}")
        members = TrustMembership.objects.filter(trust=trust).select_related("user")
        self.stdout.write(f"Members: {members.count()}")
        for membership in members.order_by("user__email", "role"):
            self.stdout.write(f"  {membership.user.email}\t{membership.role}")
