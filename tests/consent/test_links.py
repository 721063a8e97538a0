"""Personal links: forged, altered, expired, reused and replaced links each get a clear page and
change nothing; a request answered twice at once (two tabs, a double click) keeps one answer."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from chaperon.consent import links, services
from chaperon.consent.links import LinkProblem
from chaperon.consent.models import Consent, ConsentEvidence, ConsentRequest, RequestStatus
from tests import factories
from tests.conftest import Cast

from .helpers import (
    agree_to_all_but,
    answer_token,
    clock_moved,
    form_data,
    manage_token,
    send_request,
)

pytestmark = pytest.mark.clause("SES-9")


def _nothing_saved() -> bool:
    return not ConsentEvidence.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: "1.not-a-real-nonce:not-a-signature",
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(".", ".x", 1),
        lambda token: "",
    ],
    ids=["made-up", "bad-signature", "changed-nonce", "empty"],
)
def test_a_forged_link_is_not_valid_and_saves_nothing(cast: Cast, forge) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    path = f"/consent/r/{forge(answer_token(consent_request))}/"
    if path == "/consent/r//":
        path = "/consent/r/-/"
    client = Client()
    page = client.get(path)
    posted = client.post(path, form_data(agree_to_all_but()))
    assert page.status_code == posted.status_code == 404
    assert "This link is not valid" in page.content.decode()
    assert "opened the whole link" in page.content.decode()
    assert _nothing_saved()
    consent_request.refresh_from_db()
    assert consent_request.status == RequestStatus.AWAITING


def test_a_request_link_cannot_open_the_access_page_nor_the_other_way_round(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    client = Client()
    assert client.get(f"/consent/m/{answer_token(consent_request)}/").status_code == 404
    assert client.get(f"/consent/r/{manage_token(consent_request)}/").status_code == 404


def test_a_link_for_another_organisations_request_is_just_as_invalid(cast: Cast) -> None:
    mine = send_request(cast.dsl, cast.learner)
    theirs = send_request(cast.outsider, cast.outsider_learner)
    # A valid signature with the other request's id but this one's nonce.
    token = links._sign(links.REQUEST_SALT, theirs.pk, mine.nonce)
    assert Client().get(f"/consent/r/{token}/").status_code == 404


def test_an_expired_link_says_so_and_saves_nothing(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    path = f"/consent/r/{answer_token(consent_request)}/"
    with clock_moved(timedelta(days=13, hours=23)):
        assert Client().get(path).status_code == 200  # still within 14 days
    with clock_moved(timedelta(days=14, seconds=1)):
        page = Client().get(path)
        posted = Client().post(path, form_data(agree_to_all_but()))
    assert page.status_code == posted.status_code == 410
    body = page.content.decode()
    assert "This link has expired" in body and "send you a new link" in body
    assert _nothing_saved()


def test_an_expired_link_is_refused_by_the_service_too(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    with clock_moved(timedelta(days=15)), pytest.raises(LinkProblem) as refused:
        services.consent_answer_by_link(
            token=answer_token(consent_request),
            answers=agree_to_all_but(),
            slots=[{"days": ["mon"], "from": "16:00", "to": "17:00"}],
            signed_name="Morgan Alder",
        )
    assert refused.value.problem == "expired"
    assert _nothing_saved()


def test_the_link_lifetime_is_a_setting(cast: Cast, settings) -> None:
    settings.CONSENT_LINK_DAYS = 3
    consent_request = send_request(cast.dsl, cast.learner)
    assert consent_request.expires_at - consent_request.created_at < timedelta(days=3, seconds=5)
    with clock_moved(timedelta(days=3, minutes=1)):
        assert Client().get(f"/consent/r/{answer_token(consent_request)}/").status_code == 410


def test_a_used_link_offers_the_guardians_own_page_instead(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    path = f"/consent/r/{answer_token(consent_request)}/"
    first = Client().post(path, form_data(agree_to_all_but()))
    assert first.status_code == 302
    second = Client().post(path, form_data(agree_to_all_but("recording")))
    assert second.status_code == 410
    body = second.content.decode()
    assert "This link has already been used" in body
    assert f"/consent/m/{manage_token(consent_request)}/" in body
    assert ConsentEvidence.objects.count() == 1
    assert not Consent.objects.filter(answer="declined").exists()


def test_a_newer_request_replaces_the_older_links(cast: Cast) -> None:
    old = send_request(cast.dsl, cast.learner)
    new = send_request(cast.dsl, cast.learner)
    old.refresh_from_db()
    assert old.status == RequestStatus.SUPERSEDED
    client = Client()
    for path in (f"/consent/r/{answer_token(old)}/", f"/consent/m/{manage_token(old)}/"):
        page = client.get(path)
        assert page.status_code == 410
        assert "replaced by a newer one" in page.content.decode()
    assert client.get(f"/consent/r/{answer_token(new)}/").status_code == 200
    assert client.get(f"/consent/m/{manage_token(new)}/").status_code == 200
    assert client.post(f"/consent/r/{answer_token(old)}/", form_data({})).status_code == 410
    assert _nothing_saved()


def test_a_request_to_another_guardian_leaves_the_first_ones_links_alone(cast: Cast) -> None:
    factories.guardian(cast.organisation, of=cast.learner, full_name="Alex Alder")
    first, second = services.consent_request_send(
        actor=cast.dsl, learner=cast.learner, purposes=["live_group"]
    )
    assert {first.recipient_name, second.recipient_name} == {"Alex Alder", "Morgan Alder"}
    again = services.consent_request_send(
        actor=cast.dsl,
        learner=cast.learner,
        purposes=["live_group"],
        guardian_ids=[first.guardian_id],  # type: ignore[list-item]
    )
    statuses = dict(ConsentRequest.objects.values_list("pk", "status"))
    assert statuses[first.pk] == RequestStatus.SUPERSEDED
    assert statuses[second.pk] == statuses[again[0].pk] == RequestStatus.AWAITING


def test_a_double_click_stores_one_answer(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    path = f"/consent/r/{answer_token(consent_request)}/"
    tab_one, tab_two = Client(), Client()
    assert tab_one.get(path).status_code == tab_two.get(path).status_code == 200
    assert tab_one.post(path, form_data(agree_to_all_but())).status_code == 302
    assert tab_two.post(path, form_data(agree_to_all_but("images"))).status_code == 410
    assert ConsentEvidence.objects.count() == 1
    assert Consent.objects.count() == 6
    assert set(Consent.objects.values_list("answer", flat=True)) == {"given"}


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_store_one_answer(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    token = answer_token(consent_request)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(declined: str) -> None:
        try:
            start.wait()
            services.consent_answer_by_link(
                token=token,
                answers=agree_to_all_but(declined),
                slots=[{"days": ["mon"], "from": "16:00", "to": "17:00"}],
                signed_name="Morgan Alder",
            )
            outcomes.append("saved")
        except LinkProblem as problem:
            outcomes.append(problem.problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(p,)) for p in ("images", "recording")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["saved", "used"]
    assert ConsentEvidence.objects.count() == 1
    assert Consent.objects.filter(superseded_at__isnull=True).count() == 6
    assert Consent.objects.filter(answer="declined").count() == 1
    consent_request.refresh_from_db()
    assert consent_request.status == RequestStatus.ANSWERED


def test_an_answer_that_is_incomplete_is_refused_with_the_field_named(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    path = f"/consent/r/{answer_token(consent_request)}/"
    answers = agree_to_all_but()
    del answers["images"]
    response = Client().post(path, form_data(answers, name="  ", slot=None))
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#id_images_0"' in body and "Choose yes or no." in body
    assert "Type your full name" in body
    assert "give the days and times you agree to for 1:1 sessions" in body
    assert _nothing_saved()
    consent_request.refresh_from_db()
    assert consent_request.status == RequestStatus.AWAITING  # still usable


@pytest.mark.clause("SES-1")
@pytest.mark.parametrize(
    ("slot", "message"),
    [
        (((), "16:00", "17:00"), "choose at least one day"),
        ((("mon",), "17:00", "16:00"), "end time must be later"),
        ((("mon",), "4pm", "17:00"), "HH:MM"),
    ],
)
def test_days_and_times_for_one_to_one_sessions_must_make_sense(
    cast: Cast, slot, message: str
) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    response = Client().post(
        f"/consent/r/{answer_token(consent_request)}/",
        form_data(agree_to_all_but(), slot=slot),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _nothing_saved()


def test_declining_one_to_one_sessions_needs_no_days(cast: Cast) -> None:
    consent_request = send_request(cast.dsl, cast.learner)
    response = Client().post(
        f"/consent/r/{answer_token(consent_request)}/",
        form_data(agree_to_all_but("live_one_to_one"), slot=None),
    )
    assert response.status_code == 302
    assert Consent.objects.get(purpose="live_one_to_one").slots == []


def test_a_newer_link_still_shows_the_receipts_of_earlier_answers(cast: Cast) -> None:
    first = send_request(cast.dsl, cast.learner)
    Client().post(f"/consent/r/{answer_token(first)}/", form_data(agree_to_all_but()))
    earlier = ConsentEvidence.objects.get()
    second = send_request(cast.dsl, cast.learner)
    page = Client().get(f"/consent/m/{manage_token(second)}/")
    assert f"/receipts/{earlier.receipt_id}/" in page.content.decode()
    other = factories.guardian(cast.organisation, of=cast.learner, full_name="Alex Alder")
    [theirs] = services.consent_request_send(
        actor=cast.dsl, learner=cast.learner, purposes=["images"], guardian_ids=[other.pk]
    )
    # Another guardian's page shows their own receipts only.
    assert (
        Client()
        .get(f"/consent/m/{manage_token(theirs)}/receipts/{earlier.receipt_id}/")
        .status_code
        == 404
    )
