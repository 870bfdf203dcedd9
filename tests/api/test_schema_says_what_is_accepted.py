"""The OpenAPI document says exactly what the API accepts: JSON Schema's ``integer``
includes ``43.0``, so the API takes it; the answers are the knowledge's questions, with no
other key, as the API refuses any other (schemathesis checks both ways in
tests/security/test_schemathesis.py)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from advisor.knowledge.models import Question
from advisor.knowledge.regulation_models import ObligationTrigger

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def document(client: Client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def test_a_whole_number_written_with_a_fraction_is_a_whole_number(client: Client) -> None:
    whole = post(client, "/api/v1/break-even", {"requests_per_day": 5000, "output_tokens": 43})
    written = post(
        client, "/api/v1/break-even", {"requests_per_day": 5000.0, "output_tokens": 43.0}
    )
    assert written.status_code == 200
    assert written.json() == whole.json()
    for wrong in (43.5, True, "43"):
        refused = post(
            client, "/api/v1/break-even", {"requests_per_day": 5000, "output_tokens": wrong}
        )
        assert refused.status_code == 400
        assert "output_tokens" in refused.json()["errors"]


def test_the_answers_schema_lists_the_knowledges_questions_and_nothing_else(
    client: Client,
) -> None:
    ruleset = client.get("/api/v1/ruleset").json()
    answers = document(client)["components"]["schemas"]["Answers"]
    assert answers["additionalProperties"] is False
    assert list(answers["properties"]) == [q["key"] for q in ruleset["questions"]]
    for question in ruleset["questions"]:
        if question["options"]:
            (choice, _) = answers["properties"][question["key"]]["anyOf"]
            assert choice["enum"] == [o["key"] for o in question["options"]]
    assert (
        post(client, "/api/v1/recommend", {"answers": {"no_such_question": "x"}}).status_code == 400
    )


def test_the_document_follows_an_editors_change(client: Client) -> None:
    assert "sector" in document(client)["components"]["schemas"]["Answers"]["properties"]
    # Obligations' triggers protect the question they test, so they go first.
    ObligationTrigger.objects.filter(question="sector").delete()
    Question.objects.filter(key="sector").delete()

    assert "sector" not in document(client)["components"]["schemas"]["Answers"]["properties"]
    refused = post(client, "/api/v1/recommend", {"answers": {"sector": "finance"}})
    assert refused.status_code == 400


def test_the_break_even_schema_names_the_price_books_keys_and_caps(client: Client) -> None:
    shape = document(client)["components"]["schemas"]["BreakEvenIn"]
    offerings = shape["properties"]["offering"]["anyOf"][0]["enum"]
    profiles = shape["properties"]["infrastructure"]["anyOf"][0]["enum"]
    assert "llama-4-maverick-together" in offerings
    assert "onprem-2xl40s-70b" in profiles
    capped = {rule["if"]["properties"]["infrastructure"]["const"]: rule for rule in shape["allOf"]}
    cap = capped["workstation-8b"]["then"]["properties"]["requests_per_day"]["maximum"]
    body = {"requests_per_day": cap, "infrastructure": "workstation-8b"}
    assert post(client, "/api/v1/break-even", body).status_code == 200
    assert (
        post(client, "/api/v1/break-even", body | {"requests_per_day": cap + 1}).status_code == 400
    )
    assert (
        post(client, "/api/v1/break-even", {"requests_per_day": 1, "offering": ""}).status_code
        == 400
    )
