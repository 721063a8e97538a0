"""Who sees a case: the DSL and deputies of its organisation; a restricted allegation only the
DSL and those the DSL names, never the staff member it is about, never the other deputies;
whoever raised it sees that it arrived. Every read of a case is audited (INC-10, LOG-2)."""

import pytest
from django.test import Client
from django.urls import reverse

from chaperon.audit.models import AuditEvent
from chaperon.concerns import services
from chaperon.concerns.models import CaseAccess, Concern
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import public_concern

pytestmark = [pytest.mark.django_db]

WHO = [
    "anonymous",
    "teacher",
    "teacher2",
    "ict",
    "board",
    "admin",
    "slt",
    "outsider",
    "deputy",
    "dsl",
]


def _client(cast: Cast, who: str) -> Client:
    return Client() if who == "anonymous" else signed_in(cast.user(who))


def _allegation(cast: Cast) -> Concern:
    return services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        description="Terry messaged a pupil from a personal account late at night.",
    )


@pytest.mark.clause("INC-1")
@pytest.mark.parametrize("who", WHO)
def test_an_ordinary_concern_is_seen_by_the_dsl_and_deputies_only(cast: Cast, who: str) -> None:
    concern = public_concern(cast.organisation)
    before = AuditEvent.objects.filter(action="concern_viewed").count()
    response = _client(cast, who).get(reverse("concerns:detail", args=[concern.pk]))
    allowed = who in {"dsl", "deputy"}
    expected = 200 if allowed else 302 if who == "anonymous" else 404
    assert response.status_code == expected
    viewed = AuditEvent.objects.filter(action="concern_viewed").count() - before
    assert viewed == (1 if allowed else 0)
    if allowed:
        assert "online game" in response.content.decode()


@pytest.mark.clause("INC-10")
@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("dsl", True),
        ("deputy", False),  # other deputies never see allegations unless named
        ("teacher", False),  # the staff member it is about: never
        ("teacher2", False),  # who raised it sees that it arrived, not the case
        ("slt", False),
        ("admin", False),
        ("outsider", False),
    ],
)
def test_an_allegation_is_restricted(cast: Cast, who: str, sees: bool) -> None:
    concern = _allegation(cast)
    client = signed_in(cast.user(who))
    assert client.get(reverse("concerns:detail", args=[concern.pk])).status_code == (
        200 if sees else 404
    )
    listed = client.get(reverse("concerns:list"))
    assert (concern.reference in listed.content.decode()) == sees
    dashboard = client.get(reverse("people:dashboard")).content.decode()
    if who != "teacher2":
        assert (concern.reference in dashboard) == sees


@pytest.mark.clause("INC-10")
def test_the_allegation_email_goes_to_the_dsl_alone(cast: Cast) -> None:
    from chaperon.core.models import EmailDelivery

    from .helpers import always_in_hours

    always_in_hours(cast.organisation)
    concern = _allegation(cast)
    told = set(EmailDelivery.objects.filter(object_id=str(concern.pk)).values_list("to", flat=True))
    assert told == {cast.dsl.email}


@pytest.mark.clause("INC-10")
def test_the_dsl_names_a_handler_who_then_sees_it_but_never_the_subject(cast: Cast) -> None:
    concern = _allegation(cast)
    with pytest.raises(NotFound):  # a deputy cannot even see it
        services.concern_access_grant(actor=cast.deputy, concern=concern, user=cast.deputy)
    with pytest.raises(ValidationFailed):
        services.concern_access_grant(actor=cast.dsl, concern=concern, user=cast.teacher)
    assert not CaseAccess.objects.exists()
    services.concern_access_grant(actor=cast.dsl, concern=concern, user=cast.slt)
    with pytest.raises(PermissionDenied):  # a named handler does not name others
        services.concern_access_grant(actor=cast.slt, concern=concern, user=cast.ict)
    assert signed_in(cast.slt).get(reverse("concerns:detail", args=[concern.pk])).status_code == 200
    assert (
        signed_in(cast.deputy).get(reverse("concerns:detail", args=[concern.pk])).status_code == 404
    )
    assert AuditEvent.objects.filter(action="concern_access_granted").count() == 1


@pytest.mark.clause("INC-10")
def test_an_allegation_about_the_dsl_goes_to_senior_leaders_not_the_dsl(cast: Cast) -> None:
    second_dsl = factories.staff(cast.organisation, "dsl", name="Dale Second")
    concern = services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.dsl,
        description="The DSL shared a pupil's details on a public forum.",
    )
    assert signed_in(cast.dsl).get(reverse("concerns:detail", args=[concern.pk])).status_code == 404
    assert signed_in(cast.slt).get(reverse("concerns:detail", args=[concern.pk])).status_code == 200
    # Another DSL sees it (it is not about them); the deputy does not.
    assert (
        signed_in(second_dsl).get(reverse("concerns:detail", args=[concern.pk])).status_code == 200
    )
    assert (
        signed_in(cast.deputy).get(reverse("concerns:detail", args=[concern.pk])).status_code == 404
    )


@pytest.mark.parametrize("who", ["teacher", "ict", "board", "admin", "slt", "anonymous"])
def test_the_concerns_list_is_for_those_who_handle_them(cast: Cast, who: str) -> None:
    public_concern(cast.organisation)
    before = AuditEvent.objects.filter(action="concern_list_viewed").count()
    response = _client(cast, who).get(reverse("concerns:list"))
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert AuditEvent.objects.filter(action="concern_list_viewed").count() == before


@pytest.mark.parametrize("who", ["teacher", "deputy", "outsider"])
def test_only_the_dsl_may_act_on_what_they_see(cast: Cast, who: str) -> None:
    concern = public_concern(cast.organisation)
    response = signed_in(cast.user(who)).post(reverse("concerns:acknowledge", args=[concern.pk]))
    concern.refresh_from_db()
    if who == "deputy":
        assert response.status_code == 302 and concern.status == "acknowledged"
    else:
        assert response.status_code == 404 and concern.status == "raised"


@pytest.mark.clause("INC-10")
def test_a_named_handler_is_not_offered_the_learners_chronology(cast: Cast) -> None:
    concern = services.concern_raise(
        actor=cast.teacher2,
        organisation=cast.organisation,
        kind="allegation",
        subject_staff=cast.teacher,
        learner=cast.learner,
        description="Terry messaged a pupil from a personal account late at night.",
    )
    services.concern_access_grant(actor=cast.dsl, concern=concern, user=cast.slt)
    chronology = reverse("concerns:chronology", args=[cast.learner.pk])
    case = reverse("concerns:detail", args=[concern.pk])
    slt_page = signed_in(cast.slt).get(case)
    assert slt_page.status_code == 200 and chronology not in slt_page.content.decode()
    assert signed_in(cast.slt).get(chronology).status_code == 403
    assert chronology in signed_in(cast.dsl).get(case).content.decode()
