"""The demo school's acceptable use agreements (ORG-2): one for staff, which every member of
the demo staff has agreed to, and one for learners in key stages 3 and 4 and for parents."""

from chaperon.core.actors import SYSTEM
from chaperon.governance.models import Audience, AupSignature, AupVersion
from chaperon.governance.services import aup_publish
from chaperon.people.models import Organisation, User

STAFF_TEXT = "\n\n".join(
    [
        (
            "When I use the school's systems, including Chaperon, for work with children and young "
            "people:"
        ),
        (
            "I use only my school account and the school's approved platforms, never a personal "
            "account or device that the school has not agreed."
        ),
        (
            "I run live sessions only at the times agreed with families, for no longer than the "
            "policy allows, with a second adult where the policy asks for one."
        ),
        "I never share my password or passcode, and I lock my device when I step away.",
        (
            "I keep personal information about learners and families to what my role needs, and I "
            "never copy it to a personal device or account."
        ),
        (
            "I record a session only with written consent and for the purpose agreed, and I never "
            "make my own copy."
        ),
        (
            "I report every worry about a child's safety to the Designated Safeguarding Lead at "
            "once, through Chaperon."
        ),
        "I understand that my use of the school's systems is monitored.",
    ]
)

LEARNER_TEXT = "\n\n".join(
    [
        "When I take part in online lessons and calls with the school:",
        "I join from a shared space at home, not my bedroom, with an adult nearby.",
        "I use the link and passcode the school sent me, and I do not share them.",
        "I do not record, photograph or share the lesson or the people in it.",
        "I am kind to everyone in the lesson, in what I say and in the chat.",
        'If anything online worries me, I tell a trusted adult or use "Leave and report".',
    ]
)

PARENT_TEXT = "\n\n".join(
    [
        "When my child takes part in online lessons and calls with the school:",
        (
            "I make sure my child joins from a suitable shared space, and that an adult is nearby "
            "for one-to-one calls."
        ),
        "I do not record, photograph or share lessons or calls.",
        (
            "I tell the school at once if I have a worry about my child's safety, using the "
            "school's report page or its safeguarding contacts."
        ),
    ]
)


def add_agreements(organisation: Organisation) -> None:
    staff = aup_publish(
        actor=SYSTEM,
        organisation=organisation,
        audience=Audience.STAFF,
        title="Staff acceptable use agreement",
        text=STAFF_TEXT,
    )
    aup_publish(
        actor=SYSTEM,
        organisation=organisation,
        audience=Audience.LEARNER_SECONDARY,
        title="Learners' acceptable use agreement (key stages 3 and 4)",
        text=LEARNER_TEXT,
    )
    aup_publish(
        actor=SYSTEM,
        organisation=organisation,
        audience=Audience.PARENT,
        title="Parents' and carers' acceptable use agreement",
        text=PARENT_TEXT,
    )
    _signed_by_every_member_of_staff(staff)


def _signed_by_every_member_of_staff(version: AupVersion) -> None:
    """The demo staff agreed to the staff agreement already (their records' dates stand)."""
    AupSignature.objects.bulk_create(
        AupSignature(organisation_id=version.organisation_id, version=version, user=user)
        for user in User.objects.filter(
            organisation_id=version.organisation_id, staff__isnull=False
        )
    )
