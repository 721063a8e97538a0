"""Who handles subject access requests (ORG-7): the DSL and deputies, from the table."""

from chaperon.core.exceptions import NotFound
from chaperon.people.models import User
from chaperon.people.permissions import can, require
from chaperon.people.roles import Permission

from .models import SubjectAccessRequest

NO_SUCH_REQUEST = "No such subject access request."


def may_handle_subject_access(user: User) -> bool:
    return can(user, Permission.HANDLE_SUBJECT_ACCESS)


def access_request(
    viewer: User, request_id: int, *, for_update: bool = False
) -> SubjectAccessRequest:
    """The request, if the viewer may handle subject access and it is of their organisation;
    locked for the rest of the transaction with ``for_update``. Another organisation's is
    not found."""
    require(viewer, Permission.HANDLE_SUBJECT_ACCESS)
    rows = SubjectAccessRequest.objects.select_related(
        "learner", "guardian", "staff__user", "organisation"
    )
    if for_update:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(organisation_id=viewer.organisation_id, pk=request_id).first()
    if found is None:
        raise NotFound(NO_SUCH_REQUEST)
    return found
