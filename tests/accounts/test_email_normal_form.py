"""Email addresses are compared in one normal form everywhere: a spelling that reaches an
account is that account's spelling, for its password, its lockout and its uniqueness."""

import importlib

import pytest
from django.core import mail
from django.test import Client, override_settings

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import ValidationFailed
from chaperon.people import services
from chaperon.people.emails import normalise_email
from chaperon.people.imports import people_import
from chaperon.people.models import Guardian, User
from chaperon.people.roles import Role
from tests import factories
from tests.api.conftest import api_as, people_state
from tests.conftest import Cast
from tests.people.test_import_helpers import csv_text

pytestmark = pytest.mark.clause("SES-11")

LONG_S = "\u017f"  # LATIN SMALL LETTER LONG S: its upper case is S, its normal form s
KELVIN = "\u212a"  # KELVIN SIGN: its normal form is k


@pytest.fixture
def larkspur(cast: Cast) -> User:
    """A teacher whose address has letters with look-alikes."""
    return services.staff_create(
        actor=SYSTEM,
        organisation=cast.organisation,
        email="teacher2@larkspur.example",
        full_name="Kit Larkspur",
        roles=[Role.TEACHER],
        password=factories.PASSWORD,
    ).user


def _sign_in(email: str, password: str = factories.PASSWORD):
    return Client().post("/accounts/sign-in/", {"email": email, "password": password})


def _events(action: AuditAction) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Teacher2@Larkspur.Example", "teacher2@larkspur.example"),
        (f"teacher2@lark{LONG_S}pur.example", "teacher2@larkspur.example"),
        (f"  {KELVIN}it@larkspur.example ", "kit@larkspur.example"),
        ("\uff4b\uff49\uff54@larkspur.example", "kit@larkspur.example"),  # full-width letters
        ("kit@b\u00fccher.example", "kit@xn--bcher-kva.example"),
        ("kit@xn--bcher-kva.example", "kit@xn--bcher-kva.example"),
        ("not an address", "not an address"),
    ],
)
def test_every_spelling_of_an_address_has_one_normal_form(typed: str, normal: str) -> None:
    assert normalise_email(typed) == normal
    assert normalise_email(normal) == normal


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_a_look_alike_spelling_cannot_sign_into_a_locked_account_or_clear_its_lock(
    larkspur: User,
) -> None:
    for _ in range(3):
        _sign_in(larkspur.email, "a wrong guess")
    assert _events(AuditAction.SIGN_IN_LOCKED) == 1

    look_alike = _sign_in(f"teacher2@lark{LONG_S}pur.example")

    assert look_alike.status_code == 200
    assert "Too many attempts" in look_alike.content.decode()
    assert _events(AuditAction.SIGN_IN) == 0
    # The lock still holds for the usual spelling, with the right password.
    assert "Too many attempts" in _sign_in(larkspur.email).content.decode()


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_failures_in_any_spelling_count_against_the_one_account(larkspur: User) -> None:
    for spelling in (
        f"teacher2@lark{LONG_S}pur.example",
        "TEACHER2@LARKSPUR.EXAMPLE",
        f"teacher2@lar{KELVIN}spur.example",
    ):
        _sign_in(spelling, "a wrong guess")

    assert "Too many attempts" in _sign_in(larkspur.email).content.decode()
    locked = AuditEvent.objects.get(action=AuditAction.SIGN_IN_LOCKED)
    assert (locked.object_id, locked.actor_label) == (str(larkspur.pk), larkspur.email)


def test_a_compatible_spelling_signs_into_its_own_account(larkspur: User) -> None:
    response = _sign_in(f"TEACHER2@LARK{LONG_S}PUR.EXAMPLE")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor_id == larkspur.pk


def test_a_password_link_goes_to_the_address_on_the_account(larkspur: User) -> None:
    Client().post("/accounts/password/reset/", {"email": f"teacher2@lark{LONG_S}pur.example"})
    assert [message.to for message in mail.outbox] == [[larkspur.email]]


def test_a_second_account_cannot_differ_only_by_a_look_alike_letter(
    cast: Cast, larkspur: User
) -> None:
    before = people_state()
    with pytest.raises(ValidationFailed) as error:
        services.staff_create(
            actor=cast.dsl,
            organisation=cast.organisation,
            email=f"teacher2@lark{LONG_S}pur.example",
            full_name="Someone Else",
            roles=[Role.TEACHER],
        )
    assert "already belongs to another account" in error.value.errors["email"]

    response = api_as(cast.dsl).post(
        "/api/staff",
        {
            "email": f"Teacher2@Lark{LONG_S}pur.example",
            "full_name": "Someone Else",
            "roles": ["teacher"],
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["email"]

    # (In the same organisation the row would be matched to the account, as its own address.)
    result = people_import(
        actor=cast.outsider,
        organisation=cast.other_organisation,
        kind="staff",
        text=csv_text(
            "external_id,full_name,email,roles",
            f"S100,Someone Else,TEACHER2@LARK{LONG_S}PUR.EXAMPLE,teacher",
        ),
    )
    assert [(error.column, error.message) for error in result.errors] == [
        (
            "email",
            "teacher2@larkspur.example already belongs to another account; each person "
            "needs their own email address",
        ),
    ]
    assert people_state() == before


def test_addresses_are_stored_in_their_normal_form(cast: Cast) -> None:
    member = services.staff_create(
        actor=cast.dsl,
        organisation=cast.organisation,
        email=f"  Nell.Star{LONG_S}@Harbour.Example ",
        full_name="Nell Star",
        roles=[Role.TEACHER],
    )
    guardian = factories.guardian(cast.organisation, email=f"Morgan@{KELVIN}estrel.example")
    learner = factories.learner(cast.organisation, email="ROBIN@HARBOUR.EXAMPLE")
    assert member.user.email == "nell.stars@harbour.example"
    assert Guardian.objects.get(pk=guardian.pk).email == "morgan@kestrel.example"
    assert learner.email == "robin@harbour.example"


MIGRATION = importlib.import_module("chaperon.people.migrations.0007_normalised_emails")


def test_the_migration_brings_existing_addresses_to_their_normal_form(
    cast: Cast, larkspur: User
) -> None:
    User.objects.filter(pk=larkspur.pk).update(email=f"Teacher2@Lark{LONG_S}pur.example")
    Guardian.objects.filter(pk=cast.guardian.pk).update(email="Morgan@HOME.example")

    MIGRATION._normalise_users(User)
    MIGRATION._normalise_contacts(Guardian)

    assert User.objects.get(pk=larkspur.pk).email == "teacher2@larkspur.example"
    assert Guardian.objects.get(pk=cast.guardian.pk).email == "morgan@home.example"


def test_the_migration_stops_and_names_accounts_that_would_share_an_address(
    cast: Cast, larkspur: User
) -> None:
    twin = factories.staff(cast.organisation, Role.TEACHER, name="Kit Twin")
    User.objects.filter(pk=twin.pk).update(email=f"teacher2@lark{LONG_S}pur.example")
    before = people_state()

    with pytest.raises(RuntimeError) as error:
        MIGRATION._normalise_users(User)

    assert f"user {larkspur.pk}" in str(error.value) and f"user {twin.pk}" in str(error.value)
    assert people_state() == before


def test_a_very_long_address_is_answered_like_any_unknown_one(cast: Cast) -> None:
    """Its try is counted under a digest, whatever its length, never a database error."""
    address = (
        "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 50 + ".example"
    )
    assert len(address) > 254
    response = _sign_in(address, "a wrong guess")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert _events(AuditAction.SIGN_IN_FAILED) == 1
