"""A session the families chose to take part in by audio only (SES-12): its room asks for no
camera."""

import pytest

from chaperon.sessions.models import Session
from tests.conftest import Cast

from .helpers import booked, entered_client

pytestmark = pytest.mark.django_db


@pytest.mark.clause("SES-12")
def test_audio_only_rooms_ask_for_no_camera(cast: Cast) -> None:
    audio = booked(cast, taking_part="audio")
    page = entered_client(audio, cast.learner).get(f"/rooms/{audio.pk}/").content.decode()
    assert 'data-audio-only="yes"' in page

    Session.objects.filter(pk=audio.pk).update(taking_part="video")
    page = entered_client(audio, cast.learner).get(f"/rooms/{audio.pk}/").content.decode()
    assert 'data-audio-only="no"' in page
