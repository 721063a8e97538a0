from io import StringIO

import pyotp
import pytest
from django.core.management import CommandError, call_command

from chaperon.accounts.models import TotpDevice
from chaperon.concerns.models import Concern
from chaperon.consent.models import Consent, ConsentRequest
from chaperon.governance.models import FilterReport
from chaperon.people.models import (
    Guardian,
    Learner,
    Organisation,
    StaffMember,
    Trust,
    TrustMembership,
    User,
)
from chaperon.people.roles import Role
from chaperon.sessions.models import Session, SessionStatus
from tests.conftest import Cast, signed_in


@pytest.mark.django_db
def test_demo_school_has_the_promised_people_and_loads_once() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    organisation = Organisation.objects.get(slug="larkspur-demo")
    staff = StaffMember.objects.filter(organisation=organisation)
    roles = [role for member in staff for role in member.role_set]
    assert roles.count(Role.DSL) == 1
    assert roles.count(Role.DEPUTY_DSL) == 1
    assert roles.count(Role.SENIOR_LEADER) >= 1
    assert roles.count(Role.TEACHER) == 3
    learners = Learner.objects.filter(organisation=organisation)
    assert learners.count() == 20
    ages = {learner.age_on(organisation.created_at.date()) for learner in learners}
    assert min(ages) <= 12 and max(ages) >= 18  # mixed ages, adults included
    assert learners.filter(adult_at_risk=True).exists()
    assert all(learner.relationships.exists() for learner in learners)
    assert Guardian.objects.filter(organisation=organisation, email="").exists()
    assert "dsl@larkspur.example" in out.getvalue()

    call_command("load_demo", stdout=StringIO())
    assert Organisation.objects.filter(slug="larkspur-demo").count() == 1
    assert Learner.objects.filter(organisation=organisation).count() == 20


@pytest.mark.django_db
def test_demo_code_is_the_authenticators_current_code() -> None:
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_code", "dsl@larkspur.example", stdout=out)
    device = TotpDevice.objects.get(user__email="dsl@larkspur.example")
    assert pyotp.TOTP(device.secret).verify(out.getvalue().strip(), valid_window=1)


def test_demo_code_is_never_given_for_a_real_account(cast: Cast) -> None:
    TotpDevice.objects.create(
        user=cast.dsl, secret=pyotp.random_base32(32), confirmed_at="2026-01-01T00:00:00Z"
    )
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_code", cast.dsl.email, stdout=StringIO())


@pytest.mark.django_db
def test_the_demo_school_has_consents_requests_and_a_booked_session() -> None:
    call_command("load_demo", stdout=StringIO())
    assert Consent.objects.filter(answer="given").values("learner").distinct().count() == 6
    assert ConsentRequest.objects.count() >= 4
    [session] = Session.objects.all()
    assert session.status == SessionStatus.BOOKED and not session.flagged
    assert session.last_verdict["decision"] == "allow"
    [concern] = Concern.objects.all()
    assert concern.source == "public" and concern.acknowledged_at is not None
    assert concern.learner is None  # the DSL links the record; a public report never does


@pytest.mark.django_db
def test_the_demo_trust_has_the_demo_school_and_two_tiny_ones() -> None:
    call_command("load_demo", stdout=StringIO())
    trust = Trust.objects.get(slug="larkspur-trust")
    schools = Organisation.objects.filter(trust=trust)
    assert schools.count() == 3 and all(school.is_demo and school.postcode for school in schools)
    members = TrustMembership.objects.filter(trust=trust).values_list("user__email", "role")
    assert set(members) == {
        ("dsl@larkspur.example", "trust_dsl"),
        ("governor@larkspur.example", "trust_board"),
    }
    assert not Learner.objects.filter(organisation__in=schools).exclude(
        organisation__slug="larkspur-demo"
    )
    governor = signed_in(User.objects.get(email="governor@larkspur.example"))
    page = governor.get("/trusts/", follow=True).content.decode()
    for name in ("Larkspur Community School", "Foxglove Primary School", "Tansy Brook Academy"):
        assert name in page


@pytest.mark.django_db
@pytest.mark.clause("ORG-1")
def test_the_demo_school_publishes_its_safeguarding_team(client) -> None:
    call_command("load_demo", stdout=StringIO())
    page = client.get("/contacts/larkspur-demo/").content.decode()
    for shown in ("Alma Rookwood", "Jonah Fairweather", "Helen Okafor", "extension 201"):
        assert shown in page


@pytest.mark.django_db
@pytest.mark.clause("ORG-5")
def test_the_demo_school_has_a_filtering_report_and_an_overdue_review() -> None:
    call_command("load_demo", stdout=StringIO())
    dsl = User.objects.get(email="dsl@larkspur.example")
    client = signed_in(dsl)
    report = FilterReport.objects.get(organisation_id=dsl.organisation_id)
    assert (report.entry_count, report.serious_count, report.unmatched_count) == (7, 4, 1)

    page = client.get("/governance/filtering/").content.decode()
    entries = client.get(f"/governance/filtering/{report.pk}/?serious=on").content.decode()

    assert "have not been reviewed for more than a year" in page
    assert "have not been checked" not in page
    assert "Grace Penhaligon" not in entries  # piracy is not serious
    assert "Raise a concern" in entries
