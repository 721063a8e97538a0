from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chaperon.people.roles import Role
from tests import factories
from tests.conftest import Cast

from .conftest import api_as


def _more_learners(cast: Cast, number: int) -> None:
    factories.learner(cast.organisation, first_name=f"Sam{number}")


def _more_guardians(cast: Cast, number: int) -> None:
    learner = factories.learner(cast.organisation, first_name=f"Sam{number}")
    factories.guardian(cast.organisation, of=learner)
    factories.guardian(cast.organisation, of=learner, relationship="father")


def _more_staff(cast: Cast, number: int) -> None:
    factories.staff(cast.organisation, Role.TEACHER, Role.ICT)


@pytest.mark.parametrize(
    ("path", "add"),
    [
        ("/api/learners", _more_learners),
        ("/api/guardians", _more_guardians),
        ("/api/staff", _more_staff),
    ],
)
@pytest.mark.parametrize("who", ["dsl", "teacher"])
def test_a_list_takes_the_same_queries_however_long_it_is(
    cast: Cast, who: str, path: str, add: Callable[[Cast, int], None]
) -> None:
    api = api_as(cast.user(who))
    api.get(path)  # a token's use is recorded at most once a minute: not in what follows
    with CaptureQueriesContext(connection) as short:
        assert api.get(path).status_code == 200
    for number in range(5):
        add(cast, number)
    with CaptureQueriesContext(connection) as long:
        response = api.get(path)
    assert response.json()["count"] >= 6
    assert len(long) == len(short)
