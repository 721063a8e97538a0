"""In a real browser, two organisations on one server: the DSL of one sends a learner's child
protection file from the learner's page to the other, whose DSL reviews and accepts it, and the
sender sees it received, when and by whom. Then the file goes as an encrypted package: the
import refuses it with a wrong passphrase, writing nothing, and takes it with the right one.
The pages pass axe-core's WCAG 2.2 AA rules (INC-8, LOG-2)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chaperon.concerns.models import Concern
from chaperon.people.models import Learner, User
from chaperon.transfers.models import PackageImport
from tests.browser_support import assert_accessible, sign_in_page
from tests.conftest import Cast, signed_in

from .helpers import file_with_history

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clause("INC-8"),
    pytest.mark.clause("LOG-2"),
]


def _as(page: Page, base: str, user: User) -> Page:
    page.context.clear_cookies()
    return sign_in_page(page, base, signed_in(user).cookies["sessionid"].value)


def _send_page(page: Page, base: str, cast: Cast) -> None:
    page.goto(f"{base}/learners/{cast.learner.pk}/")
    page.get_by_role("link", name="Send the child protection file to a new school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Send {cast.learner.full_name}'s child protection file"
    )


def test_a_file_is_transferred_between_two_organisations_and_accepted(
    cast: Cast, live_server, page: Page
) -> None:
    original = file_with_history(cast)
    base = live_server.url
    _as(page, base, cast.dsl)
    _send_page(page, base, cast)
    assert_accessible(page)
    page.get_by_label("Find the new school on Chaperon").fill("Kestrel")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Kestrel Bank College").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send the file to this school").click()
    expect(page.get_by_text("File sent to Kestrel Bank College.")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Waiting for receipt")

    # The receiving DSL finds it among the files received, reviews it and accepts it.
    _as(page, base, cast.outsider)
    page.goto(f"{base}/dashboard/")
    page.get_by_role("link", name="Transfers").click()
    page.get_by_role("link", name="Files received").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(cast.organisation.name)).click()
    expect(page.get_by_text(original.description)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nobody here yet").check()
    page.get_by_role("button", name="Accept the file").click()
    expect(page.get_by_text("File accepted: 1 concern is now on")).to_be_visible()

    copy = Concern.objects.get(organisation=cast.other_organisation)
    assert copy.description == original.description
    assert copy.entries.count() == original.entries.count() + 1
    assert Concern.objects.filter(organisation=cast.organisation).count() == 1  # kept there

    # The sender sees it received, with the time and the receiving DSL's name.
    _as(page, base, cast.dsl)
    page.goto(f"{base}/transfers/")
    row = page.get_by_role("row", name=re.compile(cast.learner.full_name))
    expect(row).to_contain_text("Received")
    expect(row).to_contain_text(f"by {cast.outsider.full_name}")
    assert_accessible(page)


def test_the_package_round_trips_with_its_passphrase_and_fails_with_a_wrong_one(
    cast: Cast, live_server, page: Page, tmp_path: Path
) -> None:
    original = file_with_history(cast)
    base = live_server.url
    _as(page, base, cast.dsl)
    _send_page(page, base, cast)
    page.get_by_label("The new school's name").fill("Alder Grove High")
    page.get_by_role("button", name="Make the encrypted package").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Encrypted package made")
    assert_accessible(page)
    passphrase = page.get_by_test_id("passphrase").inner_text().strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the package").click()
    package = tmp_path / "file.chaperon-package"
    download.value.save_as(package)

    # The receiving school (on Chaperon here) imports it: first with a wrong passphrase.
    _as(page, base, cast.outsider)
    learners = Learner.objects.filter(organisation=cast.other_organisation).count()
    page.goto(f"{base}/transfers/import/")
    assert_accessible(page)
    page.get_by_label("The package file").set_input_files(package)
    page.get_by_label("Passphrase").fill("WRONG-PASSPHRASE-ENTIRELY")
    page.get_by_role("button", name="Open and import").click()
    expect(page.get_by_role("alert")).to_contain_text("the passphrase is wrong")
    assert_accessible(page)
    assert not Concern.objects.filter(organisation=cast.other_organisation).exists()
    assert Learner.objects.filter(organisation=cast.other_organisation).count() == learners
    assert not PackageImport.objects.exists()

    page.get_by_label("The package file").set_input_files(package)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Open and import").click()
    expect(
        page.get_by_text(f"Package from {cast.organisation.name} imported: 1 concern is now on")
    ).to_be_visible()
    copy = Concern.objects.get(organisation=cast.other_organisation)
    assert copy.description == original.description
    assert copy.learner is not None and copy.learner.full_name == cast.learner.full_name
    expect(page.get_by_role("row", name=re.compile(cast.organisation.name))).to_contain_text(
        cast.learner.full_name
    )
