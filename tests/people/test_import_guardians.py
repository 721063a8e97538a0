"""Importing parents and carers: one row per relationship with a learner already imported."""

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.people.imports import ImportResult, people_import
from chaperon.people.models import Guardian, GuardianRelationship
from tests.conftest import Cast
from tests.people.test_import_helpers import audit_actions, csv_text, everything, last_audit_seq

HEADER = (
    "external_id,full_name,email,phone,preferred_contact,learner_external_id,relationship,"
    "parental_responsibility"
)
GOOD = csv_text(
    HEADER,
    "G001,Hannah Pryce,hannah.pryce@home.example,07700 900101,,L001,Mother,yes",
    "G001,Hannah Pryce,hannah.pryce@home.example,07700 900101,,L002,mother,Y",
    "G002,Ian Pryce,,07700 900102,Text message,L001,father,no",
    "G003,Jo Quayle,jo.quayle@home.example,,email,L002,Foster carer,1",
)


@pytest.fixture
def learners(cast: Cast) -> None:
    result = people_import(
        actor=cast.dsl,
        organisation=cast.organisation,
        kind="learners",
        text=csv_text(
            "external_id,first_name,last_name,date_of_birth",
            "L001,Ava,Pryce,2013-04-02",
            "L002,Ben,Pryce,2015-06-21",
        ),
    )
    assert result.created == 2
    # A learner of another organisation, with an external id used in the tests below.
    cast.outsider_learner.external_id = "L777"
    cast.outsider_learner.save()


def guardians_import(cast: Cast, text: str) -> ImportResult:
    return people_import(
        actor=cast.dsl, organisation=cast.organisation, kind="guardians", text=text
    )


def links_of(external_id: str) -> dict[str, tuple[str, bool]]:
    return {
        link.learner.external_id: (link.relationship, link.parental_responsibility)
        for link in GuardianRelationship.objects.filter(
            guardian__external_id=external_id
        ).select_related("learner")
    }


def test_a_good_file_creates_each_guardian_once_and_links_them(cast: Cast, learners: None) -> None:
    since = last_audit_seq()

    result = guardians_import(cast, GOOD)

    assert (result.created, result.updated, result.unchanged, result.errors) == (4, 0, 0, ())
    hannah = Guardian.objects.get(external_id="G001")
    assert (hannah.full_name, hannah.preferred_contact) == ("Hannah Pryce", "email")
    assert links_of("G001") == {"L001": ("mother", True), "L002": ("mother", True)}
    ian = Guardian.objects.get(external_id="G002")
    assert (ian.email, ian.phone, ian.preferred_contact) == ("", "07700 900102", "sms")
    assert links_of("G002") == {"L001": ("father", False)}
    assert links_of("G003") == {"L002": ("foster_carer", True)}
    actions = audit_actions(since)
    assert actions.count(AuditAction.GUARDIAN_CREATED) == 3
    assert actions.count(AuditAction.GUARDIAN_LINKED) == 4
    assert actions[-1] == AuditAction.PEOPLE_IMPORTED


def test_importing_the_same_file_twice_changes_nothing(cast: Cast, learners: None) -> None:
    guardians_import(cast, GOOD)
    before = everything()
    since = last_audit_seq()

    result = guardians_import(cast, GOOD)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    after = everything()
    after["AuditEvent"].pop()
    assert after == before
    assert audit_actions(since) == [AuditAction.PEOPLE_IMPORTED]


def test_a_changed_relationship_updates_only_that_link(cast: Cast, learners: None) -> None:
    guardians_import(cast, GOOD)
    before = everything()
    since = last_audit_seq()

    result = guardians_import(cast, GOOD.replace("L002,Foster carer,1", "L002,Foster carer,0"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert links_of("G003") == {"L002": ("foster_carer", False)}
    after = everything()
    changed = [
        row for row in after["GuardianRelationship"] if row not in before["GuardianRelationship"]
    ]
    assert len(changed) == 1 and changed[0]["parental_responsibility"] is False
    assert after["Guardian"] == before["Guardian"]
    assert audit_actions(since) == [AuditAction.GUARDIAN_LINK_UPDATED, AuditAction.PEOPLE_IMPORTED]


def test_a_new_child_of_a_known_guardian_adds_a_link(cast: Cast, learners: None) -> None:
    guardians_import(cast, GOOD)
    since = last_audit_seq()

    result = guardians_import(cast, GOOD + "G002,Ian Pryce,,07700 900102,sms,L002,Father,no\r\n")

    assert (result.created, result.updated, result.unchanged) == (1, 0, 4)
    assert links_of("G002") == {"L001": ("father", False), "L002": ("father", False)}
    assert audit_actions(since) == [AuditAction.GUARDIAN_LINKED, AuditAction.PEOPLE_IMPORTED]


def test_unknown_learners_and_inconsistent_rows_are_refused_and_nothing_changes(
    cast: Cast, learners: None
) -> None:
    before = everything()
    since = last_audit_seq()
    text = csv_text(
        HEADER,
        "G001,Hannah Pryce,hannah.pryce@home.example,,,L001,mother,yes",
        "G001,Hannah Price,hannah.pryce@home.example,,,L002,mother,yes",
        "G004,Kay Rudd,kay.rudd@home.example,,,L999,carer,no",
        "G005,Lee Sand,lee.sand@home.example,,,L777,carer,no",  # another organisation's
        "G006,Max Tull,,,email,L001,grandparent,no",
        "G007,Nia Uxley,hannah.pryce@home.example,,,L002,carer,no",
        "G001,Hannah Pryce,hannah.pryce@home.example,,,L001,mother,yes",
        "G008,Oli Vance,,0770,,L001,uncle,no",
    )

    result = guardians_import(cast, text)

    assert [(error.line, error.column) for error in result.errors] == [
        (3, "full_name"),
        (4, "learner_external_id"),
        (5, "learner_external_id"),
        (6, "preferred_contact"),
        (7, "email"),
        (8, "learner_external_id"),
        (9, "phone"),
        (9, "relationship"),
    ]
    messages = [error.message for error in result.errors]
    assert "differs from line 2 for the same external id" in messages[0]
    assert "no learner has the external id “L999”; import the learners first" in messages[1]
    assert "“L777”" in messages[2]
    assert "is email but there is no email address" in messages[3]
    assert "is also on line 2" in messages[4]
    assert "is also on line 2" in messages[5]
    assert "is not a phone number" in messages[6]
    assert "“uncle” is not a relationship; use mother, father" in messages[7]
    after = everything()
    after["AuditEvent"].pop()
    assert after == before
    assert audit_actions(since) == [AuditAction.PEOPLE_IMPORT_REFUSED]
