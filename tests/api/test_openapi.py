"""GET /api/v1/openapi.json documents the API; no docs UI pulls assets from a CDN."""

from __future__ import annotations

import json

import pytest

from tests.api import OPENAPI_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_lists_the_three_paths(schema) -> None:
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {"/api/v1/ruleset", "/api/v1/recommend", OPENAPI_URL}
    assert set(schema["paths"]["/api/v1/ruleset"]) == {"get"}
    assert set(schema["paths"]["/api/v1/recommend"]) == {"post"}
    assert set(schema["paths"][OPENAPI_URL]) == {"get"}


def test_recommend_documents_its_request_and_errors(schema) -> None:
    operation = schema["paths"]["/api/v1/recommend"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["examples"]
    assert {"200", "400", "413"} <= set(operation["responses"])
    error_ref = operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    error_schema = schema["components"]["schemas"][error_ref.rsplit("/", 1)[-1]]
    assert error_schema["properties"]["errors"]["type"] == "object"
    request_ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "answers" in schema["components"]["schemas"][request_ref]["properties"]


def test_the_description_states_the_error_fields_and_csrf(schema) -> None:
    description = schema["info"]["description"]
    assert "question key" in description
    assert "CSRF" in description


def test_there_is_no_docs_page_loading_a_cdn(client) -> None:
    assert client.get("/api/v1/docs").status_code == 404
