"""The standing cast: one organisation with each role, a learner and guardian, and an outsider."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import settings as hypothesis_settings

from chaperon.accounts.session import SECOND_FACTOR_KEY
from chaperon.people.models import Guardian, Learner, Organisation, User
from chaperon.people.roles import Role

from . import factories
from .browser_support import browser, page  # noqa: F401 (fixtures for every folder)
from .janus_support import janus_server, shared_janus_server  # noqa: F401
from .mail_support import smtp_server  # noqa: F401
from .oidc_support import oidc_provider  # noqa: F401
from .turn_support import turn_server  # noqa: F401

# Property tests judge behaviour, not speed: on a busy machine an example may take longer than
# Hypothesis's default deadline without anything being wrong.
hypothesis_settings.register_profile("chaperon", deadline=None)
hypothesis_settings.load_profile("chaperon")


@dataclass
class Cast:
    organisation: Organisation
    dsl: User
    deputy: User
    slt: User
    teacher: User
    teacher2: User
    ict: User
    board: User
    admin: User
    learner: Learner
    guardian: Guardian
    other_organisation: Organisation
    outsider: User
    outsider_learner: Learner

    def user(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture(scope="session", autouse=True)
def _vault_folder_removed_at_the_end() -> Iterator[None]:
    """Recordings made outside tests/recordings go to this process's vault folder."""
    yield
    shutil.rmtree(settings.VAULT_DIR, ignore_errors=True)


@pytest.fixture
def cast(db: None) -> Cast:
    organisation = factories.organisation("Harbour View School")
    learner = factories.learner(organisation, first_name="Robin", last_name="Alder")
    guardian = factories.guardian(organisation, of=learner, full_name="Morgan Alder")
    other = factories.organisation("Kestrel Bank College")
    outsider_learner = factories.learner(other, first_name="Jamie", last_name="Rowan")
    factories.guardian(other, of=outsider_learner, full_name="Casey Rowan")
    return Cast(
        organisation=organisation,
        dsl=factories.staff(organisation, Role.DSL, name="Dana Sefton", job_title="DSL"),
        deputy=factories.staff(organisation, Role.DEPUTY_DSL, name="Devon Pike"),
        slt=factories.staff(organisation, Role.SENIOR_LEADER, name="Sam Laurel"),
        teacher=factories.staff(organisation, Role.TEACHER, name="Terry Finch"),
        teacher2=factories.staff(organisation, Role.TEACHER, name="Toni Marsh"),
        ict=factories.staff(organisation, Role.ICT, name="Ira Quill"),
        board=factories.staff(organisation, Role.BOARD, name="Bo Hartley"),
        admin=factories.staff(organisation, Role.ADMINISTRATOR, name="Ade Brook"),
        learner=learner,
        guardian=guardian,
        other_organisation=other,
        outsider=factories.staff(other, Role.DSL, name="Olly Outwood"),
        outsider_learner=outsider_learner,
    )


def signed_in(user: User) -> Client:
    """A client signed in as ``user``, second factor given."""
    client = Client()
    client.force_login(user, backend="chaperon.accounts.backends.EmailBackend")
    session = client.session
    session[SECOND_FACTOR_KEY] = True
    session.save()
    return client
