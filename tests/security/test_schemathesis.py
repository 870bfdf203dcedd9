"""The API against its own OpenAPI document, with schemathesis.

The schema is loaded from ``/api/v1/openapi.json`` through the WSGI application (at import:
the document needs no database) and every operation is called in-process (same thread,
same test database), with data that fits the schema and data that does not. Checks: no
5xx; answers use the documented status codes, content types and (where documented)
response schemas; data the schema forbids is refused.

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
    response_schema_conformance,
    status_code_conformance,
)

from advisor.wsgi import application
from tests.security.conftest import examples

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
