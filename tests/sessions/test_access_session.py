"""``access_session``: one way to fetch a session and enforce who may see it. By default those
who organise it, take part in it or oversee sessions; a caller (the meeting record) passes its
own rule and what "not found" says. Another organisation's session is never found."""

import pytest

from chaperon.core.exceptions import NotFound
from chaperon.sessions import services
from chaperon.sessions.models import Session
from chaperon.sessions.permissions import access_session
from tests.conftest import Cast

from .helpers import consent_for, one_to_one

pytestmark = pytest.mark.django_db


def _booked(cast: Cast) -> Session:
    consent_for(cast.learner, cast.dsl)
    result = services.session_book(actor=cast.teacher, proposal=one_to_one(cast), title="Careers")
    assert result.session is not None
    return result.session


def test_by_default_only_those_who_take_part_or_oversee_find_it(cast: Cast) -> None:
    session = _booked(cast)
    assert access_session(cast.teacher, session.pk) == session
    assert access_session(cast.dsl, session.pk) == session
    with pytest.raises(NotFound, match="No such session"):
        access_session(cast.teacher2, session.pk)


def test_a_caller_passes_its_own_rule_and_message(cast: Cast) -> None:
    session = _booked(cast)
    anyone = lambda user, session: True  # noqa: E731
    nobody = lambda user, session: False  # noqa: E731
    assert access_session(cast.teacher2, session.pk, may=anyone) == session
    with pytest.raises(NotFound, match="No such meeting record"):
        access_session(cast.teacher, session.pk, may=nobody, not_found="No such meeting record.")
    with pytest.raises(NotFound, match="No such meeting record"):
        access_session(cast.outsider, session.pk, may=anyone, not_found="No such meeting record.")
