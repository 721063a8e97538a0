"""A learner's file with some history, and the school it goes to."""

from dataclasses import dataclass

from django.db import transaction

from chaperon.concerns import services as concern_services
from chaperon.concerns.attachments import concern_file
from chaperon.concerns.models import Concern
from chaperon.people.models import Learner, Organisation, User
from chaperon.people.roles import Role
from chaperon.transfers.models import Transfer
from tests import factories
from tests.concerns.helpers import immediate_risk
from tests.conftest import Cast


@dataclass
class Receiving:
    organisation: Organisation
    dsl: User
    teacher: User


def receiving_school(cast: Cast) -> Receiving:
    """The other organisation of the cast, its DSL (the outsider) and a teacher there."""
    return Receiving(
        organisation=cast.other_organisation,
        dsl=cast.outsider,
        teacher=factories.staff(cast.other_organisation, Role.TEACHER, name="Tam Reed"),
    )


def file_with_history(cast: Cast, learner: Learner | None = None) -> Concern:
    """A concern about the learner, acknowledged, triaged, with a note and a document."""
    learner = learner or cast.learner
    concern = concern_services.concern_raise(
        actor=cast.teacher,
        organisation=cast.organisation,
        description="Robin said someone in a game asked for their address.",
        learner=learner,
        category="contact",
        types=["grooming"],
        attachment=concern_file(
            name="chat-notes.txt",
            content=b"Notes of what Robin said in words.",
            declared_type="text/plain",
        ),
    )
    with transaction.atomic():
        concern_services.concern_acknowledge(actor=cast.dsl, concern=concern)
    with transaction.atomic():
        concern_services.concern_triage(
            actor=cast.dsl, concern=concern, answers=immediate_risk(), risk_note="Risk of contact."
        )
    with transaction.atomic():
        concern_services.concern_note_add(
            actor=cast.dsl, concern=concern, text="Spoke with Robin's carer."
        )
    return Concern.objects.get(pk=concern.pk)


def package_of(transfer: Transfer) -> bytes:
    """The encrypted package a transfer keeps."""
    assert transfer.package is not None
    return bytes(transfer.package)
