"""The safeguarding team (ORG-1): its posts, the contacts published for its members, and the
public contacts page that is generated from the staff roles and the posts each time it is
read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.governance.models import Post, PublishedContact, TeamPost
from chaperon.governance.selectors import safeguarding_team
from chaperon.governance.services import (
    published_contact_set,
    team_post_give,
    team_post_take,
)
from chaperon.people.models import User
from chaperon.people.roles import Role
from chaperon.people.services import staff_set_roles
from tests import factories
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.clause("ORG-1")


def _names(cast: Cast) -> dict[str, list[str]]:
    team = safeguarding_team(cast.organisation)
    return {section.key: [member.name for member in section.members] for section in team.sections}


def _posts() -> list[tuple[int, str]]:
    return sorted(TeamPost.objects.values_list("user_id", "post"))


def test_the_team_follows_the_roles_and_the_posts(cast: Cast) -> None:
    team_post_give(actor=cast.dsl, user=cast.board, post=Post.CHAMPION)
    team_post_give(actor=cast.dsl, user=cast.slt, post=Post.ONLINE_SAFETY_GROUP)
    team_post_give(actor=cast.dsl, user=cast.ict, post=Post.ONLINE_SAFETY_GROUP)
    team_post_give(actor=cast.admin, user=cast.ict, post=Post.ICT_LEAD)
    assert _names(cast) == {
        "leads": ["Dana Sefton"],
        "deputies": ["Devon Pike"],
        "champion": ["Bo Hartley"],
        "online_safety_group": ["Ira Quill", "Sam Laurel"],
        "ict_lead": ["Ira Quill"],
    }
    given = AuditEvent.objects.filter(action=AuditAction.TEAM_POST_GIVEN)
    assert given.count() == 4


def test_a_new_dsl_shows_at_once_and_the_former_one_no_longer(cast: Cast) -> None:
    staff_set_roles(actor=SYSTEM, staff=factories.staff_member(cast.dsl), roles=[Role.TEACHER])
    staff_set_roles(actor=SYSTEM, staff=factories.staff_member(cast.deputy), roles=[Role.DSL])
    names = _names(cast)
    assert names["leads"] == ["Devon Pike"]
    assert names["deputies"] == []


def test_someone_who_left_or_lost_the_role_a_post_needs_is_not_shown(cast: Cast) -> None:
    team_post_give(actor=cast.dsl, user=cast.board, post=Post.CHAMPION)
    team_post_give(actor=cast.dsl, user=cast.slt, post=Post.ONLINE_SAFETY_GROUP)
    staff_set_roles(actor=SYSTEM, staff=factories.staff_member(cast.board), roles=[Role.TEACHER])
    User.objects.filter(pk=cast.slt.pk).update(is_active=False)  # left
    names = _names(cast)
    assert names["champion"] == []
    assert names["online_safety_group"] == []


def test_the_champion_and_the_ict_lead_are_one_person_each_and_the_post_moves(
    cast: Cast,
) -> None:
    second_governor = factories.staff(cast.organisation, Role.BOARD, name="Gale Whitby")
    team_post_give(actor=cast.dsl, user=cast.board, post=Post.CHAMPION)
    team_post_give(actor=cast.dsl, user=second_governor, post=Post.CHAMPION)
    assert _posts() == [(second_governor.pk, "champion")]
    moved = AuditEvent.objects.filter(action=AuditAction.TEAM_POST_GIVEN).latest("id")
    assert moved.details["moved_from"] == [cast.board.pk]


def test_the_champion_must_sit_on_the_board_and_a_refusal_changes_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        team_post_give(actor=cast.dsl, user=cast.teacher, post=Post.CHAMPION)
    message = refused.value.errors["user"]
    assert "needs the role 'Board member / safeguarding champion'" in message
    assert "give them that role on their staff page" in message
    with pytest.raises(ValidationFailed):
        team_post_give(actor=cast.dsl, user=cast.teacher, post=Post.ICT_LEAD)
    assert _posts() == []
    assert not AuditEvent.objects.filter(action=AuditAction.TEAM_POST_GIVEN).exists()


def test_only_those_who_run_the_organisation_name_the_team(cast: Cast) -> None:
    for actor in (cast.deputy, cast.teacher, cast.board):
        with pytest.raises(PermissionDenied):
            team_post_give(actor=actor, user=cast.slt, post=Post.ONLINE_SAFETY_GROUP)
        with pytest.raises(PermissionDenied):
            published_contact_set(actor=actor, user=cast.dsl, line="Extension 12")
    assert _posts() == []
    assert not PublishedContact.objects.exists()


def test_nobody_names_another_organisations_staff(cast: Cast) -> None:
    with pytest.raises(NotFound):
        team_post_give(actor=cast.dsl, user=cast.outsider, post=Post.ONLINE_SAFETY_GROUP)
    assert _posts() == []


def test_an_unknown_post_is_refused_with_the_posts_named(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        team_post_give(actor=cast.dsl, user=cast.slt, post="caretaker")
    assert "online_safety_group" in refused.value.errors["post"]
    assert _posts() == []


def test_taking_a_post_away(cast: Cast) -> None:
    team_post_give(actor=cast.dsl, user=cast.slt, post=Post.ONLINE_SAFETY_GROUP)
    team_post_take(actor=cast.dsl, user=cast.slt, post=Post.ONLINE_SAFETY_GROUP)
    assert _posts() == []
    assert AuditEvent.objects.filter(action=AuditAction.TEAM_POST_TAKEN).count() == 1
    with pytest.raises(ValidationFailed):
        team_post_take(actor=cast.dsl, user=cast.slt, post=Post.ONLINE_SAFETY_GROUP)


def test_published_contacts_are_set_changed_and_cleared(cast: Cast) -> None:
    published_contact_set(actor=cast.dsl, user=cast.dsl, line="  Telephone extension 214 ")
    assert safeguarding_team(cast.organisation).leads[0].contact == "Telephone extension 214"
    published_contact_set(actor=cast.dsl, user=cast.dsl, line="Telephone extension 214")
    published_contact_set(actor=cast.dsl, user=cast.dsl, line="")
    assert not PublishedContact.objects.exists()
    changes = AuditEvent.objects.filter(action=AuditAction.TEAM_CONTACT_CHANGED)
    assert [event.details["published"] for event in changes.order_by("id")] == [True, False]


def test_a_contact_on_two_lines_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        published_contact_set(actor=cast.dsl, user=cast.dsl, line="Extension 12\nor 13")
    assert "one line" in refused.value.errors["line"]
    with pytest.raises(ValidationFailed):
        published_contact_set(actor=cast.dsl, user=cast.dsl, line="x" * 201)
    assert not PublishedContact.objects.exists()


# The pages ----------------------------------------------------------------------------------


def test_the_public_page_needs_no_sign_in_and_shows_no_email_address(client, cast: Cast) -> None:
    team_post_give(actor=cast.dsl, user=cast.board, post=Post.CHAMPION)
    published_contact_set(actor=cast.dsl, user=cast.deputy, line="Telephone extension 215")
    page = client.get(f"/contacts/{cast.organisation.slug}/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("Dana Sefton", "Devon Pike", "Telephone extension 215", "Bo Hartley"):
        assert shown in text
    assert "@" not in text.replace("mailto:", "")  # no address of anyone's own
    assert cast.dsl.email not in text
    assert "Olly Outwood" not in text  # the other organisation's DSL
    assert f"/report/{cast.organisation.slug}/" in text


def test_the_public_page_of_an_unknown_organisation_is_not_found(client, cast: Cast) -> None:
    assert client.get("/contacts/no-such-school/").status_code == 404


def test_staff_see_the_team_with_work_email_addresses(cast: Cast) -> None:
    page = signed_in(cast.teacher).get("/governance/team/")
    assert page.status_code == 200
    text = page.content.decode()
    assert cast.dsl.email in text
    assert "Give the post" not in text  # a teacher names nobody


def test_the_dsl_gives_a_post_from_the_page(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    page = client.post(
        "/governance/team/give/", {"post": Post.ONLINE_SAFETY_GROUP, "user": cast.slt.pk}
    )
    assert page.status_code == 302
    assert _posts() == [(cast.slt.pk, "online_safety_group")]
    assert "Sam Laurel" in client.get(f"/contacts/{cast.organisation.slug}/").content.decode()


def test_a_post_given_to_someone_without_the_role_is_shown_as_an_error(cast: Cast) -> None:
    page = signed_in(cast.dsl).post(
        "/governance/team/give/", {"post": Post.CHAMPION, "user": cast.teacher.pk}
    )
    assert page.status_code == 400
    assert "give them that role on their staff page" in page.content.decode()
    assert _posts() == []


def test_a_teacher_cannot_give_a_post_or_publish_a_contact(cast: Cast) -> None:
    client = signed_in(cast.teacher)
    given = client.post(
        "/governance/team/give/", {"post": Post.ONLINE_SAFETY_GROUP, "user": cast.slt.pk}
    )
    published = client.post(f"/governance/team/{cast.dsl.pk}/contact/", {"line": "Ext 1"})
    assert given.status_code == 403
    assert published.status_code == 403
    assert _posts() == []
    assert not PublishedContact.objects.exists()


def test_another_organisations_staff_cannot_be_chosen_on_the_page(cast: Cast) -> None:
    page = signed_in(cast.dsl).post(
        "/governance/team/give/", {"post": Post.ONLINE_SAFETY_GROUP, "user": cast.outsider.pk}
    )
    assert page.status_code == 400
    assert _posts() == []
    contact = signed_in(cast.dsl).post(
        f"/governance/team/{cast.outsider.pk}/contact/", {"line": "Ext 1"}
    )
    assert contact.status_code == 404
    assert not PublishedContact.objects.exists()


def test_the_dsl_publishes_a_contact_from_the_page(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    saved = client.post(f"/governance/team/{cast.dsl.pk}/contact/", {"line": "Extension 214"})
    assert saved.status_code == 302
    assert PublishedContact.objects.get().line == "Extension 214"
    refused = client.post(f"/governance/team/{cast.dsl.pk}/contact/", {"line": "a\tb"}, follow=True)
    assert "was not saved" in refused.content.decode()
    assert PublishedContact.objects.get().line == "Extension 214"


def test_the_team_is_read_in_the_same_number_of_queries_however_large(
    cast: Cast, django_assert_max_num_queries
) -> None:
    with CaptureQueriesContext(connection) as small:
        safeguarding_team(cast.organisation)
    for number in range(6):
        member = factories.staff(cast.organisation, Role.ICT, Role.BOARD, name=f"Extra {number}")
        team_post_give(actor=SYSTEM, user=member, post=Post.ONLINE_SAFETY_GROUP)
        published_contact_set(actor=SYSTEM, user=member, line=f"Extension {number}")
    with django_assert_max_num_queries(len(small)):
        team = safeguarding_team(cast.organisation)
    assert len(team.sections[3].members) == 6
    assert all(member.job_title for member in team.sections[3].members)
