"""JSON responses of the API, rendered directly (no second validation of engine output)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse

CONTENT_TYPE = "application/json"


def json_response(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPE)


def errors_response(errors: Mapping[str, list[str]], status: int = 400) -> HttpResponse:
    """The API's one error shape: ``{"errors": {"<field>": ["message", ...]}}``."""
    response = json_response({"errors": dict(errors)}, status=status)
    response["Cache-Control"] = "no-store"
    return response
