"""A recorded 1:1 with a learner who has no email address of their own: they join on their
parent's link, and whether they are comfortable being recorded is answered on the parent's
device, in the agreement or when the host asks (REC-4, REC-6)."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from chaperon.recordings.models import Recording
from chaperon.rooms.models import RecordingComfort, RoomEvent
from chaperon.sessions.invitations import join_token
from chaperon.sessions.models import Invitation, Session
from tests.browser_support import assert_accessible
from tests.conftest import Cast

from .browsing import host_page, waiting_on_link
from .helpers import booked, invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _parent_admitted(browser: Browser, base: str, cast: Cast) -> tuple[Page, Page]:
    session = booked(cast, recording=True, own_links=False)
    host = host_page(browser, base, cast.teacher, session)
    token = join_token(invitation(session, Invitation.Role.GUARDIAN, cast.guardian.pk))
    parent = waiting_on_link(browser, base, session, token)
    host.get_by_role("button", name="Admit Morgan Alder").click()
    expect(parent.locator("#agreement-panel")).to_be_visible()
    expect(parent.locator("#comfort-legend")).to_have_text(
        "Is Robin Alder comfortable with this session being recorded? Ask, then answer for them."
    )
    return host, parent


def _start_and_record(host: Page, parent: Page) -> None:
    host.get_by_label("I have confirmed that Morgan Alder is present in the house").check()
    host.get_by_role("button", name="Start the session").click()
    expect(host.locator("#timer")).to_be_visible()
    host.get_by_role("button", name="Start recording").click()
    for page in (host, parent):
        expect(page.locator("#rec-indicator")).to_be_visible()
    assert Recording.objects.count() == 1


@pytest.mark.clause("REC-6")
@pytest.mark.clause("REC-4")
def test_the_parents_answer_lets_a_recorded_1_1_start_and_record(
    browser: Browser, asgi_live_server: str, cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.VAULT_DIR = tmp_path / "vault"
    host, parent = _parent_admitted(browser, asgi_live_server, cast)
    parent.get_by_label("Yes, Robin Alder is comfortable being recorded").check()
    parent.get_by_role("button", name="I understand and agree").click()
    expect(host.locator("#comfort-list")).to_contain_text(
        "Robin Alder · comfortable being recorded (answered on Morgan Alder's device)"
    )
    assert_accessible(host)
    _start_and_record(host, parent)
    assert Session.objects.get().status == "open"
    host.context.close()
    parent.context.close()


@pytest.mark.clause("REC-6")
def test_the_host_asks_the_learner_on_the_parents_device(
    browser: Browser, asgi_live_server: str, cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.VAULT_DIR = tmp_path / "vault"
    host, parent = _parent_admitted(browser, asgi_live_server, cast)
    parent.get_by_label("No, please do not record Robin Alder").check()
    parent.get_by_role("button", name="I understand and agree").click()
    expect(host.locator("#comfort-list")).to_contain_text("not comfortable being recorded")
    host.get_by_label("I have confirmed that Morgan Alder is present in the house").check()
    host.get_by_role("button", name="Start the session").click()
    expect(host.locator("#notice")).to_contain_text(
        "Robin Alder said they are not comfortable being recorded."
    )

    # Robin has changed their mind: the host asks again, and the parent's device shows it.
    host.get_by_role(
        "button", name="Ask Robin Alder if they are comfortable being recorded"
    ).click()
    expect(host.locator("#comfort-list")).to_contain_text("asked: waiting for the answer")
    expect(parent.locator("#comfort-question")).to_be_visible()
    expect(parent.locator("#comfort-question-text")).to_have_text(
        "Is Robin Alder comfortable with this session being recorded? Ask them, then answer."
    )
    assert_accessible(parent)
    parent.get_by_role("button", name="Yes, comfortable being recorded").click()
    expect(parent.locator("#comfort-question")).to_be_hidden()
    expect(host.locator("#comfort-list")).to_contain_text(
        "comfortable being recorded (answered on Morgan Alder's device)"
    )
    answer = RecordingComfort.objects.get()
    assert answer.comfortable is True and answer.answered_by is not None
    assert answer.answered_by.display_name == "Morgan Alder"
    assert RoomEvent.objects.filter(kind="comfort_asked").count() == 1
    _start_and_record(host, parent)
    host.context.close()
    parent.context.close()
