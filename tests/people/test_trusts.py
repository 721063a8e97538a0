"""Trusts: made, filled and given members from the command line only; a trust role grants
what the trust table says in that trust and nothing in another, nor in a school."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import NotFound, ValidationFailed
from chaperon.people.models import Organisation, Trust, TrustMembership
from chaperon.people.permissions import access_trust, can, can_in_trust
from chaperon.people.roles import Permission, TrustPermission
from chaperon.people.services import trust_add_member, trust_add_school, trust_create
from tests import factories
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("trust", *args, stdout=out)
    return out.getvalue()


def test_the_commands_make_a_trust_put_a_school_in_it_and_give_a_role(cast: Cast) -> None:
    assert "Created trust oak" in _run("create", "oak", "--name", "Oak Learning Trust")
    _run("add-school", "oak", cast.organisation.slug, "--postcode", "zz9 9zz")
    _run("add-member", "oak", cast.board.email.upper(), "--role", "trust_board")

    trust = Trust.objects.get(slug="oak")
    school = Organisation.objects.get(pk=cast.organisation.pk)
    assert school.trust == trust and school.postcode == "ZZ9 9ZZ"
    assert TrustMembership.objects.get().user == cast.board
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.TRUST_CREATED,
        AuditAction.TRUST_SCHOOL_ADDED,
        AuditAction.TRUST_MEMBER_ADDED,
    } <= actions
    shown = _run("show", "oak")
    assert cast.organisation.slug in shown and cast.board.email in shown


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("add-school", "nowhere", "org-1"), "trust: no trust has the slug 'nowhere'"),
        (("add-school", "oak", "no-such-school"), "organisation: no organisation has the slug"),
        (("add-member", "oak", "nobody@example.org", "--role", "trust_dsl"), "email: nobody"),
        (("add-member", "oak", "STAFF", "--role", "dsl"), "role: 'dsl' is not a trust role"),
        (("create", "oak", "--name", "Again"), "slug: 'oak' is already a trust's"),
        (("create", "Bad Slug!", "--name", "Bad"), "slug:"),
        (("remove-member", "oak", "STAFF", "--role", "trust_dsl"), "role: "),
    ],
)
def test_each_refusal_names_the_field_and_changes_nothing(
    cast: Cast, args: tuple[str, ...], names: str
) -> None:
    trust_create(actor=SYSTEM, name="Oak Learning Trust", slug="oak")
    before = (
        Trust.objects.count(),
        TrustMembership.objects.count(),
        AuditEvent.objects.count(),
    )
    args = tuple(cast.teacher.email if arg == "STAFF" else arg for arg in args)
    with pytest.raises(CommandError, match=names.replace("(", r"\(")):
        _run(*args)
    after = (Trust.objects.count(), TrustMembership.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert not Organisation.objects.filter(trust__isnull=False).exists()


def test_a_school_in_one_trust_is_not_put_in_another(cast: Cast) -> None:
    oak = trust_create(actor=SYSTEM, name="Oak", slug="oak")
    elm = trust_create(actor=SYSTEM, name="Elm", slug="elm")
    trust_add_school(actor=SYSTEM, trust=oak, organisation=cast.organisation)
    with pytest.raises(ValidationFailed) as refused:
        trust_add_school(actor=SYSTEM, trust=elm, organisation=cast.organisation)
    assert set(refused.value.errors) == {"organisation"}
    assert Organisation.objects.get(pk=cast.organisation.pk).trust == oak
    _run("remove-school", cast.organisation.slug)
    assert Organisation.objects.get(pk=cast.organisation.pk).trust is None


def test_a_trust_role_holds_in_its_trust_only_and_grants_nothing_in_a_school(cast: Cast) -> None:
    oak = trust_create(actor=SYSTEM, name="Oak", slug="oak")
    elm = trust_create(actor=SYSTEM, name="Elm", slug="elm")
    trust_add_member(actor=SYSTEM, trust=oak, user=cast.ict, role="trust_admin")
    trust_add_member(actor=SYSTEM, trust=elm, user=cast.outsider, role="trust_dsl")

    assert can_in_trust(cast.ict, oak.pk, TrustPermission.VIEW_TRUST_OVERVIEW)
    assert not can_in_trust(cast.ict, oak.pk, TrustPermission.VIEW_TRUST_SAFEGUARDING_FIGURES)
    assert not can_in_trust(cast.ict, elm.pk, TrustPermission.VIEW_TRUST_OVERVIEW)
    assert access_trust(cast.ict, oak.pk) == oak
    for trust_id in (elm.pk, elm.pk + 1000):  # another's, and none at all: the same answer
        with pytest.raises(NotFound):
            access_trust(cast.ict, trust_id)
    # The ICT technician's school roles are what they were.
    assert not can(cast.ict, Permission.VIEW_COMPLIANCE_SUMMARY)
    # Someone no longer active holds nothing in a trust.
    cast.ict.is_active = False
    assert not can_in_trust(cast.ict, oak.pk, TrustPermission.VIEW_TRUST_OVERVIEW)


def test_a_postcode_is_kept_as_it_is_printed(cast: Cast) -> None:
    school = factories.organisation("Willow Primary", postcode=" sw1a1aa ")
    assert Organisation.objects.get(pk=school.pk).postcode == "SW1A 1AA"
