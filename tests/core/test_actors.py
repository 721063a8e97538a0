"""Explicit actors: ``SYSTEM`` (Chaperon itself: a command, a task, the clock) and ``PUBLIC``
(someone not signed in) instead of ``None`` for both. The audit log records them exactly as it
recorded ``None`` before: no person's id, "system" for the system, and for the public the
label of what they came by."""

import dataclasses
from types import SimpleNamespace

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.audit.services import record
from chaperon.core.actors import PUBLIC, SYSTEM, PublicActor, SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.families.services import family_links_stop
from chaperon.people.models import Organisation
from chaperon.people.services import organisation_create, site_create
from chaperon.rooms.services.common import audit
from tests.conftest import Cast


def test_the_two_actors_are_distinct_and_fixed() -> None:
    assert isinstance(SYSTEM, SystemActor) and isinstance(PUBLIC, PublicActor)
    assert SYSTEM != PUBLIC
    assert SystemActor() == SYSTEM and PublicActor() == PUBLIC
    with pytest.raises(dataclasses.FrozenInstanceError):
        SYSTEM.label = "someone"  # type: ignore[misc]


@pytest.mark.django_db
def test_the_audit_log_records_them_as_it_recorded_none(cast: Cast) -> None:
    by_system = record(action=AuditAction.SITE_CREATED, actor=SYSTEM, obj=cast.organisation)
    by_default = record(action=AuditAction.SITE_CREATED, obj=cast.organisation)
    by_none = record(action=AuditAction.SITE_CREATED, actor=None, obj=cast.organisation)
    by_public = record(
        action=AuditAction.SITE_CREATED,
        actor=PUBLIC,
        actor_label="family page link",
        obj=cast.organisation,
    )
    by_person = record(action=AuditAction.SITE_CREATED, actor=cast.dsl, obj=cast.organisation)

    for event in (by_system, by_default, by_none):
        assert (event.actor_id, event.actor_label) == (None, "system")
    assert (by_public.actor_id, by_public.actor_label) == (None, "family page link")
    assert (by_person.actor_id, by_person.actor_label) == (cast.dsl.pk, cast.dsl.email)
    assert {event.organisation_id for event in (by_system, by_public)} == {cast.organisation.pk}


@pytest.mark.django_db
def test_the_system_does_what_only_operators_do_and_a_person_may_not(cast: Cast) -> None:
    made = organisation_create(actor=SYSTEM, name="Orchard Lane School", slug="orchard-lane")
    assert made.pk is not None
    site = site_create(actor=SYSTEM, organisation=made, name="Main building")
    assert site.organisation_id == made.pk

    before = Organisation.objects.count()
    with pytest.raises(ValidationFailed):
        organisation_create(actor=cast.dsl, name="Pear Tree School", slug="pear-tree")
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_the_public_stops_their_own_family_links_audited_by_the_link(cast: Cast) -> None:
    key = family_links_stop(actor=PUBLIC, guardian=cast.guardian)
    assert key.stopped_at is not None
    event = AuditEvent.objects.filter(action=AuditAction.FAMILY_LINKS_STOPPED).latest("id")
    assert (event.actor_id, event.actor_label) == (None, "family page link")


@pytest.mark.django_db
def test_the_rooms_audit_names_the_room_itself_and_those_who_came_by_invitation(
    cast: Cast,
) -> None:
    room = SimpleNamespace(session=cast.organisation)  # the event's object: any record will do
    learner = SimpleNamespace(user=None, invitation_id=41)
    audit(AuditAction.ROOM_ENDED, room, None)  # type: ignore[arg-type]
    audit(AuditAction.ROOM_ENDED, room, learner)  # type: ignore[arg-type]
    by_room, by_learner = AuditEvent.objects.order_by("-id")[:2][::-1]
    assert (by_room.actor_id, by_room.actor_label) == (None, "system")
    assert (by_learner.actor_id, by_learner.actor_label) == (None, "invitation 41")
