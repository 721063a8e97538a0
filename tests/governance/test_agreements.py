"""Acceptable use agreements (ORG-2): versions per audience, staff asked to agree when they
sign in, the day they agreed on their record (read by the session policy, SES-10), and the
register of who has and has not agreed."""

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.governance.models import Audience, AupSignature, AupVersion
from chaperon.governance.selectors import staff_agreement_register
from chaperon.governance.services import aup_publish, aup_sign
from chaperon.people.models import User
from tests import factories
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.clause("ORG-2")


def _publish(cast: Cast, text: str = "I use only my school account.", **changes) -> AupVersion:
    fields = {"audience": Audience.STAFF, "title": "Staff acceptable use agreement", "text": text}
    fields.update(changes)
    return aup_publish(actor=cast.dsl, organisation=cast.organisation, **fields)


def test_versions_are_numbered_per_audience_and_audited(cast: Cast) -> None:
    first = _publish(cast)
    second = _publish(cast, "Version two.")
    parents = _publish(cast, audience=Audience.PARENT, title="Parents' agreement")
    assert (first.number, second.number, parents.number) == (1, 2, 1)
    assert AuditEvent.objects.filter(action=AuditAction.AUP_PUBLISHED).count() == 3


def test_publishing_is_for_those_allowed_and_bad_input_changes_nothing(cast: Cast) -> None:
    for actor in (cast.teacher, cast.deputy, cast.ict):
        with pytest.raises(PermissionDenied):
            aup_publish(
                actor=actor,
                organisation=cast.organisation,
                audience=Audience.STAFF,
                title="Mine",
                text="Anything",
            )
    with pytest.raises(ValidationFailed) as refused:
        _publish(cast, text="   ", title="Two\nlines", audience="everyone")
    assert set(refused.value.errors) == {"text", "title", "audience"}
    assert not AupVersion.objects.exists()


def test_a_member_of_staff_agrees_before_going_on_and_the_day_is_on_their_record(
    cast: Cast,
) -> None:
    version = _publish(cast)
    client = signed_in(cast.teacher)
    asked = client.get("/sessions/")
    assert asked.status_code == 302
    assert asked["Location"] == "/governance/agreement/?next=%2Fsessions%2F"
    page = client.get(asked["Location"])
    assert "I use only my school account." in page.content.decode()
    refused = client.post(asked["Location"], {"version": version.pk})
    assert refused.status_code == 400
    assert not AupSignature.objects.exists()
    agreed = client.post(asked["Location"], {"version": version.pk, "agreed": "on"})
    assert agreed.status_code == 302
    assert agreed["Location"] == "/sessions/"
    assert client.get("/sessions/").status_code == 200
    staff = factories.staff_member(cast.teacher)
    assert staff.aup_signed_on == cast.organisation.today()
    [event] = AuditEvent.objects.filter(action=AuditAction.AUP_SIGNED)
    assert event.actor_id == cast.teacher.pk


def test_a_new_version_is_asked_for_at_the_next_sign_in(cast: Cast) -> None:
    first = _publish(cast)
    aup_sign(actor=cast.teacher, version_id=first.pk)
    client = signed_in(cast.teacher)
    assert client.get("/dashboard/").status_code == 200
    second = _publish(cast, "Version two.")
    assert client.get("/dashboard/").status_code == 200  # this sign-in goes on
    again = signed_in(cast.teacher)
    assert again.get("/dashboard/").status_code == 302
    with pytest.raises(ValidationFailed, match="not the agreement in force"):
        aup_sign(actor=cast.teacher, version_id=first.pk)
    aup_sign(actor=cast.teacher, version_id=second.pk)
    assert again.get("/dashboard/").status_code == 200


def test_nobody_is_asked_where_no_agreement_is_published(cast: Cast) -> None:
    assert signed_in(cast.teacher).get("/dashboard/").status_code == 200


def test_the_agreement_page_goes_on_only_within_the_site(cast: Cast) -> None:
    version = _publish(cast)
    client = signed_in(cast.teacher)
    agreed = client.post(
        "/governance/agreement/?next=https://elsewhere.example/",
        {"version": version.pk, "agreed": "on"},
    )
    assert agreed["Location"] == "/dashboard/"


def test_signing_twice_keeps_one_signature(cast: Cast) -> None:
    version = _publish(cast)
    aup_sign(actor=cast.teacher, version_id=version.pk)
    aup_sign(actor=cast.teacher, version_id=version.pk)
    assert AupSignature.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.AUP_SIGNED).count() == 1


def test_the_register_shows_who_has_not_agreed(cast: Cast) -> None:
    version = _publish(cast)
    aup_sign(actor=cast.teacher, version_id=version.pk)
    User.objects.filter(pk=cast.teacher2.pk).update(is_active=False)  # left: not counted
    register = staff_agreement_register(cast.dsl)
    assert (register.signed, register.staff) == (1, 7)
    waiting = staff_agreement_register(cast.dsl, signed=False)
    names = {member.user.full_name for member in waiting.rows}
    assert "Terry Finch" not in names
    assert "Toni Marsh" not in names
    assert "Dana Sefton" in names
    page = signed_in(cast.dsl)
    aup_sign(actor=cast.dsl, version_id=version.pk)
    shown = page.get("/governance/agreements/?signed=no").content.decode()
    assert "2 of 7 staff have agreed" in shown
    assert ">Dana Sefton</a></th>" not in shown
    assert ">Sam Laurel</a></th>" in shown


def test_the_register_is_for_those_who_publish(cast: Cast) -> None:
    _publish(cast)
    aup_sign(actor=cast.teacher, version_id=AupVersion.objects.get().pk)
    assert signed_in(cast.teacher).get("/governance/agreements/").status_code == 403
    refused = signed_in(cast.teacher).post(
        "/governance/agreements/publish/",
        {"audience": Audience.STAFF, "title": "Mine", "text": "Anything"},
    )
    assert refused.status_code == 403
    assert AupVersion.objects.count() == 1


def test_the_dsl_publishes_from_the_page(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    done = client.post(
        "/governance/agreements/publish/",
        {"audience": Audience.PARENT, "title": "Parents' agreement", "text": "We agree."},
    )
    assert done.status_code == 302
    assert AupVersion.objects.get().audience == Audience.PARENT
    bad = client.post(
        "/governance/agreements/publish/",
        {"audience": Audience.PARENT, "title": "Parents' agreement", "text": ""},
    )
    assert bad.status_code == 400
    assert AupVersion.objects.count() == 1


def test_the_system_may_publish(cast: Cast) -> None:
    aup_publish(
        actor=SYSTEM,
        organisation=cast.organisation,
        audience=Audience.STAFF,
        title="Staff agreement",
        text="Text.",
    )
    assert AupVersion.objects.get().published_by is None
    # Pages without sign-in are not held back by the agreement.
    assert Client().get(f"/contacts/{cast.organisation.slug}/").status_code == 200
