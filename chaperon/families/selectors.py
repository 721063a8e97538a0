"""What a family page shows: the guardian's own children (those they are linked to now), each
with their upcoming sessions and their consents, and how to report a worry. Opening it is
audited."""

from dataclasses import dataclass

from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.consent.link_selectors import consent_page_path
from chaperon.consent.permissions import access_learner, require
from chaperon.consent.selectors import PurposeStatus, current_statuses
from chaperon.core.exceptions import NotFound
from chaperon.people.models import Guardian, GuardianRelationship, Learner, Organisation, User
from chaperon.people.roles import Permission
from chaperon.sessions.models import Session
from chaperon.sessions.selectors import upcoming_sessions_of_learners

from .models import FamilyLinkKey

LINK_ACTOR = "family page link"


@dataclass(frozen=True)
class Child:
    learner: Learner
    relationship: str
    sessions: list[Session]
    consents: list[PurposeStatus]
    consent_url: str  # the guardian's own consent page for this child ("" if none yet)


@dataclass(frozen=True)
class FamilyPage:
    guardian: Guardian
    organisation: Organisation
    children: list[Child]
    report_url: str


def family_page_of(guardian: Guardian) -> FamilyPage:
    """The page for the holder of ``guardian``'s link. Audited as opened by that link."""
    links = list(
        GuardianRelationship.objects.filter(guardian=guardian)
        .select_related("learner", "learner__organisation")
        .order_by("learner__first_name", "learner__last_name", "learner_id")
    )
    learner_ids = [link.learner_id for link in links]
    sessions = upcoming_sessions_of_learners(learner_ids)
    children = [
        Child(
            learner=link.learner,
            relationship=link.get_relationship_display(),
            sessions=[s for s in sessions if link.learner_id in {x.pk for x in s.learners.all()}],
            consents=current_statuses(link.learner),
            consent_url=consent_page_path(link.learner_id, guardian.pk),
        )
        for link in links
    ]
    organisation = guardian.organisation
    record(
        action=AuditAction.FAMILY_PAGE_OPENED,
        obj=guardian,
        actor_label=LINK_ACTOR,
        data={"learners": learner_ids},
    )
    return FamilyPage(
        guardian=guardian,
        organisation=organisation,
        children=children,
        report_url=reverse("report:for_organisation", args=[organisation.slug]),
    )


@dataclass(frozen=True)
class GuardianLinks:
    guardian: Guardian
    relationship: str
    key: FamilyLinkKey | None  # None: no link has been sent yet


def family_links_for(viewer: User, learner_id: int) -> tuple[Learner, list[GuardianLinks]]:
    """A learner's parents and carers with the state of their family page links, for a
    consent manager who may stop them."""
    learner = access_learner(viewer, learner_id, Permission.RECORD_CONSENT)
    links = list(
        GuardianRelationship.objects.filter(learner=learner)
        .select_related("guardian")
        .order_by("guardian__full_name", "guardian_id")
    )
    keys = {
        key.guardian_id: key
        for key in FamilyLinkKey.objects.filter(guardian_id__in=[x.guardian_id for x in links])
    }
    return learner, [
        GuardianLinks(link.guardian, link.get_relationship_display(), keys.get(link.guardian_id))
        for link in links
    ]


def guardian_for(viewer: User, guardian_id: int) -> Guardian:
    """A guardian of the viewer's organisation, for a consent manager."""
    require(viewer, Permission.RECORD_CONSENT)
    guardian = Guardian.objects.filter(pk=guardian_id, organisation_id=viewer.organisation_id)
    found = guardian.first()
    if found is None:
        raise NotFound("No such parent or carer.")
    return found
