"""Reads of staff consent to being recorded (REC-4), for the staff pages."""

from dataclasses import dataclass

from chaperon.people.models import StaffMember, User
from chaperon.people.roles import Permission

from .models import StaffParty, StaffRecordingConsent
from .permissions import require
from .selectors import staff_recording_consent


@dataclass(frozen=True)
class StaffConsentRow:
    staff: StaffMember
    own: StaffRecordingConsent | None
    employer: StaffRecordingConsent | None
    may_be_recorded: bool


def staff_consent_list_for(viewer: User) -> list[StaffConsentRow]:
    require(viewer, Permission.RECORD_CONSENT)
    staff = list(
        StaffMember.objects.filter(organisation_id=viewer.organisation_id)
        .select_related("user")
        .order_by("user__full_name", "id")
    )
    current: dict[tuple[int, str], StaffRecordingConsent] = {
        (row.staff_id, row.party): row
        for row in StaffRecordingConsent.objects.filter(
            organisation_id=viewer.organisation_id, superseded_at__isnull=True
        )
    }
    allowed = staff_recording_consent(staff_ids=[member.pk for member in staff])
    return [
        StaffConsentRow(
            member,
            current.get((member.pk, StaffParty.STAFF)),
            current.get((member.pk, StaffParty.EMPLOYER)),
            allowed[member.pk],
        )
        for member in staff
    ]


def own_staff_consent(staff: StaffMember) -> StaffConsentRow:
    current = {
        row.party: row
        for row in StaffRecordingConsent.objects.filter(staff=staff, superseded_at__isnull=True)
    }
    allowed = staff_recording_consent(staff_ids=[staff.pk])[staff.pk]
    return StaffConsentRow(
        staff, current.get(StaffParty.STAFF), current.get(StaffParty.EMPLOYER), allowed
    )
