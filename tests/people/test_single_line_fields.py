"""Names, ids and other one-line fields refuse line breaks and control characters wherever they
come from: a learner named "Tern\\r\\nBcc: …" would put a header into every email about them."""

from datetime import date

import pytest

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.validators import single_line_problem
from chaperon.people import services
from chaperon.people.imports import people_import
from tests import factories
from tests.api.conftest import api_as, events_since, last_seq, people_state
from tests.conftest import Cast, signed_in
from tests.people.test_import_helpers import csv_text

INJECTED = "Tern\r\nBcc: everyone@elsewhere.example"


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("Tern\r\nBcc: x", "a line break (U+000D)"),
        ("Tern\nBcc: x", "a line break (U+000A)"),
        ("Year\t8", "a tab (U+0009)"),
        ("Tern\x0bx", "a control character (U+000B)"),
        ("Tern\x85x", "a line break (U+0085)"),
        ("Tern\u2028x", "a line break (U+2028)"),
        ("Tern\u2029x", "a paragraph break (U+2029)"),
        ("Tern\x00", "a NUL character (U+0000)"),
        ("Tern\x7f", "a control character (U+007F)"),
        ("Robin \u202eredla", "an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("\ufeffRobin", "an invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE)"),
        ("Ro\u00adbin", "an invisible character (U+00AD SOFT HYPHEN)"),
    ],
)
def test_control_characters_are_named_in_the_refusal(value: str, named: str) -> None:
    assert single_line_problem(value) == (
        f"holds {named}; write it on one line, without control characters"
    )


@pytest.mark.parametrize(
    "value",
    [
        "Zoë O'Brien-Ní Bhriain",
        "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",  # a non-joiner, as in Persian names
        "李小龍",
        "Year 10 (nurture group)",
        "\U0001f469\u200d\U0001f467",  # an emoji sequence joined by a zero-width joiner
    ],
)
def test_names_in_every_script_are_accepted(value: str) -> None:
    assert single_line_problem(value) is None


def test_the_services_refuse_a_name_with_a_line_break(cast: Cast) -> None:
    before, seq = people_state(), last_seq()
    with pytest.raises(ValidationFailed) as error:
        services.learner_create(
            actor=cast.dsl,
            organisation=cast.organisation,
            first_name="Alex",
            last_name=INJECTED,
            date_of_birth=date(2013, 2, 1),
        )
    assert list(error.value.errors) == ["last_name"]
    assert "a line break" in error.value.errors["last_name"]
    with pytest.raises(ValidationFailed) as error:
        services.guardian_update(actor=cast.dsl, guardian=cast.guardian, full_name=INJECTED)
    assert list(error.value.errors) == ["full_name"]
    with pytest.raises(ValidationFailed) as error:
        services.staff_update(
            actor=cast.dsl, staff=factories.staff_member(cast.teacher), job_title="Tutor\nBcc: x"
        )
    assert list(error.value.errors) == ["job_title"]
    assert people_state() == before
    assert events_since(seq) == []


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "post",
            "/api/learners",
            {"first_name": "Alex", "date_of_birth": "2013-02-01"},
            "last_name",
        ),
        ("patch", "/api/learners/{learner}", {}, "last_name"),
        ("post", "/api/guardians", {}, "full_name"),
        ("patch", "/api/guardians/{guardian}", {}, "full_name"),
        ("patch", "/api/staff/{staff}", {}, "full_name"),
        (
            "post",
            "/api/staff",
            {"email": "a.tern@harbour.example", "roles": ["teacher"]},
            "full_name",
        ),
        ("patch", "/api/organisation", {}, "name"),
    ],
)
def test_the_api_refuses_a_name_with_a_line_break(
    cast: Cast, method: str, path: str, body: dict[str, object], field: str
) -> None:
    api = api_as(cast.dsl)
    before, seq = people_state(), last_seq()
    address = path.format(
        learner=cast.learner.pk,
        guardian=cast.guardian.pk,
        staff=factories.staff_member(cast.teacher).pk,
    )

    response = api.call(method, address, body | {field: INJECTED})

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert errors[field].startswith("holds a line break (U+000D)")
    assert people_state() == before
    assert events_since(seq) == []


def test_the_import_refuses_a_name_with_a_line_break(cast: Cast) -> None:
    before, seq = people_state(), last_seq()
    text = csv_text(
        "external_id,first_name,last_name,date_of_birth",
        'L001,Alex,"Tern',
        'Bcc: everyone@elsewhere.example",2013-02-01',
        "L002,Bea\u202e,Tern,2013-02-01",
    )

    result = people_import(
        actor=cast.dsl, organisation=cast.organisation, kind="learners", text=text
    )

    assert [(error.line, error.column) for error in result.errors] == [
        (2, "last_name"),
        (4, "first_name"),
    ]
    assert "a line break" in result.errors[0].message
    assert "U+202E" in result.errors[1].message
    assert people_state() == before
    assert [event.action for event in events_since(seq)] == ["people_import_refused"]


def test_the_learner_form_refuses_a_name_with_a_line_break(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    before, seq = people_state(), last_seq()

    response = client.post(
        "/learners/new/",
        {"first_name": "Alex", "last_name": INJECTED, "date_of_birth": "2013-02-01"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_last_name"' in body and "holds a line break (U+000D)" in body
    assert people_state() == before
    assert events_since(seq) == []


def test_an_api_token_name_is_one_line(cast: Cast) -> None:
    client = signed_in(cast.dsl)
    response = client.post("/accounts/tokens/", {"name": "MIS sync\r\nBcc: x"})
    assert "holds a line break" in response.content.decode()
    assert not cast.dsl.api_tokens.exists()
