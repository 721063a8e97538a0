from django.db.models import QuerySet

from chaperon.people.models import User

from .models import DestructionRequest, DestructionStatus
from .permissions import require_destruction_queue


def destruction_queue_for(viewer: User) -> QuerySet[DestructionRequest]:
    """The viewer's organisation's queued destruction requests, oldest first."""
    require_destruction_queue(viewer)
    return DestructionRequest.objects.filter(
        organisation_id=viewer.organisation_id, status=DestructionStatus.QUEUED
    ).select_related("learner")
