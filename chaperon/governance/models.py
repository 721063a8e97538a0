"""The safeguarding team's posts that are not staff roles, and the contact published for each
member of the team (ORG-1).

The Designated Safeguarding Lead and the deputies are staff roles (``people.roles``); the
board's safeguarding champion, the online safety group and the ICT lead are posts held here by
members of staff. Who is shown for a post is worked out when the page is read: someone who
left, or lost the role a post needs, is no longer shown.
"""

from django.conf import settings
from django.db import models

from chaperon.core.validators import single_line
from chaperon.people.models import OrganisationOwned


class Post(models.TextChoices):
    CHAMPION = "champion", "Safeguarding champion on the board"
    ONLINE_SAFETY_GROUP = "online_safety_group", "Online safety group"
    ICT_LEAD = "ict_lead", "ICT lead"


# Posts one person holds at a time: giving one to someone moves it from whoever held it.
SINGLE_HOLDER_POSTS = (Post.CHAMPION, Post.ICT_LEAD)


class TeamPost(OrganisationOwned):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.CharField(max_length=30, choices=Post.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "post"], name="team_post_once_each"
            ),
            models.UniqueConstraint(
                fields=["organisation", "post"],
                condition=models.Q(post__in=SINGLE_HOLDER_POSTS),
                name="team_post_single_holder",
            ),
        ]


class PublishedContact(OrganisationOwned):
    """How learners and families may reach one member of the team, as published on the
    contacts page (a telephone extension, a shared mailbox): never their own details unless
    the organisation chooses to publish them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    line = models.CharField(max_length=200, validators=[single_line])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="published_contact_once_each"
            )
        ]


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    LEARNER_PRIMARY = "learner_primary", "Learners in key stages 1 and 2"
    LEARNER_SECONDARY = "learner_secondary", "Learners in key stages 3 and 4"
    LEARNER_POST16 = "learner_post16", "Learners in key stage 5, and adult learners"
    PARENT = "parent", "Parents and carers"
    GUEST = "guest", "Guests"


class AupVersion(OrganisationOwned):
    """One version of the acceptable use agreement for one audience (ORG-2). Versions are never
    changed: a new text is a new version, and everyone in its audience is asked again."""

    audience = models.CharField(max_length=30, choices=Audience.choices)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, validators=[single_line])
    text = models.TextField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "audience", "number"], name="aup_version_number_once"
            )
        ]


class AupSignature(OrganisationOwned):
    """A member of staff agreed to one version (learners and parents to come)."""

    version = models.ForeignKey(AupVersion, on_delete=models.PROTECT, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="aup_signed_once")]
