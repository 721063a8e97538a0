"""The family page: from any email a parent or carer receives, a page with their own children's
upcoming sessions, their consents (with the way to change or withdraw them) and how to report a
worry; no account; scoped to that guardian's children, expiring, stoppable, every opening
audited."""

import time
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.core import mail
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.consent import links as consent_links
from chaperon.families.links import family_token, family_url, open_family_link
from chaperon.families.models import FamilyLinkKey
from chaperon.people.models import GuardianRelationship
from tests import factories
from tests.conftest import Cast, signed_in
from tests.consent.helpers import (
    agree_to_all_but,
    audit_since,
    form_data,
    last_seq,
    send_request,
)
from tests.rooms.helpers import booked

from .helpers import family_path_sent_to, family_paths_in

pytestmark = [pytest.mark.clause("ORG-7"), pytest.mark.clause("INC-1"), pytest.mark.clause("SES-8")]


def _path(cast: Cast) -> str:
    return f"/family/{family_token(cast.guardian.pk)}/"


def _guardian_of(path: str) -> int:
    """Whose family page an emailed link opens (links made a second apart differ)."""
    return open_family_link(path.removeprefix("/family/").removesuffix("/")).guardian_id


def test_every_email_to_a_parent_carries_their_family_page_link(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        consent_request = send_request(cast.teacher, cast.learner)
    assert _guardian_of(family_path_sent_to(cast.guardian.email)) == cast.guardian.pk  # request

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            f"/consent/r/{consent_links.request_token(consent_request)}/",
            form_data(agree_to_all_but()),
        )
    assert _guardian_of(family_path_sent_to(cast.guardian.email)) == cast.guardian.pk  # receipt

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booked(cast)
    invitations = [m for m in mail.outbox if m.subject.startswith("Invitation: ")]
    [invitation] = [m for m in invitations if m.to == [cast.guardian.email]]
    [path] = family_paths_in(invitation.body)  # the session invitation
    assert _guardian_of(path) == cast.guardian.pk
    others = [m for m in invitations if m is not invitation]
    assert len(others) >= 2  # the teacher's and the learner's own
    assert all(family_paths_in(m.body) == [] for m in others)  # no family page for them


def test_the_page_shows_the_childs_sessions_consents_and_how_to_report(cast: Cast) -> None:
    session = booked(cast)
    send_request(cast.teacher, cast.learner)
    since = last_seq()

    response = Client().get(_path(cast))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Your family page" in body and "Morgan Alder" in body
    assert "Robin Alder" in body
    assert session.title in body and "Terry Finch" in body
    assert "Taking part in live 1:1 video sessions" in body
    access = consent_links.ConsentAccess.objects.get(guardian=cast.guardian)
    assert f'href="/consent/m/{consent_links.access_token(access)}/"' in body  # change, withdraw
    assert f"/report/{cast.organisation.slug}/" in body and "call 999" in body
    assert "no-store" in response["Cache-Control"]
    [event] = audit_since(since, AuditAction.FAMILY_PAGE_OPENED)
    assert (event.actor_id, event.actor_label) == (None, "family page link")
    assert (event.object_type, event.object_id) == ("people.guardian", str(cast.guardian.pk))
    assert event.details == {"learners": [cast.learner.pk]}


def test_only_the_guardians_own_children_are_shown(cast: Cast) -> None:
    classmate = factories.learner(cast.organisation, first_name="Sky", last_name="Heron")
    classmates_parent = factories.guardian(cast.organisation, of=classmate, full_name="Lee Heron")
    session = booked(cast, kind="group", learners=[cast.learner, classmate])

    body = Client().get(_path(cast)).content.decode()
    theirs = Client().get(f"/family/{family_token(classmates_parent.pk)}/").content.decode()

    assert session.title in body and session.title in theirs
    assert "Robin Alder" in body and "Sky Heron" not in body and "Lee Heron" not in body
    assert "Sky Heron" in theirs and "Robin Alder" not in theirs


def test_a_child_unlinked_from_the_guardian_leaves_the_page_at_once(cast: Cast) -> None:
    path = _path(cast)
    GuardianRelationship.objects.filter(guardian=cast.guardian).delete()

    body = Client().get(path).content.decode()

    assert "Robin Alder" not in body
    assert "No child is linked to you" in body


def test_the_link_expires(cast: Cast, settings: Any) -> None:
    settings.FAMILY_LINK_DAYS = 30
    path = _path(cast)
    since = last_seq()

    later = time.time() + timedelta(days=31).total_seconds()
    with patch("django.core.signing.time.time", return_value=later):  # the signature's clock
        response = Client().get(path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert audit_since(since, AuditAction.FAMILY_PAGE_OPENED) == []


@pytest.mark.parametrize(
    "path", ["/family/forged/", "/family/1:1sabc:abc/", "/family/{consent}/"], ids=str
)
def test_a_forged_link_or_another_kind_of_link_opens_nothing(cast: Cast, path: str) -> None:
    consent_request = send_request(cast.teacher, cast.learner)
    path = path.format(consent=consent_links.access_token(consent_request.access))
    since = last_seq()

    response = Client().get(path)

    assert response.status_code == 404
    assert "Robin Alder" not in response.content.decode()
    assert audit_since(since, AuditAction.FAMILY_PAGE_OPENED) == []


def test_the_holder_can_stop_the_links_sent_so_far(cast: Cast) -> None:
    old = _path(cast)
    since = last_seq()

    response = Client().post(f"{old}stop/")

    assert response.status_code == 200
    assert "Your links are stopped" in response.content.decode()
    stopped = Client().get(old)
    assert stopped.status_code == 410
    assert "This link has been stopped" in stopped.content.decode()
    assert Client().get(_path(cast)).status_code == 200  # the next email's link works
    [event] = audit_since(since, AuditAction.FAMILY_LINKS_STOPPED)
    assert (event.actor_id, event.actor_label) == (None, "family page link")


def test_a_consent_manager_can_stop_a_guardians_links(cast: Cast) -> None:
    old = _path(cast)
    page = signed_in(cast.dsl).get(f"/family/learners/{cast.learner.pk}/")
    assert page.status_code == 200 and "Morgan Alder" in page.content.decode()
    since = last_seq()

    response = signed_in(cast.dsl).post(
        f"/family/guardians/{cast.guardian.pk}/stop/", {"learner": cast.learner.pk}
    )

    assert response.status_code == 302
    assert Client().get(old).status_code == 410
    [event] = audit_since(since, AuditAction.FAMILY_LINKS_STOPPED)
    assert event.actor_id == cast.dsl.pk


@pytest.mark.parametrize("name", ["teacher", "slt", "outsider"])
def test_others_may_not_stop_a_guardians_links(cast: Cast, name: str) -> None:
    old = _path(cast)
    nonce = FamilyLinkKey.objects.get(guardian=cast.guardian).nonce
    since = last_seq()

    client = signed_in(cast.user(name))
    page = client.get(f"/family/learners/{cast.learner.pk}/")
    response = client.post(f"/family/guardians/{cast.guardian.pk}/stop/")

    expected = 404 if name == "outsider" else 403
    assert (page.status_code, response.status_code) == (expected, expected)
    assert FamilyLinkKey.objects.get(guardian=cast.guardian).nonce == nonce
    assert Client().get(old).status_code == 200
    assert audit_since(since, AuditAction.FAMILY_LINKS_STOPPED) == []


def test_the_link_is_a_full_address_for_email(cast: Cast, settings: Any) -> None:
    settings.SITE_URL = "https://chaperon.school.example"
    assert family_url(cast.guardian.pk) == f"https://chaperon.school.example{_path(cast)}"
