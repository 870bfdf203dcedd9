"""The ``/api/v1/`` NinjaAPI: its OpenAPI description and its one error shape.

Every refusal of a request answers ``{"errors": {"<field>": ["message", ...]}}``: 400 for
anything malformed or invalid, 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, 503 when
the database does not answer and 500 for anything else that fails on our side (never
Django's HTML error page). Endpoints added here (``api.add_router``) inherit that.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from advisor.api import catalogue, planning, views
from advisor.api.responses import errors_response, json_response
from advisor.api.schemas import Vocabulary, describe_requests, vocabulary_of
from advisor.knowledge.ruleset import current_knowledge
from advisor.plan import api as plan_api

logger = logging.getLogger(__name__)

DESCRIPTION = f"""\
Recommends how to source an AI model for a use case, from the same knowledge base and
engine as the wizard.

* `GET /api/v1/ruleset` lists the questions (with their option keys), the approaches, the
  comparison dimensions and the use-case presets of the current knowledge-base version.
* `POST /api/v1/recommend` ranks every approach for a set of answers, with the points behind
  each score.
* `POST /api/v1/break-even` compares the monthly cost of an API with self-hosting and finds
  the break-even volume, from the admin-edited price book.
* `POST /api/v1/route` routes several workloads (a hybrid plan) in one call.
* `GET /api/v1/models` lists the model catalogue: licences, prices and quality figures,
  each with its date and source.
* `GET /api/v1/openapi.json` is this document.

**Errors.** A request that cannot be served answers 400, or 413 for a body over
{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes, with
`{{"errors": {{"<field>": ["message", ...]}}}}`. The field is `body` for the request as a
whole (malformed JSON, not an object), `answers` when the answers are not an object, the
name of an unexpected top-level field, or the **question key** of an answer that is
unknown, not one of the question's options, not a whole number, or out of range (e.g.
`{{"errors": {{"requests_per_day": ["Must be at most 1000000000."]}}}}`). Every invalid
answer is reported at once.

When the service itself fails the answer has the same shape, with the field `server`: 503
while the database is unavailable (try again shortly), 500 for anything else.

**No authentication, no CSRF.** The API is stateless JSON: it reads no cookie or session and
changes nothing, so it needs no CSRF token.
"""


class StrictJSONParser(Parser):
    """The default parser, minus the non-JSON constants ``NaN`` and ``Infinity``."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_constant=_reject_constant)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


api = NinjaAPI(
    title="Sourcing Advisor API",
    version="1",
    description=DESCRIPTION,
    openapi_url=None,  # served below as a documented operation instead
    docs_url=None,  # the docs UI would load its assets from a CDN
    urls_namespace="api",
    parser=StrictJSONParser(),
)
api.add_router("", views.router)
api.add_router("", planning.router)
api.add_router("", plan_api.router)
api.add_router("", catalogue.router)

OPENAPI_MAX_AGE = 300


@api.get(
    "/openapi.json",
    url_name="openapi-json",
    operation_id="openapi",
    response={200: dict[str, Any]},
    summary="This OpenAPI document",
    tags=["meta"],
)
def openapi(request: HttpRequest) -> HttpResponse:
    response = json_response(openapi_document(vocabulary_of(current_knowledge())))
    patch_cache_control(response, max_age=OPENAPI_MAX_AGE)
    return response


@functools.lru_cache(maxsize=8)
def openapi_document(vocabulary: Vocabulary) -> dict[str, Any]:
    """The document for today's knowledge: the code's shapes, with the question, option,
    offering and profile keys the requests may use (built once per vocabulary)."""
    return describe_requests(copy.deepcopy(dict(api.get_openapi_schema())), vocabulary)


def body_too_large_message() -> str:
    return f"Request body too large (max {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return errors_response({"body": [body_too_large_message()]}, status=413)


@api.exception_handler(DatabaseError)
def _database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    logger.error("API %s: the database failed", request.path, exc_info=exc)
    message = "The service is unavailable for a moment; try again shortly."
    response = errors_response({"server": [message]}, status=503)
    response["Retry-After"] = "30"
    return response


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unforeseen: logged with its traceback, answered in our JSON shape."""
    logger.error("API %s: unexpected error", request.path, exc_info=exc)
    message = "Something went wrong on our side; it has been logged."
    return errors_response({"server": [message]}, status=500)


@api.exception_handler(UnreadablePostError)
def _body_unreadable(request: HttpRequest, exc: UnreadablePostError) -> HttpResponse:
    return errors_response({"body": ["The request body could not be read."]})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja raises ``HttpError(400)`` when the parser fails; say why in our shape."""
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError):
        message = f"Malformed JSON: {cause.msg} (line {cause.lineno}, column {cause.colno})."
    elif isinstance(cause, UnicodeError):
        message = "Malformed JSON: the body is not UTF-8 text."
    elif isinstance(cause, (ValueError, RecursionError)):
        message = f"Malformed JSON: {cause}."
    else:
        message = str(exc)
    return errors_response({"body": [message]}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Ninja's request validation (422 by default) in our 400 shape."""
    return errors_response(validation_errors(exc.errors))


def validation_errors(details: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Pydantic error details -> ``{field: [message]}``.

    A location is ``(source, param, *path)``; the field is the path inside the JSON body
    (dotted), or ``body`` for the body itself.
    """
    errors: dict[str, list[str]] = {}
    for detail in details:
        location = [str(part) for part in detail.get("loc", ())]
        field = ".".join(location[2:]) or "body"
        errors.setdefault(field, []).append(_message(detail, field))
    return errors


_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "dict_type": "Must be a JSON object.",
    "model_type": "Must be a JSON object.",
    "model_attributes_type": "Must be a JSON object.",
}


def _message(detail: Mapping[str, Any], field: str) -> str:
    kind = detail.get("type", "")
    if field == "body" and kind == "missing":
        return 'The body is empty: send a JSON object such as {"answers": {}}.'
    return _MESSAGES.get(kind) or f"{detail.get('msg', 'Invalid value')}."
