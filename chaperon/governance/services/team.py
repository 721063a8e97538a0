"""Naming the safeguarding team's posts and the contacts published for its members (ORG-1).
Each change is one transaction with its audit event; a refusal changes nothing."""

from django.db import IntegrityError, transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.service_log import logged
from chaperon.core.validators import single_line_problem
from chaperon.people.models import User
from chaperon.people.permissions import (
    can,
    require,
    require_same_organisation,
    roles_holding,
)
from chaperon.people.roles import Permission

from ..models import SINGLE_HOLDER_POSTS, Post, PublishedContact, TeamPost

# What the table lets a member of staff be named to, for each post.
POST_PERMISSION = {
    Post.CHAMPION: Permission.BE_SAFEGUARDING_CHAMPION,
    Post.ONLINE_SAFETY_GROUP: Permission.JOIN_ONLINE_SAFETY_GROUP,
    Post.ICT_LEAD: Permission.BE_ICT_LEAD,
}
CONTACT_MAX_CHARACTERS = 200


def _post(post: str) -> Post:
    try:
        return Post(post)
    except ValueError:
        names = ", ".join(Post.values)
        raise ValidationFailed(
            {"post": f"{post!r} is not a post of the team; one of {names}"}
        ) from None


def _refuse_unless_qualified(user: User, post: Post) -> None:
    """The holder is an active member of staff whose roles allow the post."""
    permission = POST_PERMISSION[post]
    if not can(user, permission):
        roles = " or ".join(
            repr(role.label) for role in sorted(roles_holding(user.organisation_id, permission))
        )
        raise ValidationFailed(
            {
                "user": f"The post {post.label!r} needs the role {roles}, and "
                f"{user.full_name} does not hold it (or has left): give them that role on "
                "their staff page first, or choose someone who holds it"
            }
        )


@logged
def team_post_give(*, actor: User | SystemActor, user: User, post: str) -> TeamPost:
    """Give ``user`` the ``post``. A post one person holds at a time (the champion, the ICT
    lead) moves to them from whoever held it."""
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, user)
    chosen = _post(post)
    _refuse_unless_qualified(user, chosen)
    held = TeamPost.objects.filter(organisation_id=user.organisation_id, post=chosen)
    if held.filter(user=user).exists():
        raise ValidationFailed({"user": f"{user.full_name} already holds this post"})
    try:
        with transaction.atomic():
            before = []
            if chosen in SINGLE_HOLDER_POSTS:
                before = list(held.select_for_update().values_list("user_id", flat=True))
                held.delete()
            given = TeamPost.objects.create(
                organisation_id=user.organisation_id, user=user, post=chosen
            )
            record(
                action=AuditAction.TEAM_POST_GIVEN,
                actor=actor,
                obj=given,
                data={"post": chosen.value, "user": user.pk, "moved_from": before},
            )
    except IntegrityError:  # the same post given at the same moment by someone else
        raise ValidationFailed(
            {"user": "The team was changed at the same moment: look at it again and retry"}
        ) from None
    return given


@logged
def team_post_take(*, actor: User | SystemActor, user: User, post: str) -> None:
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, user)
    chosen = _post(post)
    with transaction.atomic():
        taken, _ = TeamPost.objects.filter(
            organisation_id=user.organisation_id, user=user, post=chosen
        ).delete()
        if not taken:
            raise ValidationFailed({"user": f"{user.full_name} does not hold this post"})
        record(
            action=AuditAction.TEAM_POST_TAKEN,
            actor=actor,
            obj=user,
            data={"post": chosen.value, "user": user.pk},
        )


@logged
def published_contact_set(*, actor: User | SystemActor, user: User, line: str) -> None:
    """What the contacts page says about reaching ``user`` (blank: nothing of their own, the
    organisation's safeguarding contacts stand)."""
    require(actor, Permission.MANAGE_ORGANISATION)
    require_same_organisation(actor, user)
    line = line.strip()
    if len(line) > CONTACT_MAX_CHARACTERS:
        raise ValidationFailed(
            {"line": f"At most {CONTACT_MAX_CHARACTERS} characters; this has {len(line)}"}
        )
    problem = single_line_problem(line)
    if problem:
        raise ValidationFailed({"line": problem})
    with transaction.atomic():
        current = (
            PublishedContact.objects.select_for_update()
            .filter(organisation_id=user.organisation_id, user=user)
            .first()
        )
        if (current.line if current else "") == line:
            return
        if current is not None and not line:
            current.delete()
        elif current is None:
            PublishedContact.objects.create(
                organisation_id=user.organisation_id, user=user, line=line
            )
        else:
            current.line = line
            current.save(update_fields=["line", "updated_at"])
        record(
            action=AuditAction.TEAM_CONTACT_CHANGED,
            actor=actor,
            obj=user,
            data={"user": user.pk, "published": bool(line)},
        )
