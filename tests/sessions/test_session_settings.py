"""A session's own settings (the adult in the house, parents dropping in, the platform, how
the learners take part, recording, its purpose and the alternative considered) are named once,
in ``plans.SESSION_SETTINGS``: the session, a proposal, a change and the booking and change
forms all carry each under that name."""

from dataclasses import fields

import pytest

from chaperon.sessions import services
from chaperon.sessions.forms import BookingForm, ChangeForm
from chaperon.sessions.models import Session
from chaperon.sessions.plans import SESSION_SETTINGS, Proposal, settings_of
from chaperon.sessions.services import SessionChange
from tests.conftest import Cast

from .helpers import consent_for, one_to_one


def test_each_setting_is_a_field_of_the_session_a_proposal_a_change_and_the_forms() -> None:
    session_fields = {field.name for field in Session._meta.get_fields()}
    for name in SESSION_SETTINGS:
        assert name in session_fields
        assert name in {field.name for field in fields(Proposal)}
        assert name in {field.name for field in fields(SessionChange)}
        assert name in BookingForm.base_fields
        assert name in ChangeForm.base_fields
    assert list(BookingForm.field_order or []).count("platform") == 1


@pytest.mark.django_db
def test_a_proposal_and_a_change_carry_the_booked_sessions_settings(cast: Cast) -> None:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(
        actor=cast.teacher,
        proposal=one_to_one(cast, named_adult="Jo Finch", guardians_may_drop_in=True),
        title="Careers",
    )
    assert result.session is not None
    session = Session.objects.get(pk=result.session.pk)

    expected = {
        "named_adult": "Jo Finch",
        "guardians_may_drop_in": True,
        "platform": "builtin",
        "taking_part": "video",
        "recording_enabled": False,
        "recording_purpose": "",
        "recording_alternative": "",
        "recording_need": "",
    }
    assert settings_of(session) == expected
    assert settings_of(Proposal.of(session)) == expected
    assert settings_of(SessionChange.of(session)) == expected
