"""The API against its own OpenAPI document, with schemathesis.

The document describes today's knowledge (each question's key and options, the price
book's keys), so the one tested is built, at import, from the shipped knowledge that the
test database holds, and checked against the one ``/api/v1/openapi.json`` serves. Every
operation is called in-process through the WSGI application (same thread, same test
database), with data that fits the schema and data that does not. Checks: no 5xx; answers
use the documented status codes, content types and (where documented) response schemas;
data the schema forbids is refused, and data it allows is accepted.

(``schemathesis.pytest.from_fixture`` would load it lazily, but it reads a private pytest
attribute that pytest 9 removed.)
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from advisor.api.api import openapi_document
from advisor.api.schemas import Vocabulary
from advisor.knowledge.loader import read_seed
from advisor.wsgi import application
from tests.security.conftest import examples

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]


def shipped_vocabulary() -> Vocabulary:
    """The keys of the shipped knowledge base, read from its seed file (no database)."""
    seed = read_seed()
    profiles = seed["infrastructure"]
    uncapped = [p["key"] for p in profiles if p.get("max_requests_per_day") is None]
    return Vocabulary(
        questions=tuple(
            (
                q["key"],
                q["kind"],
                tuple(o["key"] for o in q.get("options", [])),
                q.get("min_value"),
                q.get("max_value"),
            )
            for q in seed["questions"]
        ),
        offerings=tuple(o["key"] for o in seed["offerings"]),
        profiles=tuple((p["key"], p.get("max_requests_per_day")) for p in profiles),
        task_profiles=tuple(t["key"] for t in seed["task_profiles"]),
        default_offering=next(
            (
                o["key"]
                for o in seed["offerings"]
                if o.get("is_default") and o["openness"] == "open"
            ),
            None,
        ),
        default_profile=next((p["key"] for p in profiles if p.get("is_default")), None)
        or (uncapped[0] if uncapped else None),
    )


DOCUMENT = openapi_document(shipped_vocabulary())
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = application
schema.location = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler would close the connection after each
    request, and with it (on PostgreSQL) the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_documented_promises(case) -> None:
    # The WSGI test client does not decompress; our GZipMiddleware would answer in gzip.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)


def test_the_document_tested_is_the_one_served(client) -> None:
    assert client.get("/api/v1/openapi.json").json() == DOCUMENT


def test_every_operation_but_the_document_itself_is_tested() -> None:
    operations = {
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    }
    assert "/api/v1/openapi.json" in schema.raw_schema["paths"]  # schemathesis skips it
    assert operations == {
        ("GET", "/api/v1/ruleset"),
        ("POST", "/api/v1/recommend"),
        ("POST", "/api/v1/break-even"),
        ("POST", "/api/v1/route"),
        ("GET", "/api/v1/models"),
    }
