"""Some everyday activity for the demo school, so that its pages are not empty: consent
already given for a few learners (paper forms), requests waiting for an answer, a 1:1 booked
for next week, and a worry from a parent that the DSL has acknowledged but not yet triaged.
Everything goes through the services, as staff and parents would do it."""

from datetime import date, datetime, time, timedelta

from chaperon.concerns.models import ConcernType, FourCs
from chaperon.concerns.services import concern_acknowledge, concern_raise
from chaperon.consent.attachments import evidence_file
from chaperon.consent.services.answers import consent_record_by_staff
from chaperon.consent.services.requesting import consent_request_send
from chaperon.core.actors import PUBLIC
from chaperon.people.models import Learner, Organisation, User
from chaperon.sessions.plans import Proposal
from chaperon.sessions.services import session_book

# A one-page PDF standing in for a scanned, signed paper form.
PAPER_FORM = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
SCHOOL_DAY = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "15:30"}]
PURPOSES = ("live_one_to_one", "live_group", "parent_information", "acceptable_use")


def _paper_consent(learner: Learner, dsl: User, today: date) -> None:
    link = learner.relationships.filter(parental_responsibility=True).select_related("guardian")
    guardian = link.first()
    if guardian is None:
        return
    consent_record_by_staff(
        actor=dsl,
        learner=learner,
        guardian_id=guardian.guardian_id,
        answered_by_name=guardian.guardian.full_name,
        channel="paper",
        answers=dict.fromkeys(PURPOSES, "given"),
        slots=SCHOOL_DAY,
        given_on=today,
        attachment=evidence_file(name="consent-form.pdf", content=PAPER_FORM),
    )


def _next_tuesday(organisation: Organisation, today: date) -> datetime:
    days = (1 - today.weekday()) % 7 or 7
    return datetime.combine(today + timedelta(days=days), time(10, 0), tzinfo=organisation.zone)


def _a_worry_from_a_parent(organisation: Organisation, learner: Learner, dsl: User) -> None:
    link = learner.relationships.filter(parental_responsibility=True).select_related("guardian")
    parent = link.first()
    if parent is None:
        return
    concern = concern_raise(
        actor=PUBLIC,
        organisation=organisation,
        description=(
            f"Since the weekend {learner.first_name} has been getting unkind messages late at "
            "night in a group chat with others from the class, and doesn't want to go online."
        ),
        category=FourCs.CONDUCT,
        types=[ConcernType.CYBERBULLYING],
        about_name=learner.full_name,
        material_location="The group chat on their phone; nothing has been deleted.",
        seen_by="Only me",
        reporter_name=parent.guardian.full_name,
        reporter_relation="parent",
        reporter_contact=parent.guardian.email,
    )
    concern_acknowledge(actor=dsl, concern=concern)


def add_activity(organisation: Organisation, learners: list[Learner], today: date) -> None:
    dsl = User.objects.get(email="dsl@larkspur.example")
    teacher = User.objects.get(email="teacher1@larkspur.example")
    for learner in learners[:6]:
        _paper_consent(learner, dsl, today)
    askable = [
        learner
        for learner in learners[6:]
        if learner.relationships.filter(parental_responsibility=True).exists()
    ]
    for learner in askable[:4]:
        consent_request_send(actor=teacher, learner=learner, purposes=PURPOSES)
    _a_worry_from_a_parent(organisation, learners[1], dsl)
    first = learners[0]
    session_book(
        actor=teacher,
        proposal=Proposal(
            organisation=organisation,
            kind="one_to_one",
            start=_next_tuesday(organisation, today),
            duration_minutes=40,
            platform="builtin",
            recording_enabled=False,
            recording_purpose="",
            staff=[teacher],
            learners=[first],
            named_adult="Claire Brightwater",
            guardians_may_drop_in=True,
            taking_part="video",
            conversation_plan="Reading practice and next steps.",
            crisis_plan="Call the DSL at once; the named adult stays near.",
        ),
        title=f"Reading catch-up with {first.first_name}",
    )
