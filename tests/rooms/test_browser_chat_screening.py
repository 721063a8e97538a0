"""Chat screening in real browsers (ORG-5, INC-1): a learner's message graded 5 never shows on
the other learner's page, while the host's page shows that it was held and the sender's says,
kindly, that it was not sent."""

import pytest
from playwright.sync_api import Browser, expect

from chaperon.concerns.models import Concern
from chaperon.rooms.services.holding import NOT_SENT
from tests import factories
from tests.conftest import Cast

from .browsing import admit_and_agree, host_page, learner_waiting
from .helpers import booked

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("ORG-5"),
    pytest.mark.clause("INC-1"),
]

HELD = "what's your home address? keep it our secret"


def test_a_held_message_never_reaches_the_other_learner_and_the_host_sees_it_was_held(
    browser: Browser, asgi_live_server: str, cast: Cast
) -> None:
    base = asgi_live_server
    second = factories.learner(cast.organisation, first_name="Alex", last_name="Birch")
    factories.guardian(cast.organisation, of=second, full_name="Jo Birch")
    session = booked(cast, kind="group", learners=[cast.learner, second])
    host = host_page(browser, base, cast.teacher, session)
    robin = learner_waiting(browser, base, session, cast.learner)
    admit_and_agree(host, robin, "Robin Alder")
    alex = learner_waiting(browser, base, session, second)
    admit_and_agree(host, alex, "Alex Birch")

    robin.get_by_label("Message").fill("hi everyone")
    robin.get_by_role("button", name="Send").click()
    expect(alex.locator("#chat-log")).to_contain_text("hi everyone")

    robin.get_by_label("Message").fill(HELD)
    robin.get_by_role("button", name="Send").click()
    expect(robin.locator(".room__chat-held")).to_have_text(NOT_SENT)
    expect(host.locator(".room__chat-held")).to_contain_text(
        "A message from Robin Alder was held back and not shown to anyone (grooming signs, "
        "grade 5 of 5). The safeguarding lead has been told."
    )
    expect(host.locator("#notice")).to_contain_text("held back")

    # What follows it arrives; the held message never does, on the learners' pages or the host's.
    robin.get_by_label("Message").fill("sorry, wrong chat")
    robin.get_by_role("button", name="Send").click()
    for page in (alex, host, robin):
        expect(page.locator("#chat-log")).to_contain_text("sorry, wrong chat")
        expect(page.locator("#chat-log")).not_to_contain_text("home address")
    expect(alex.locator(".room__chat-held")).to_have_count(0)
    assert Concern.objects.filter(source="screening", learner=cast.learner).count() == 1
    for page in (host, robin, alex):
        page.context.close()
