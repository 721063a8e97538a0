"""Request and response shapes of the people API (``api.py``)."""

from datetime import date, time
from typing import Any

from ninja import Field, Schema

from chaperon.core.api_schemas import Input, RecordId, Text, patch_field
from chaperon.core.validators import SingleLineText as Line

from .compliance import Status as FactStatus
from .models import ContactMethod, DbsType, Guardian, Learner, Relationship
from .roles import Role
from .selectors import SEARCH_MAX_CHARACTERS, SEARCH_MAX_WORDS

WORKING_DAYS = 'ISO weekday digits, Monday = 1: "12345" is Monday to Friday.'


class SiteOut(Schema):
    id: int
    name: str
    address: str


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str = Field(description="Set by the operator; not changeable here.")
    time_zone: str = Field(description="Times are judged in this zone, e.g. Europe/London.")
    working_days: str = Field(description=WORKING_DAYS)
    working_hours_start: time
    working_hours_end: time
    senior_leadership_email: str
    safeguarding_contacts: str
    compliance_warning_days: int = Field(
        description="Warn this many days before a DBS check, training or agreement expires."
    )
    dbs_valid_years: int = Field(description="How long a DBS check stays valid.")
    training_valid_years: int = Field(description="How long safeguarding training stays valid.")
    aup_valid_years: int = Field(description="How long an acceptable use agreement stays valid.")
    sites: list[SiteOut]


class OrganisationPatch(Input):
    name: Line = patch_field()
    time_zone: str = patch_field(description="A time zone name such as Europe/London.")
    working_days: str = patch_field(description=WORKING_DAYS)
    working_hours_start: time = patch_field()
    working_hours_end: time = patch_field(description="Later than working_hours_start.")
    senior_leadership_email: str = patch_field(description="An email address, or empty.")
    safeguarding_contacts: str = patch_field()
    compliance_warning_days: int = patch_field(ge=0, le=32767)
    dbs_valid_years: int = patch_field(ge=1, le=10)
    training_valid_years: int = patch_field(ge=1, le=10)
    aup_valid_years: int = patch_field(ge=1, le=10)


ONLY_WITH_COMPLIANCE = "Present only if your role has view_staff_compliance; reading it is audited."


class ComplianceFactOut(Schema):
    key: str = Field(description='"dbs", "training" or "aup".')
    label: str
    done_on: date | None
    valid_until: date | None = Field(description="Null when never done: never current.")
    status: FactStatus


class StaffOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    is_active: bool
    external_id: str
    job_title: str
    site_id: int | None
    line_manager_id: int | None
    roles: list[Role]
    dbs_checked_on: date | None = Field(None, description=ONLY_WITH_COMPLIANCE)
    dbs_type: DbsType | None = Field(None, description=ONLY_WITH_COMPLIANCE)
    safeguarding_training_on: date | None = Field(None, description=ONLY_WITH_COMPLIANCE)
    aup_signed_on: date | None = Field(None, description=ONLY_WITH_COMPLIANCE)
    compliance: list[ComplianceFactOut] | None = Field(None, description=ONLY_WITH_COMPLIANCE)


class StaffIn(Input):
    email: str = Field(description="Unique across Chaperon; the staff member signs in with it.")
    full_name: Line
    roles: list[Role]
    external_id: Line = ""
    job_title: Line = ""
    site_id: RecordId | None = None
    line_manager_id: RecordId | None = Field(None, description="A staff member's id.")
    dbs_checked_on: date | None = None
    dbs_type: DbsType | None = None
    safeguarding_training_on: date | None = None
    aup_signed_on: date | None = None


class StaffPatch(Input):
    email: str = patch_field()
    full_name: Line = patch_field()
    external_id: Line = patch_field()
    job_title: Line = patch_field()
    site_id: RecordId | None = patch_field()
    line_manager_id: RecordId | None = patch_field(description="A staff member's id.")
    dbs_checked_on: date | None = patch_field()
    dbs_type: DbsType | None = patch_field()
    safeguarding_training_on: date | None = patch_field()
    aup_signed_on: date | None = patch_field()


class RolesIn(Input):
    roles: list[Role] = Field(description="The complete set of roles; any others are removed.")


class LearnerOut(Schema):
    id: int
    external_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    adult_at_risk: bool
    year_group: str
    tutor_group: str
    email: str
    site_id: int | None


class LearnerGuardianOut(Schema):
    guardian_id: int
    full_name: str
    email: str
    phone: str
    preferred_contact: ContactMethod
    relationship: Relationship
    parental_responsibility: bool


class LearnerDetailOut(LearnerOut):
    guardians: list[LearnerGuardianOut]

    @staticmethod
    def resolve_guardians(learner: Learner) -> list[dict[str, Any]]:
        return [
            {
                "guardian_id": link.guardian_id,
                "full_name": link.guardian.full_name,
                "email": link.guardian.email,
                "phone": link.guardian.phone,
                "preferred_contact": link.guardian.preferred_contact,
                "relationship": link.relationship,
                "parental_responsibility": link.parental_responsibility,
            }
            for link in learner.relationships.all()
        ]


class LearnerIn(Input):
    first_name: Line
    last_name: Line
    date_of_birth: date
    external_id: Line = ""
    adult_at_risk: bool = False
    year_group: Line = ""
    tutor_group: Line = ""
    email: str = ""
    site_id: RecordId | None = None


class LearnerPatch(Input):
    first_name: Line = patch_field()
    last_name: Line = patch_field()
    date_of_birth: date = patch_field()
    external_id: Line = patch_field()
    adult_at_risk: bool = patch_field()
    year_group: Line = patch_field()
    tutor_group: Line = patch_field()
    email: str = patch_field()
    site_id: RecordId | None = patch_field()


class LearnerFilters(Schema):
    search: Text = Field(
        "",
        description="Every word must match a first or last name, or be an exact external id. "
        f"At most {SEARCH_MAX_CHARACTERS} characters and {SEARCH_MAX_WORDS} words.",
    )
    year_group: Text = Field("", description="Exactly this year or group.")
    tutor_group: Text = Field("", description="Exactly this tutor group.")


class GuardianLearnerOut(Schema):
    learner_id: int
    full_name: str
    relationship: Relationship
    parental_responsibility: bool


class GuardianOut(Schema):
    id: int
    external_id: str
    full_name: str
    email: str
    phone: str
    preferred_contact: ContactMethod
    learners: list[GuardianLearnerOut]

    @staticmethod
    def resolve_learners(guardian: Guardian) -> list[dict[str, Any]]:
        return [
            {
                "learner_id": link.learner_id,
                "full_name": link.learner.full_name,
                "relationship": link.relationship,
                "parental_responsibility": link.parental_responsibility,
            }
            for link in guardian.relationships.all()
        ]


class GuardianIn(Input):
    full_name: Line
    external_id: Line = ""
    email: str = ""
    phone: Line = ""
    preferred_contact: ContactMethod = ContactMethod.EMAIL


class GuardianPatch(Input):
    full_name: Line = patch_field()
    external_id: Line = patch_field()
    email: str = patch_field()
    phone: Line = patch_field()
    preferred_contact: ContactMethod = patch_field()


class LinkIn(Input):
    relationship: Relationship
    parental_responsibility: bool


class LinkOut(Schema):
    learner_id: int
    guardian_id: int
    relationship: Relationship
    parental_responsibility: bool
