"""The encrypted package for a school on another system: it round-trips through the import
with its passphrase; a wrong passphrase, or a changed byte anywhere, is refused with nothing
written; the passphrase is never kept; the sender records the confirmation of receipt
(INC-8, LOG-2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, ConcernAttachment
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.people.models import Learner
from chaperon.transfers import services
from chaperon.transfers.models import PackageImport, ReceivedConcern, Transfer, TransferStatus
from chaperon.transfers.package import (
    MAGIC,
    PackageRefused,
    new_passphrase,
    normalised,
    open_package,
    seal,
)
from tests import factories
from tests.conftest import Cast

from .helpers import file_with_history, package_of, receiving_school

pytestmark = [pytest.mark.django_db, pytest.mark.clause("INC-8"), pytest.mark.clause("LOG-2")]


def _sealed(cast: Cast) -> services.Sealed:
    file_with_history(cast)
    return services.transfer_send_package(
        actor=cast.dsl, learner_id=cast.learner.pk, receiving_school="Alder Grove High"
    )


def _written(organisation_id: int) -> tuple[int, int, int, int, int]:
    return (
        Concern.objects.filter(organisation_id=organisation_id).count(),
        ConcernAttachment.objects.filter(concern__organisation_id=organisation_id).count(),
        Learner.objects.filter(organisation_id=organisation_id).count(),
        PackageImport.objects.count(),
        ReceivedConcern.objects.count(),
    )


def test_the_passphrase_is_long_random_and_never_kept(cast: Cast) -> None:
    sealed = _sealed(cast)
    transfer = Transfer.objects.get()

    assert len(normalised(sealed.passphrase)) == 40  # 40 letters of 32: 200 bits
    assert new_passphrase() != new_passphrase()
    assert transfer.passphrase_issued_at is not None
    stored = package_of(transfer)
    assert stored.startswith(MAGIC)
    assert sealed.passphrase.encode() not in stored
    assert b"Robin" not in stored  # encrypted: no word of the file shows
    assert not AuditEvent.objects.filter(reason__contains=sealed.passphrase).exists()


def test_the_package_round_trips_through_the_import(cast: Cast) -> None:
    sealed = _sealed(cast)
    there = receiving_school(cast)
    same_child = factories.learner(
        there.organisation,
        first_name=cast.learner.first_name,
        last_name=cast.learner.last_name,
        date_of_birth=cast.learner.date_of_birth,
    )
    original = Concern.objects.get(organisation=cast.organisation)

    imported = services.package_import(
        actor=there.dsl,
        package=package_of(sealed.transfer),
        passphrase=sealed.passphrase.lower().replace("-", " "),  # as typed
    )

    assert imported.learner == same_child
    assert imported.sending_school == cast.organisation.name
    copy = Concern.objects.get(organisation=there.organisation)
    assert copy.learner == same_child and copy.description == original.description
    assert [e.at for e in copy.entries.order_by("at", "id")][:-1] == [
        e.at for e in original.entries.order_by("at", "id")
    ]
    assert ConcernAttachment.objects.filter(concern=copy).count() == 1
    assert ReceivedConcern.objects.get(concern_id=copy.pk).package_import == imported
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSFER_PACKAGE_IMPORTED, organisation_id=there.organisation.pk
    ).exists()


def test_a_wrong_passphrase_is_refused_with_nothing_written(cast: Cast) -> None:
    sealed = _sealed(cast)
    there = receiving_school(cast)
    before = _written(there.organisation.pk)

    with pytest.raises(ValidationFailed) as refused:
        services.package_import(
            actor=there.dsl, package=package_of(sealed.transfer), passphrase=new_passphrase()
        )

    assert "passphrase is wrong" in refused.value.errors["passphrase"]
    assert _written(there.organisation.pk) == before
    assert AuditEvent.objects.filter(action=AuditAction.TRANSFER_PACKAGE_REFUSED).count() == 1


@pytest.mark.parametrize("where", ["magic", "header", "ciphertext", "tag"])
def test_a_package_with_one_byte_flipped_is_refused_with_nothing_written(
    cast: Cast, where: str
) -> None:
    sealed = _sealed(cast)
    there = receiving_school(cast)
    package = bytearray(package_of(sealed.transfer))
    header_end = package.index(b"\n", len(MAGIC))
    position = {
        "magic": 3,
        "header": len(MAGIC) + 5,
        "ciphertext": header_end + 20,
        "tag": len(package) - 1,
    }[where]
    package[position] ^= 0x01
    before = _written(there.organisation.pk)

    with pytest.raises(ValidationFailed) as refused:
        services.package_import(
            actor=there.dsl, package=bytes(package), passphrase=sealed.passphrase
        )

    assert "The package was not opened" in refused.value.errors["passphrase"]
    assert _written(there.organisation.pk) == before


def test_the_package_format_is_authenticated_end_to_end() -> None:
    content = {"format": "x", "concerns": []}
    package = seal({"from": "Somewhere"}, content, "ABCDE-FGHJK")
    assert open_package(package, "abcde fghjk").content == content
    with pytest.raises(PackageRefused):
        open_package(package + b"\x00", "ABCDE-FGHJK")
    with pytest.raises(PackageRefused):
        open_package(b"not a package", "ABCDE-FGHJK")


def test_a_teacher_may_not_import(cast: Cast) -> None:
    sealed = _sealed(cast)
    there = receiving_school(cast)
    before = _written(there.organisation.pk)
    with pytest.raises(PermissionDenied):
        services.package_import(
            actor=there.teacher,
            package=package_of(sealed.transfer),
            passphrase=sealed.passphrase,
        )
    assert _written(there.organisation.pk) == before


def test_the_sender_records_who_confirmed_receipt_when_and_how(cast: Cast) -> None:
    sealed = _sealed(cast)
    Transfer.objects.filter(pk=sealed.transfer.pk).update(
        sent_at=timezone.now() - timedelta(days=2)
    )
    when = timezone.now() - timedelta(hours=1)

    transfer = services.transfer_receipt_record(
        actor=cast.deputy,
        transfer_id=sealed.transfer.pk,
        received_by_name="Ash Corrie, DSL",
        received_at=when,
        how="Phone call",
    )

    assert transfer.status == TransferStatus.RECEIVED
    assert (transfer.received_by_name, transfer.received_at, transfer.receipt_how) == (
        "Ash Corrie, DSL",
        when,
        "Phone call",
    )
    assert transfer.receipt_recorded_by == cast.deputy
    assert AuditEvent.objects.filter(action=AuditAction.TRANSFER_RECEIVED).exists()


def test_a_receipt_names_who_and_how_and_is_not_from_the_future(cast: Cast) -> None:
    sealed = _sealed(cast)
    with pytest.raises(ValidationFailed) as refused:
        services.transfer_receipt_record(
            actor=cast.dsl,
            transfer_id=sealed.transfer.pk,
            received_by_name="",
            received_at=timezone.now() + timedelta(days=1),
            how="",
        )
    assert set(refused.value.errors) == {"received_by_name", "received_at", "how"}
    sealed.transfer.refresh_from_db()
    assert sealed.transfer.status == TransferStatus.SENT
