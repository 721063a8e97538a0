"""The policy page: the session policy in plain words, for any staff member."""

import re

import pytest
from django.test import Client

from chaperon.people.models import User
from tests.conftest import Cast, signed_in

EVERYONE = ["dsl", "deputy", "slt", "teacher", "teacher2", "ict", "board", "admin", "outsider"]


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/policy/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/policy/"


@pytest.mark.parametrize("name", EVERYONE)
def test_every_staff_member_may_read_the_policy(cast: Cast, name: str) -> None:
    response = signed_in(cast.user(name)).get("/policy/")
    assert response.status_code == 200
    assert "A session lasts at most 45 minutes." in response.content.decode()


def test_someone_with_no_staff_role_may_not(cast: Cast) -> None:
    nobody = User.objects.create_user(
        email="visitor@harbour.example",
        organisation=cast.organisation,
        full_name="Vic Ashdown",
        password=None,
    )
    assert signed_in(nobody).get("/policy/").status_code == 403


def _row(body: str, rule: str) -> str:
    match = re.search(rf'<tr id="rule-{rule.replace(".", "")}">(.*?)</tr>', body, re.S)
    assert match, rule
    return match[1]


def test_each_rule_is_in_plain_words_with_its_clause_and_outcome(cast: Cast) -> None:
    body = signed_in(cast.teacher).get("/policy/").content.decode()
    assert f"{cast.organisation.slug}, version 1" in body
    duration = _row(body, "duration.max")
    assert "A session lasts at most 45 minutes." in duration
    assert "SES-3" in duration
    assert "Needs an exception" in duration
    assert "Approved by a senior leader or the Designated Safeguarding Lead." in duration
    assert "Approved by" not in _row(body, "staff.dbs")
    consent = _row(body, "consent.participation")
    assert "SES-9" in consent and "Blocks" in consent
    warning = _row(body, "attendance.facilitator_invited")
    assert "SES-5" in warning and "Warns" in warning
    assert len(re.findall(r'<tr id="rule-', body)) == 25


def test_rules_are_grouped_by_when_they_are_checked(cast: Cast) -> None:
    body = signed_in(cast.teacher).get("/policy/").content.decode()
    opens = body.index('<h2 id="start">')
    booked = body.index('<h2 id="booking">')
    assert booked < body.index('id="rule-durationmax"') < opens
    assert booked < body.index('id="rule-consentparticipation"') < opens
    assert opens < body.index('id="rule-sessionrisk_assessment"')
    assert opens < body.index('id="rule-recordingcomfort_check"')
