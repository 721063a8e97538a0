"""Who may open the transfer pages: the DSL and deputies of the organisations concerned;
everyone else is refused, or told the transfer does not exist (INC-8, LOG-2)."""

import pytest
from django.test import Client

from chaperon.people.roles import Role
from chaperon.transfers import services
from chaperon.transfers.models import Transfer, TransferStatus
from tests import factories
from tests.conftest import Cast, signed_in

from .helpers import file_with_history, package_of

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-8"), pytest.mark.clause("LOG-2")]

PAGES = ["/transfers/", "/transfers/incoming/", "/transfers/import/"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("teacher", 403),
        ("slt", 403),
        ("admin", 403),
        ("dsl", 200),
        ("deputy", 200),
    ],
)
def test_the_lists_are_for_the_dsl_and_deputies(cast: Cast, who: str, status: int) -> None:
    client = Client() if who == "anonymous" else signed_in(cast.user(who))
    for path in [*PAGES, f"/transfers/learners/{cast.learner.pk}/send/"]:
        assert client.get(path).status_code == status, path


def test_a_transfer_is_seen_by_its_two_organisations_only(cast: Cast) -> None:
    file_with_history(cast)
    transfer = services.transfer_send_direct(
        actor=cast.dsl,
        learner_id=cast.learner.pk,
        receiving_organisation_id=cast.other_organisation.pk,
    )
    path = f"/transfers/{transfer.pk}/"
    third = factories.staff(
        factories.organisation("Larch Hill Academy"), Role.DSL, name="Lou Garnet"
    )

    sender = signed_in(cast.dsl).get(path)
    receiver = signed_in(cast.outsider).get(path)

    assert sender.status_code == 200 and "Waiting for receipt" in sender.text
    assert "Accept the file" not in sender.text
    assert receiver.status_code == 200 and "Accept the file" in receiver.text
    assert signed_in(third).get(path).status_code == 404
    assert signed_in(third).post(f"{path}accept/", {"learner": "new"}).status_code == 404
    assert (
        signed_in(cast.dsl).get(f"/transfers/learners/{cast.outsider_learner.pk}/send/").status_code
        == 404
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT


def test_the_send_page_searches_schools_and_never_lists_them_all(cast: Cast) -> None:
    factories.organisation("Kestrel Vale Primary")
    client = signed_in(cast.dsl)
    path = f"/transfers/learners/{cast.learner.pk}/send/"

    assert "Kestrel Bank College" not in client.get(path).text
    short = client.get(path, {"q": "Ke"})
    assert "type at least 3 letters" in short.text
    found = client.get(path, {"q": "kestrel"}).text
    assert "Kestrel Bank College" in found and "Kestrel Vale Primary" in found
    assert (
        cast.organisation.name not in found.split("To a school on Chaperon")[1].split("</form>")[1]
    )


def test_declining_from_the_page_needs_a_reason_and_keeps_nothing(cast: Cast) -> None:
    file_with_history(cast)
    transfer = services.transfer_send_direct(
        actor=cast.dsl,
        learner_id=cast.learner.pk,
        receiving_organisation_id=cast.other_organisation.pk,
    )
    client = signed_in(cast.outsider)

    refused = client.post(f"/transfers/{transfer.pk}/decline/", {"reason": ""})
    assert refused.status_code == 400 and "Why you decline it" in refused.text
    done = client.post(f"/transfers/{transfer.pk}/decline/", {"reason": "Not joining us."})
    assert done.status_code == 302
    assert Transfer.objects.get().status == TransferStatus.DECLINED


def test_the_sender_records_receipt_of_a_package_from_the_page(cast: Cast) -> None:
    sealed = services.transfer_send_package(
        actor=cast.dsl, learner_id=cast.learner.pk, receiving_school="Alder Grove High"
    )
    Transfer.objects.filter(pk=sealed.transfer.pk).update(
        sent_at=sealed.transfer.sent_at.replace(year=2025)
    )
    client = signed_in(cast.dsl)
    path = f"/transfers/{sealed.transfer.pk}/"

    assert client.get(f"{path}package/").content == package_of(sealed.transfer)
    page = client.get(path).text
    assert sealed.passphrase not in page
    answer = client.post(
        f"{path}receipt/",
        {"received_by_name": "Ash Corrie", "received_at": "2026-01-05T09:30", "how": "Phone call"},
    )
    assert answer.status_code == 302
    shown = client.get(path).text
    assert "Received" in shown and "Ash Corrie" in shown and "Phone call" in shown


def test_the_file_is_sent_from_a_concern_about_the_learner(cast: Cast) -> None:
    concern = file_with_history(cast)
    page = signed_in(cast.dsl).get(f"/concerns/{concern.pk}/")
    assert "Send this learner&#x27;s file to a new school" in page.text

    answer = signed_in(cast.dsl).get(f"/transfers/concerns/{concern.pk}/send/")

    assert answer.status_code == 302
    assert answer["Location"] == f"/transfers/learners/{cast.learner.pk}/send/"
    assert (
        signed_in(cast.outsider).get(f"/transfers/concerns/{concern.pk}/send/").status_code == 404
    )
    assert signed_in(cast.teacher).get(f"/transfers/concerns/{concern.pk}/send/").status_code == 403
