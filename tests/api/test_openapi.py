import json
import re

from django.test import Client

from .test_authorization_matrix import OPERATIONS

EXPECTED_OPERATIONS = {
    ("get", "/api/organisation"),
    ("patch", "/api/organisation"),
    ("get", "/api/staff"),
    ("post", "/api/staff"),
    ("get", "/api/staff/{staff_id}"),
    ("patch", "/api/staff/{staff_id}"),
    ("put", "/api/staff/{staff_id}/roles"),
    ("get", "/api/learners"),
    ("post", "/api/learners"),
    ("get", "/api/learners/{learner_id}"),
    ("patch", "/api/learners/{learner_id}"),
    ("get", "/api/guardians"),
    ("post", "/api/guardians"),
    ("get", "/api/guardians/{guardian_id}"),
    ("patch", "/api/guardians/{guardian_id}"),
    ("put", "/api/learners/{learner_id}/guardians/{guardian_id}"),
    ("delete", "/api/learners/{learner_id}/guardians/{guardian_id}"),
    ("post", "/api/policy/check"),
}


def _document() -> dict:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document: dict = json.loads(response.content)
    return document


def _operations(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_the_document_is_public_openapi_json_listing_every_operation(db: None) -> None:
    document = _document()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Chaperon API"
    assert set(_operations(document)) == EXPECTED_OPERATIONS
    # The authorization matrix exercises each of them.
    assert len(OPERATIONS) == len(EXPECTED_OPERATIONS)
    assert {operation.name for operation in OPERATIONS} == {
        operation["operationId"] for operation in _operations(document).values()
    }


def test_every_operation_needs_the_bearer_token(db: None) -> None:
    document = _document()
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"ApiTokenAuth": {"type": "http", "scheme": "bearer"}}
    for key, operation in _operations(document).items():
        assert operation["security"] == [{"ApiTokenAuth": []}], key


def test_every_operation_is_summarised_and_typed(db: None) -> None:
    document = _document()
    schemas = document["components"]["schemas"]
    for key, operation in _operations(document).items():
        assert operation["summary"], key
        responses = operation["responses"]
        success = responses.get("200") or responses.get("201")
        if success is None:
            assert "content" not in responses["204"], key  # done, with nothing to return
        else:
            reference = success["content"]["application/json"]["schema"]["$ref"]
            assert reference.removeprefix("#/components/schemas/") in schemas, key
        assert "401" in responses, key
        assert "403" in responses, key
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in responses, key
        if "{" in key[1]:
            assert "404" in responses, key
            assert all(param["schema"]["type"] == "integer" for param in operation["parameters"])


def test_the_schemas_give_stored_enum_values_and_iso_dates(db: None) -> None:
    schemas = _document()["components"]["schemas"]
    staff = schemas["StaffOut"]["properties"]
    role = schemas[staff["roles"]["items"]["$ref"].split("/")[-1]]
    assert set(role["enum"]) == {"dsl", "deputy_dsl", "slt", "teacher", "ict", "board", "admin"}
    learner = schemas["LearnerOut"]["properties"]
    assert learner["date_of_birth"] == {
        "format": "date",
        "title": "Date Of Birth",
        "type": "string",
    }
    # Compliance fields are left out for roles that may not see them, so never required.
    assert not {"dbs_checked_on", "compliance"} & set(schemas["StaffOut"]["required"])
    assert schemas["ValidationErrorOut"]["required"] == ["detail", "errors"]


def test_paged_lists_take_limit_and_offset_and_give_items_and_count(db: None) -> None:
    document = _document()
    operation = document["paths"]["/api/learners"]["get"]
    names = {param["name"] for param in operation["parameters"]}
    assert names == {"search", "year_group", "tutor_group", "limit", "offset"}
    paged = document["components"]["schemas"]["PagedLearnerOut"]
    assert set(paged["required"]) == {"items", "count"}


def test_the_docs_page_loads_only_our_own_files_under_the_site_policy(db: None) -> None:
    client = Client()
    response = client.get("/api/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert not re.search(r"https?://", page)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts
    for attributes in scripts:
        # Executable scripts come from a file; the settings block is data, which CSP allows.
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
    for address in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert address.startswith("/static/ninja/")
        assert client.get(address).status_code == 200, address
    block = re.search(r'id="swagger-settings">(.*?)</script>', page, re.S)
    assert block is not None
    settings = json.loads(block[1])
    assert settings["url"] == "/api/openapi.json"
    assert settings["validatorUrl"] is None  # no badge fetched from validator.swagger.io
