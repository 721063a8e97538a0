"""A learner with something in every source: a brother in a group session with them, a
meeting record and a concern reported by a member of the public, both naming the brother."""

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from chaperon.concerns.services import concern_raise
from chaperon.core.actors import PUBLIC
from chaperon.people.models import Learner
from chaperon.sessions import services as session_services
from chaperon.sessions.models import Session
from chaperon.subject_access import services
from chaperon.subject_access.models import SubjectAccessRequest, ThirdParty
from tests import factories
from tests.conftest import Cast
from tests.records.helpers import written
from tests.sessions.helpers import consent_for, group

SIBLING = "Sky Alder"
SIBLING_EMAIL = "sky.alder@pupils.example"
REPORTER = "Pat Meadow"
FRIEND = "Jo Lark"  # named in a concern's text only
REPORTER_CONTACT = "pat@home.example"


@dataclass
class World:
    sibling: Learner
    session: Session


def a_learner_with_a_history(cast: Cast) -> World:
    sibling = factories.learner(
        cast.organisation, first_name="Sky", last_name="Alder", email=SIBLING_EMAIL
    )
    factories.guardian(cast.organisation, of=sibling, full_name="Lee Alder")
    consent_for(cast.learner, cast.dsl)
    consent_for(sibling, cast.dsl)
    booked = session_services.session_book(
        actor=cast.teacher, proposal=group(cast, [cast.learner, sibling]), title="Careers"
    )
    assert booked.session is not None, booked.verdict
    Session.objects.filter(pk=booked.session.pk).update(
        start=timezone.now() - timedelta(minutes=100)
    )
    session = Session.objects.select_related("organisation", "organiser").get(pk=booked.session.pk)
    written(
        cast,
        session,
        summary="Robin and Sky Alder talked about college. Sky said the open evening is on "
        f"Thursday; write to {SIBLING_EMAIL}.",
    )
    concern_raise(
        actor=PUBLIC,
        organisation=cast.organisation,
        learner=cast.learner,
        description="Robin told me that Sky Alder saw messages asking for photos, sent to "
        f"{FRIEND} too.",
        reporter_name=REPORTER,
        reporter_relation="other",
        reporter_contact=REPORTER_CONTACT,
        category="contact",
        types=["grooming"],
    )
    return World(sibling=sibling, session=session)


def started(cast: Cast, **fields: object) -> SubjectAccessRequest:
    arguments: dict[str, object] = {
        "actor": cast.dsl,
        "received_on": cast.organisation.today() - timedelta(days=3),
        "requester_note": "By email from Robin's mother.",
        "learner_id": cast.learner.pk,
    }
    arguments.update(fields)
    return services.subject_access_request_start(**arguments)  # type: ignore[arg-type]


def party(request: SubjectAccessRequest, name: str) -> ThirdParty:
    return request.third_parties.get(name=name)


def decide_all(cast: Cast, request: SubjectAccessRequest, *, withhold: str) -> None:
    """Withhold ``withhold`` as a third party's data; disclose everyone else."""
    for each in request.third_parties.all():
        out = each.name == withhold
        services.subject_access_third_party_decide(
            actor=cast.dsl,
            request_id=request.pk,
            third_party_id=each.pk,
            decision="withhold" if out else "disclose",
            exemption="third_party" if out else "",
            reason="Their own information" if out else "Already known to the requester",
        )


def unzipped(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def released_request(cast: Cast) -> SubjectAccessRequest:
    """A request about the cast's learner, prepared, decided (everyone disclosed), released."""
    request = services.subject_access_prepare(actor=cast.dsl, request_id=started(cast).pk)
    decide_all(cast, request, withhold="")
    return services.subject_access_release(actor=cast.dsl, request_id=request.pk)


def archive_of(request: SubjectAccessRequest) -> bytes:
    """The released zip, as stored."""
    assert request.archive is not None, "not released"
    return bytes(request.archive)
