"""Who may see and handle concerns, one rule each. Another organisation's concern, or one the
viewer may not see, is "not found": nobody learns that a case exists. Which roles do what is
in the one table, ``people.roles.TABLE``.

- Concerns are handled by the organisation's DSL and deputies (DSOs): HANDLE_CONCERNS.
- An allegation about staff (INC-10) is restricted: the DSL (LEAD_SAFEGUARDING) and those the
  DSL names, never the staff member it is about, never the other deputies. Where the DSL is
  the one it is about, the senior leaders (HANDLE_ALLEGATIONS_ABOUT_LEADS) handle it instead.
- Whoever raised a concern sees that it was received and when it closed, not the case.
- Every member of staff may raise one (RAISE_CONCERNS).
"""

from django.db.models import Q, QuerySet

from chaperon.core.exceptions import NotFound, PermissionDenied
from chaperon.people.models import User
from chaperon.people.permissions import can
from chaperon.people.roles import Permission, roles_grant, roles_with

from .models import CaseAccess, Concern, ConcernKind


def is_staff(user: User) -> bool:
    """A member of staff (any role): who may own a step, be named on a case or be its subject."""
    return bool(user.is_active) and bool(user.roles)


def may_raise_concerns(user: User) -> bool:
    return can(user, Permission.RAISE_CONCERNS)


def handles_concerns(user: User) -> bool:
    """May triage and handle every concern that is not restricted."""
    return can(user, Permission.HANDLE_CONCERNS)


def leads_safeguarding(user: User) -> bool:
    return can(user, Permission.LEAD_SAFEGUARDING)


def _handles_allegations_about_leads(roles: frozenset[str]) -> bool:
    return roles_grant(roles, Permission.HANDLE_ALLEGATIONS_ABOUT_LEADS)


def _leads_safeguarding(roles: frozenset[str]) -> bool:
    return roles_grant(roles, Permission.LEAD_SAFEGUARDING)


def require_handler(user: User) -> None:
    if not handles_concerns(user):
        raise PermissionDenied("Only the DSL and deputies handle concerns.")


def restricted_handlers_q(user: User) -> Q:
    """The allegations ``user`` may see: those they were named on, or every one not about
    them if they are a DSL (or, for one about a DSL, a senior leader)."""
    named = Q(pk__in=CaseAccess.objects.filter(user=user).values("concern_id"))
    if _leads_safeguarding(user.roles):
        return named | ~Q(subject_staff=user)
    if _handles_allegations_about_leads(user.roles):
        leads = sorted(roles_with(Permission.LEAD_SAFEGUARDING))
        return named | Q(subject_staff__staff__roles__role__in=leads)
    return named


def visible_concerns(user: User) -> QuerySet[Concern]:
    """Every concern of the organisation ``user`` may open as a case."""
    concerns = Concern.objects.filter(organisation_id=user.organisation_id)
    if not user.is_active:
        return concerns.none()
    allegations = Q(kind=ConcernKind.ALLEGATION) & restricted_handlers_q(user)
    allegations &= ~Q(subject_staff=user)
    if handles_concerns(user):
        return concerns.filter(Q(kind=ConcernKind.CONCERN) | allegations).distinct()
    return concerns.filter(allegations).distinct()


def may_open(user: User, concern: Concern) -> bool:
    return visible_concerns(user).filter(pk=concern.pk).exists()


def access_concern(user: User, concern_id: int) -> Concern:
    """The case, if ``user`` may open it; otherwise "not found"."""
    concern = (
        visible_concerns(user)
        .select_related("learner", "raised_by", "subject_staff", "session", "organisation")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        raise NotFound("No such concern.")
    return concern


def may_grant_access(user: User, concern: Concern) -> bool:
    """Naming who else handles a restricted case is for the DSL (or, where the DSL is the
    subject, a senior leader), never the subject."""
    if not concern.restricted or concern.subject_staff_id == user.pk:
        return False
    if leads_safeguarding(user):
        return True
    subject_roles = concern.subject_staff.roles if concern.subject_staff else frozenset()
    return _handles_allegations_about_leads(user.roles) and _leads_safeguarding(subject_roles)


def leads_case(user: User, concern: Concern) -> bool:
    """Deciding what a case is and what it reaches beyond its own steps (re-classifying it,
    suspending staff, showing it on another learner's chronology) is for the DSL, or for an
    allegation the DSL (or, where it is about a DSL, a senior leader) as for naming handlers.
    An allegation whose member of staff is not named yet may be named by a senior leader the
    DSL has named on it, so that one about the DSL reaches the senior leaders."""
    if not concern.restricted:
        return leads_safeguarding(user)
    if concern.subject_staff_id is None and _handles_allegations_about_leads(user.roles):
        return may_open(user, concern)
    return may_grant_access(user, concern)
