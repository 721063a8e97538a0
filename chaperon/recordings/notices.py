"""What guardians are told when a withdrawal of consent to recording has been acted on: the
recordings destroyed (with a link to each destruction certificate), or that a recording is
kept as evidence in a safeguarding matter (never which case, nor anything about it)."""

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chaperon.consent.selectors import guardians_of
from chaperon.core.email_queue import queue_email
from chaperon.core.links import absolute_url
from chaperon.people.models import Learner

from .models import DestructionCertificate


def certificate_url(certificate: DestructionCertificate) -> str:
    return absolute_url(reverse("recordings:public_certificate", args=[certificate.token]))


def queue_outcome_to_guardians(
    *, learner_id: int, destroyed: Sequence[DestructionCertificate], held: int
) -> None:
    """Queue one email to each of the learner's guardians with an address. Call inside a
    transaction."""
    learner = Learner.objects.select_related("organisation").get(pk=learner_id)
    organisation = learner.organisation
    context = {
        "organisation": organisation.name,
        "learner_name": learner.first_name,
        "destroyed": [
            {"certificate": certificate, "url": certificate_url(certificate)}
            for certificate in destroyed
        ],
        "held": held,
    }
    with timezone.override(organisation.zone):
        text = render_to_string("recordings/email/withdrawal_outcome.txt", context)
    subject = f"Recordings of {learner.first_name}: " + (
        "destroyed" if destroyed and not held else "what has happened"
    )
    for guardian in guardians_of(learner):
        if not guardian.email:
            continue
        queue_email(
            to=guardian.email,
            subject=subject,
            text=text,
            purpose="recording_withdrawal_outcome",
            obj=destroyed[0] if destroyed else learner,
            organisation_id=organisation.pk,
        )
