"""SES-14: before a member of staff enters a live room they check their setting: camera and
microphone, the room's server and the TURN relay, and the checklist they confirm."""

from django.db import transaction
from django.utils import timezone

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.service_log import logged
from chaperon.people.models import User
from chaperon.sessions.attendance import PreCallResults, pre_call_check_recorded
from chaperon.sessions.models import PreCallCheck, Session

from ..permissions import ENTERABLE, is_session_staff

CHECKLIST = {
    "not_bedroom": "confirm that you are not in a bedroom",
    "background_appropriate": "confirm that what is behind you is appropriate",
    "applications_closed": "confirm that other applications are closed",
}
RELAY_RESULTS = {choice.value for choice in PreCallCheck.Relay}
BLUR_RESULTS = {choice.value for choice in PreCallCheck.Blur}


@logged
def room_pre_call_check(*, actor: User, session_id: int, results: PreCallResults) -> PreCallCheck:
    """Keep ``actor``'s pre-call check for the session. They must be staff of the session while
    it can be entered, and have confirmed each line of the checklist; what the browser found
    (a camera that failed, a relay not reached, background blur chosen or not, or not
    available) is kept as it was."""
    session = Session.objects.filter(pk=session_id, status__in=ENTERABLE).first()
    if session is None or not is_session_staff(actor, session):
        raise PermissionDenied("Only the session's staff check their setting for its room.")
    missing = {
        field: message for field, message in CHECKLIST.items() if not getattr(results, field)
    }
    if results.relay not in RELAY_RESULTS:
        missing["relay"] = "the relay result is one of " + ", ".join(sorted(RELAY_RESULTS))
    if results.blur not in BLUR_RESULTS:
        missing["blur"] = "the background blur result is one of " + ", ".join(sorted(BLUR_RESULTS))
    if missing:
        raise ValidationFailed(missing)
    with transaction.atomic():
        check = pre_call_check_recorded(
            session=session, user=actor, results=results, at=timezone.now()
        )
        record(
            action=AuditAction.ROOM_PRE_CALL_CHECKED,
            actor=actor,
            obj=session,
            data={
                "check": check.pk,
                "camera": results.camera,
                "microphone": results.microphone,
                "signalling": results.signalling,
                "relay": results.relay,
                "blur": check.blur,
            },
        )
    return check
