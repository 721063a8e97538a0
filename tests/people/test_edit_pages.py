"""Changing people on the web: a member of staff's checks, learners, guardians and the links
between them, with the API's permissions, through the same audited services."""

from datetime import date, timedelta

import pytest
from django.test import Client

from chaperon.audit.actions import AuditAction
from chaperon.core.actors import SYSTEM
from chaperon.people import services
from chaperon.people.models import Guardian, GuardianRelationship, Learner, StaffMember
from tests import factories
from tests.api.conftest import events_since, last_seq, people_state
from tests.conftest import Cast, signed_in

EVERYONE = ["dsl", "deputy", "slt", "teacher", "ict", "board", "admin", "outsider"]
MANAGES_STAFF = {"dsl", "admin"}
MANAGES_LEARNERS = {"dsl", "deputy", "admin"}
SEES_LEARNERS = {"dsl", "deputy", "slt", "teacher", "admin"}


def _pages(cast: Cast) -> dict[str, tuple[str, set[str]]]:
    """Each page: its address, and who may open it."""
    staff = factories.staff_member(cast.teacher).pk
    learner, guardian = cast.learner.pk, cast.guardian.pk
    return {
        "staff checks": (f"/staff/{staff}/checks/", MANAGES_STAFF),
        "staff roles": (f"/staff/{staff}/roles/", MANAGES_STAFF),
        "add learner": ("/learners/new/", MANAGES_LEARNERS),
        "edit learner": (f"/learners/{learner}/edit/", MANAGES_LEARNERS),
        "guardian": (f"/guardians/{guardian}/", SEES_LEARNERS),
        "edit guardian": (f"/guardians/{guardian}/edit/", MANAGES_LEARNERS),
        "add guardian": (f"/learners/{learner}/guardians/new/", MANAGES_LEARNERS),
        "find guardian": (f"/learners/{learner}/guardians/find/", MANAGES_LEARNERS),
        "relationship": (f"/learners/{learner}/guardians/{guardian}/", MANAGES_LEARNERS),
    }


@pytest.mark.parametrize("who", EVERYONE)
def test_each_page_opens_for_exactly_those_the_api_allows(cast: Cast, who: str) -> None:
    client = signed_in(cast.user(who))
    for name, (path, allowed) in _pages(cast).items():
        if who == "outsider":
            # Another organisation's records are not found; a page of their own opens.
            expected = 200 if name == "add learner" else 404
        else:
            expected = 200 if who in allowed else 403
        assert client.get(path).status_code == expected, (name, who)


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    for path, _allowed in _pages(cast).values():
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.clause("SES-10")
def test_the_dsl_records_checks_from_the_staff_page(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    services.staff_update(actor=SYSTEM, staff=member, dbs_checked_on=None, dbs_type="")
    client = signed_in(cast.dsl)
    assert "Record checks" in client.get(f"/staff/{member.pk}/").content.decode()
    seq = last_seq()
    checked = cast.organisation.today() - timedelta(days=3)

    response = client.post(
        f"/staff/{member.pk}/checks/",
        {
            "dbs_checked_on": checked.isoformat(),
            "dbs_type": "enhanced_barred",
            "safeguarding_training_on": str(member.safeguarding_training_on),
            "aup_signed_on": str(member.aup_signed_on),
        },
    )

    assert response["Location"] == f"/staff/{member.pk}/"
    member.refresh_from_db()
    assert (member.dbs_checked_on, member.dbs_type) == (checked, "enhanced_barred")
    [event] = events_since(seq)
    assert (event.action, event.actor_id) == (AuditAction.STAFF_UPDATED, cast.dsl.pk)
    assert event.details == {"changed": ["dbs_checked_on", "dbs_type"]}


def test_a_refused_check_changes_nothing_and_says_why(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.dsl)
    before, seq = people_state(), last_seq()

    response = client.post(
        f"/staff/{member.pk}/checks/",
        {"dbs_checked_on": (cast.organisation.today() + timedelta(days=30)).isoformat()},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_dbs_checked_on"' in body and "is in the future" in body
    assert people_state() == before
    assert events_since(seq) == []


def _checks_of(member: StaffMember, **changes: str) -> dict[str, str]:
    return {
        "dbs_checked_on": str(member.dbs_checked_on or ""),
        "dbs_type": member.dbs_type,
        "safeguarding_training_on": str(member.safeguarding_training_on or ""),
        "aup_signed_on": str(member.aup_signed_on or ""),
        **changes,
    }


def test_those_who_manage_staff_record_a_date_of_birth_and_it_is_audited(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.admin)
    seq = last_seq()

    response = client.post(
        f"/staff/{member.pk}/checks/", _checks_of(member, date_of_birth="1971-03-09")
    )

    assert response["Location"] == f"/staff/{member.pk}/"
    member.refresh_from_db()
    assert member.date_of_birth == date(1971, 3, 9)
    [event] = events_since(seq)
    assert (event.action, event.actor_id) == (AuditAction.STAFF_UPDATED, cast.admin.pk)
    assert event.details == {"changed": ["date_of_birth"]}  # the date itself is not logged
    page = client.get(f"/staff/{member.pk}/checks/").content.decode()
    assert 'value="1971-03-09"' in page


def test_a_date_of_birth_in_the_future_is_refused_and_nothing_changes(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.dsl)
    before, seq = people_state(), last_seq()
    tomorrow = cast.organisation.today() + timedelta(days=1)

    response = client.post(
        f"/staff/{member.pk}/checks/", _checks_of(member, date_of_birth=tomorrow.isoformat())
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_date_of_birth"' in body and "give their date of birth" in body
    assert people_state() == before
    assert StaffMember.objects.get(pk=member.pk).date_of_birth is None
    assert events_since(seq) == []


def test_a_teacher_cannot_record_a_date_of_birth(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.teacher)
    before = people_state()
    response = client.post(
        f"/staff/{member.pk}/checks/", _checks_of(member, date_of_birth="1971-03-09")
    )
    assert response.status_code == 403
    assert people_state() == before
    assert StaffMember.objects.get(pk=member.pk).date_of_birth is None


def test_the_checks_form_shows_the_dates_as_they_are_and_the_read_is_audited(cast: Cast) -> None:
    member = factories.staff_member(cast.teacher)
    client = signed_in(cast.admin)
    seq = last_seq()
    page = client.get(f"/staff/{member.pk}/checks/").content.decode()
    assert f'value="{member.dbs_checked_on}"' in page
    assert [event.action for event in events_since(seq)] == [AuditAction.STAFF_COMPLIANCE_VIEWED]


def test_a_learner_is_added_and_changed(cast: Cast) -> None:
    client = signed_in(cast.deputy)
    site = services.site_create(actor=SYSTEM, organisation=cast.organisation, name="Quay Street")

    added = client.post(
        "/learners/new/",
        {
            "first_name": "Alex",
            "last_name": "Tern",
            "date_of_birth": "2013-02-01",
            "year_group": "Year 7",
            "email": "Alex.Tern@Harbour.example",
            "site": site.pk,
        },
    )

    alex = Learner.objects.get(first_name="Alex", last_name="Tern")
    assert added["Location"] == f"/learners/{alex.pk}/"
    assert (alex.organisation_id, alex.site_id) == (cast.organisation.pk, site.pk)
    assert alex.email == "alex.tern@harbour.example"
    edit = client.get(f"/learners/{alex.pk}/edit/").content.decode()
    assert 'value="Year 7"' in edit and 'value="2013-02-01"' in edit
    seq = last_seq()

    changed = client.post(
        f"/learners/{alex.pk}/edit/",
        {
            "first_name": "Alex",
            "last_name": "Tern",
            "date_of_birth": "2013-02-01",
            "year_group": "Year 8",
            "adult_at_risk": "on",
        },
    )

    assert changed.status_code == 302
    alex.refresh_from_db()
    assert (alex.year_group, alex.adult_at_risk, alex.site_id, alex.email) == (
        "Year 8",
        True,
        None,
        "",
    )
    [event] = events_since(seq)
    assert event.details == {"changed": ["adult_at_risk", "email", "site", "year_group"]}


def test_another_organisations_site_cannot_be_chosen(cast: Cast) -> None:
    other = services.site_create(actor=SYSTEM, organisation=cast.other_organisation, name="North")
    client = signed_in(cast.dsl)
    before = people_state()
    response = client.post(
        "/learners/new/",
        {
            "first_name": "Alex",
            "last_name": "Tern",
            "date_of_birth": "2013-02-01",
            "site": other.pk,
        },
    )
    assert response.status_code == 400
    assert 'href="#id_site"' in response.content.decode()
    assert people_state() == before


def test_a_parent_is_added_and_linked_at_once_or_not_at_all(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    path = f"/learners/{cast.learner.pk}/guardians/new/"
    before, seq = people_state(), last_seq()
    # An email address already used by nobody, but a relationship not chosen: nothing is added.
    refused = client.post(path, {"full_name": "Jordan Alder", "preferred_contact": "email"})
    assert refused.status_code == 400
    assert 'href="#id_relationship"' in refused.content.decode()
    assert people_state() == before

    added = client.post(
        path,
        {
            "full_name": "Jordan Alder",
            "phone": "07700 900456",
            "preferred_contact": "sms",
            "relationship": "father",
            "parental_responsibility": "on",
        },
    )

    assert added["Location"] == f"/learners/{cast.learner.pk}/"
    jordan = Guardian.objects.get(full_name="Jordan Alder")
    link = GuardianRelationship.objects.get(guardian=jordan, learner=cast.learner)
    assert (link.relationship, link.parental_responsibility) == ("father", True)
    assert [event.action for event in events_since(seq)] == [
        AuditAction.GUARDIAN_CREATED,
        AuditAction.GUARDIAN_LINKED,
    ]


def test_a_guardian_is_changed_on_their_page(cast: Cast) -> None:
    client = signed_in(cast.admin)
    page = client.get(f"/guardians/{cast.guardian.pk}/").content.decode()
    assert "Morgan Alder" in page and f"/learners/{cast.learner.pk}/" in page
    response = client.post(
        f"/guardians/{cast.guardian.pk}/edit/",
        {
            "full_name": "Morgan Alder-Reed",
            "email": cast.guardian.email,
            "phone": "01632 960123",
            "preferred_contact": "phone",
        },
    )
    assert response["Location"] == f"/guardians/{cast.guardian.pk}/"
    cast.guardian.refresh_from_db()
    assert (cast.guardian.full_name, cast.guardian.preferred_contact) == (
        "Morgan Alder-Reed",
        "phone",
    )


def test_a_brothers_parent_is_found_and_linked(cast: Cast) -> None:
    brother = factories.learner(cast.organisation, first_name="Sam", last_name="Alder")
    client = signed_in(cast.dsl)
    found = client.get(f"/learners/{brother.pk}/guardians/find/", {"q": "morgan ald"})
    link_page = f"/learners/{brother.pk}/guardians/{cast.guardian.pk}/"
    assert link_page in found.content.decode()
    by_email = client.get(f"/learners/{brother.pk}/guardians/find/", {"q": cast.guardian.email})
    assert link_page in by_email.content.decode()
    nobody = client.get(f"/learners/{brother.pk}/guardians/find/", {"q": "Rowan"})
    assert "Nobody recorded matches" in nobody.content.decode()  # another organisation's
    assert "Link them" in client.get(link_page).content.decode()

    response = client.post(link_page, {"relationship": "mother", "parental_responsibility": "on"})

    assert response["Location"] == f"/learners/{brother.pk}/"
    assert GuardianRelationship.objects.filter(guardian=cast.guardian, learner=brother).exists()


def test_a_link_is_changed_and_removed_and_both_are_audited(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    path = f"/learners/{cast.learner.pk}/guardians/{cast.guardian.pk}/"
    assert "Remove the link" in client.get(path).content.decode()
    seq = last_seq()

    client.post(path, {"relationship": "carer"})
    removed = client.post(path + "unlink/")

    assert removed["Location"] == f"/learners/{cast.learner.pk}/"
    assert not GuardianRelationship.objects.filter(guardian=cast.guardian).exists()
    assert Guardian.objects.filter(pk=cast.guardian.pk).exists()
    changed, unlinked = events_since(seq)
    assert changed.details == {"changed": ["parental_responsibility", "relationship"]}
    assert unlinked.action == AuditAction.GUARDIAN_UNLINKED
    assert unlinked.details == {
        "guardian": cast.guardian.pk,
        "learner": cast.learner.pk,
        "relationship": "carer",
        "parental_responsibility": False,
    }


@pytest.mark.parametrize("who", ["teacher", "slt", "outsider"])
def test_others_cannot_remove_a_link(cast: Cast, who: str) -> None:
    client = signed_in(cast.user(who))
    before, seq = people_state(), last_seq()
    response = client.post(f"/learners/{cast.learner.pk}/guardians/{cast.guardian.pk}/unlink/")
    assert response.status_code == (404 if who == "outsider" else 403)
    assert people_state() == before
    assert events_since(seq) == []


def test_the_learner_and_staff_pages_link_to_the_forms_for_those_who_may_use_them(
    cast: Cast,
) -> None:
    member = StaffMember.objects.get(user=cast.teacher)
    for who, manages in (("dsl", True), ("teacher", False)):
        client = signed_in(cast.user(who))
        learner_page = client.get(f"/learners/{cast.learner.pk}/").content.decode()
        assert (f"/learners/{cast.learner.pk}/edit/" in learner_page) == manages
        assert (f"/learners/{cast.learner.pk}/guardians/new/" in learner_page) == manages
        assert f"/guardians/{cast.guardian.pk}/" in learner_page
        staff_page = client.get(f"/staff/{member.pk}/").content.decode()
        assert (f"/staff/{member.pk}/checks/" in staff_page) == manages
        assert (f"/staff/{member.pk}/roles/" in staff_page) == manages
        assert ("/learners/new/" in client.get("/learners/").content.decode()) == manages


def test_dates_of_birth_stay_as_they_were_when_a_form_is_refused(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    response = client.post(
        f"/learners/{cast.learner.pk}/edit/",
        {"first_name": "", "last_name": "Alder", "date_of_birth": "2013-02-01"},
    )
    assert response.status_code == 400
    assert Learner.objects.get(pk=cast.learner.pk).date_of_birth == date(2012, 5, 17)
