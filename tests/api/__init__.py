"""Helpers for the API tests: post a body as it is, read the seeded ruleset back."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

#: What the test client returns (an HttpResponse with ``json()`` and friends).
Response = Any

RULESET_URL = "/api/v1/ruleset"
RECOMMEND_URL = "/api/v1/recommend"
OPENAPI_URL = "/api/v1/openapi.json"


def post_body(client: Client, body: str | bytes, **extra: Any) -> Response:
    """POST ``body`` verbatim as JSON to the recommend endpoint."""
    return client.post(RECOMMEND_URL, body, content_type="application/json", **extra)


def post_answers(client: Client, answers: dict[str, Any]) -> Response:
    return post_body(client, json.dumps({"answers": answers}))


def recommend(client: Client, answers: dict[str, Any]) -> dict[str, Any]:
    """The recommendation for ``answers``, asserting the request succeeded."""
    response = post_answers(client, answers)
    assert response.status_code == 200, response.content
    return response.json()


def get_ruleset(client: Client) -> dict[str, Any]:
    response = client.get(RULESET_URL)
    assert response.status_code == 200
    return response.json()
