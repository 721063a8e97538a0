"""Reads of staff consent to being recorded (REC-4), for the staff pages."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from chaperon.people.models import StaffMember, User
from chaperon.people.roles import Permission
from chaperon.people.selectors import SEARCH_MAX_WORDS

from .models import StaffParty, StaffRecordingConsent
from .permissions import require
from .selectors import staff_recording_consent


@dataclass(frozen=True)
class StaffConsentRow:
    staff: StaffMember
    own: StaffRecordingConsent | None
    employer: StaffRecordingConsent | None
    may_be_recorded: bool


def staff_for_consent(viewer: User, *, search: str = "") -> QuerySet[StaffMember]:
    """The organisation's staff by name, those whose name holds every word of ``search``."""
    require(viewer, Permission.RECORD_CONSENT)
    staff = StaffMember.objects.filter(organisation_id=viewer.organisation_id)
    for word in search.split()[:SEARCH_MAX_WORDS]:
        staff = staff.filter(user__full_name__icontains=word)
    return staff.select_related("user").order_by("user__full_name", "id")


def staff_consent_rows(viewer: User, staff: Sequence[StaffMember]) -> list[StaffConsentRow]:
    """These staff (a page of ``staff_for_consent``) with their own and their employer's
    current answers: three queries however many."""
    require(viewer, Permission.RECORD_CONSENT)
    staff = [member for member in staff if member.organisation_id == viewer.organisation_id]
    ids = [member.pk for member in staff]
    current: dict[tuple[int, str], StaffRecordingConsent] = {
        (row.staff_id, row.party): row
        for row in StaffRecordingConsent.objects.filter(
            staff_id__in=ids, superseded_at__isnull=True
        )
    }
    allowed = staff_recording_consent(staff_ids=ids)
    return [
        StaffConsentRow(
            member,
            current.get((member.pk, StaffParty.STAFF)),
            current.get((member.pk, StaffParty.EMPLOYER)),
            allowed[member.pk],
        )
        for member in staff
    ]


def staff_consent_list_for(viewer: User) -> list[StaffConsentRow]:
    """Every member of staff with their answers (``staff_consent_rows`` of them all)."""
    return staff_consent_rows(viewer, list(staff_for_consent(viewer)))


def own_staff_consent(staff: StaffMember) -> StaffConsentRow:
    current = {
        row.party: row
        for row in StaffRecordingConsent.objects.filter(staff=staff, superseded_at__isnull=True)
    }
    allowed = staff_recording_consent(staff_ids=[staff.pk])[staff.pk]
    return StaffConsentRow(
        staff, current.get(StaffParty.STAFF), current.get(StaffParty.EMPLOYER), allowed
    )
