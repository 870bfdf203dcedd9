from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

HTMX = {"HTTP_HX_REQUEST": "true"}

FULL_ANSWERS: dict[str, str] = {
    "data_sensitivity": "non_sensitive",
    "requests_per_day": "300",
    "team_capacity": "no_ml_team",
    "customization": "standard",
    "stage": "production",
    "uptime": "tolerant",
    "frontier_capability": "needed",
    "workload_mix": "single_task",
    "jurisdiction": "other",
    "modalities": "text",
}


def answer(client: Client, key: str, value: Any, *, htmx: bool = False):
    extra = HTMX if htmx else {}
    return client.post(f"/wizard/step/{key}/", {"answer": value}, **extra)


@pytest.fixture
def answered(client: Client) -> Client:
    """A client that has answered every question (plain form posts)."""
    for key, value in FULL_ANSWERS.items():
        response = answer(client, key, value)
        assert response.status_code == 302, (key, response.content[:500])
    return client
