"""The case page and the staff form choose people with pickers: the page never lists the
organisation, Find works without JavaScript, and a crafted id from elsewhere is refused with
nothing changed."""

from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, ConcernKind, ConcernLink, ConcernStep
from tests import factories
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in

TRIAGE = {
    "illegal": "no",
    "immediate_risk": "no",
    "risk_to_user": "harm",
    "nude_sharing": "not_involved",
    "risk_note": "Messages asking for photos; no meeting arranged.",
}


def _crowd(cast: Cast, count: int) -> None:
    for number in range(count):
        factories.learner(cast.organisation, first_name="Pupil", last_name=f"Number{number:02}")
        factories.staff(cast.organisation, "teacher", name=f"Staff Member{number:02}")


def test_the_case_page_does_not_grow_with_the_organisation(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    dsl = signed_in(cast.dsl)
    small = dsl.get(f"/concerns/{concern.pk}/").content.decode()
    _crowd(cast, 40)
    large = dsl.get(f"/concerns/{concern.pk}/").content.decode()
    assert "Pupil" not in large and "Member0" not in large
    assert abs(len(large) - len(small)) < 200  # the CSRF tokens and ids aside, the same page


def test_the_staff_form_does_not_list_the_organisation(cast: Cast) -> None:
    _crowd(cast, 30)
    page = signed_in(cast.teacher).get(reverse("concerns:new")).content.decode()
    assert "Pupil" not in page and "Member0" not in page
    assert 'name="learner-search"' in page and 'name="subject_staff-search"' in page


def test_find_on_the_case_page_keeps_what_was_typed(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    events = AuditEvent.objects.exclude(action=AuditAction.CONCERN_VIEWED).count()
    response = signed_in(cast.dsl).post(
        f"/concerns/{concern.pk}/triage/",
        {**TRIAGE, "owner": cast.dsl.pk, "owner-search": "pike", "search": "owner"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 found for “pike”" in body and f'value="{cast.deputy.pk}"' in body
    assert "Messages asking for photos" in body  # the note typed is kept
    assert "There is a problem" not in body
    assert not ConcernStep.objects.filter(concern=concern).exists()
    assert AuditEvent.objects.exclude(action=AuditAction.CONCERN_VIEWED).count() == events


def test_triage_refuses_an_owner_from_another_organisation(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    response = signed_in(cast.dsl).post(
        f"/concerns/{concern.pk}/triage/", {**TRIAGE, "owner": cast.outsider.pk}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Who owns the steps: someone chosen cannot be chosen here" in body
    assert "Olly Outwood" not in body
    assert not ConcernStep.objects.filter(concern=concern).exists()


def test_an_allegation_is_never_about_someone_elsewhere(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    response = signed_in(cast.dsl).post(
        f"/concerns/{concern.pk}/reclassify/",
        {"subject_staff": cast.outsider.pk, "reason": "Named by the learner."},
    )
    assert response.status_code == 400
    assert "The member of staff it is about: someone chosen cannot be chosen here" in (
        response.content.decode()
    )
    concern.refresh_from_db()
    assert concern.kind == ConcernKind.CONCERN and concern.subject_staff_id is None


def test_links_and_changes_take_only_the_organisations_learners(cast: Cast) -> None:
    concern = public_concern(cast.organisation)
    dsl = signed_in(cast.dsl)
    link = dsl.post(
        f"/concerns/{concern.pk}/links/",
        {"learner": cast.outsider_learner.pk, "relation": "sibling", "reason": "Same house"},
    )
    assert link.status_code == 400 and not ConcernLink.objects.exists()
    change = dsl.post(
        f"/concerns/{concern.pk}/change/",
        {"learner": cast.outsider_learner.pk, "reason": "Named by the parent"},
    )
    assert change.status_code == 400
    assert "Learner: someone chosen cannot be chosen here" in change.content.decode()
    concern.refresh_from_db()
    assert concern.learner_id is None


def test_the_staff_form_refuses_a_learner_from_another_organisation(cast: Cast) -> None:
    response = signed_in(cast.teacher).post(
        reverse("concerns:new"),
        {
            "kind": "concern",
            "learner": cast.outsider_learner.pk,
            "category": "conduct",
            "description": "Said something worrying in the session today.",
        },
    )
    assert response.status_code == 400
    assert "someone chosen cannot be chosen here" in response.content.decode()
    assert not Concern.objects.exists()


def test_find_on_the_staff_form_finds_a_learner_and_keeps_the_report(cast: Cast) -> None:
    response = signed_in(cast.teacher).post(
        reverse("concerns:new"),
        {
            "kind": "concern",
            "description": "Said something worrying in the session today.",
            "learner-search": "alder",
            "search": "learner",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="learner" value="{cast.learner.pk}"' in body and "Robin Alder" in body
    assert "Said something worrying" in body
    assert not Concern.objects.exists()
