"""Who may not handle subject access, and what may not be done: each refusal changes
nothing and writes no event of the change."""

from datetime import timedelta

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.core.pure.dates import add_one_month
from chaperon.subject_access import services
from chaperon.subject_access.models import SubjectAccessRequest, ThirdParty
from tests.conftest import Cast

from .helpers import FRIEND, SIBLING, a_learner_with_a_history, decide_all, party, started

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-7"), pytest.mark.clause("LOG-2")]


def _state() -> tuple[list, list, int]:
    return (
        list(SubjectAccessRequest.objects.values().order_by("id")),
        list(ThirdParty.objects.values().order_by("id")),
        AuditEvent.objects.filter(action__startswith="subject_access").count(),
    )


def test_a_teacher_may_not_start_prepare_decide_or_release(cast: Cast) -> None:
    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    sibling = party(request, SIBLING)
    before = _state()

    with pytest.raises(PermissionDenied):
        started(cast, actor=cast.teacher)
    with pytest.raises(PermissionDenied):
        services.subject_access_prepare(actor=cast.teacher, request_id=request.pk)
    with pytest.raises(PermissionDenied):
        services.subject_access_third_party_decide(
            actor=cast.teacher,
            request_id=request.pk,
            third_party_id=sibling.pk,
            decision="disclose",
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.subject_access_release(actor=cast.teacher, request_id=request.pk)

    assert _state() == before


def test_another_organisations_dsl_finds_neither_the_request_nor_the_person(cast: Cast) -> None:
    request = started(cast)
    before = _state()

    with pytest.raises(NotFound):
        services.subject_access_prepare(actor=cast.outsider, request_id=request.pk)
    with pytest.raises(NotFound):
        services.subject_access_release(actor=cast.outsider, request_id=request.pk)
    with pytest.raises(NotFound):
        started(cast, actor=cast.outsider)  # the cast's learner, from another organisation

    assert _state() == before


def test_a_deputy_may_handle_requests(cast: Cast) -> None:
    request = started(cast, actor=cast.deputy)
    assert services.subject_access_prepare(actor=cast.deputy, request_id=request.pk).gathered


def test_release_waits_for_a_decision_on_every_third_party(cast: Cast) -> None:
    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    before = _state()

    with pytest.raises(ValidationFailed, match="decide on every third party"):
        services.subject_access_release(actor=cast.dsl, request_id=request.pk)

    assert _state() == before


def test_withholding_needs_an_exemption_and_a_reason(cast: Cast) -> None:
    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    before = _state()

    with pytest.raises(ValidationFailed) as refused:
        services.subject_access_third_party_decide(
            actor=cast.dsl,
            request_id=request.pk,
            third_party_id=party(request, SIBLING).pk,
            decision="withhold",
            exemption="",
            reason=" ",
        )

    assert set(refused.value.errors) == {"exemption", "reason"}
    assert _state() == before


def test_a_released_request_cannot_be_changed(cast: Cast) -> None:
    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    decide_all(cast, request, withhold=SIBLING)
    services.subject_access_release(actor=cast.dsl, request_id=request.pk)
    before = _state()

    with pytest.raises(ValidationFailed, match="released"):
        services.subject_access_prepare(actor=cast.dsl, request_id=request.pk)
    with pytest.raises(ValidationFailed, match="released"):
        services.subject_access_third_party_decide(
            actor=cast.dsl,
            request_id=request.pk,
            third_party_id=party(request, SIBLING).pk,
            decision="disclose",
            reason="Changed my mind",
        )
    with pytest.raises(ValidationFailed, match="released"):
        services.subject_access_release(actor=cast.dsl, request_id=request.pk)
    with pytest.raises(ValidationFailed, match="released"):
        services.subject_access_disclose_staff(actor=cast.dsl, request_id=request.pk)

    assert _state() == before


def test_a_request_cannot_be_received_in_the_future_nor_for_nobody(cast: Cast) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        started(cast, received_on=cast.organisation.today() + timedelta(days=1))
    assert "received_on" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        started(cast, learner_id=None)
    assert "person" in refused.value.errors
    assert _state() == before


def test_the_request_is_due_a_month_after_it_was_received(cast: Cast) -> None:
    request = started(cast)
    assert request.due_on == add_one_month(request.received_on)
    assert AuditEvent.objects.filter(action=AuditAction.SUBJECT_ACCESS_STARTED).count() == 1


def test_someone_named_only_in_the_text_is_listed_and_withheld(cast: Cast) -> None:
    from chaperon.subject_access.models import RequestStatus

    from .helpers import archive_of, unzipped

    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    services.subject_access_third_party_add(
        actor=cast.dsl, request_id=request.pk, name="Robin", aliases=""
    )  # the subject's own first name: listed, but never redacted out of their export
    added = services.subject_access_third_party_add(
        actor=cast.dsl, request_id=request.pk, name=FRIEND
    )
    services.subject_access_prepare(actor=cast.dsl, request_id=request.pk)
    assert request.third_parties.filter(pk=added.pk).exists(), "kept when prepared again"
    decide_all(cast, request, withhold=FRIEND)

    released = services.subject_access_release(actor=cast.dsl, request_id=request.pk)

    assert released.status == RequestStatus.RELEASED
    text = "".join(unzipped(archive_of(released)).values())
    assert "Lark" not in text, "neither the name nor the surname alone"
    assert "sent to [withheld: Third party" in text
    assert "Robin Alder" in text


def test_the_same_name_cannot_be_listed_twice(cast: Cast) -> None:
    a_learner_with_a_history(cast)
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    services.subject_access_third_party_add(actor=cast.dsl, request_id=request.pk, name="Jo Lark")
    before = _state()

    with pytest.raises(ValidationFailed, match="already listed"):
        services.subject_access_third_party_add(
            actor=cast.dsl, request_id=request.pk, name="  jo   LARK "
        )

    assert _state() == before
