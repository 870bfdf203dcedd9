"""A plan's gateway downloads as HTTP responses: the live plan's (``views``) and a saved
plan's (the reports' ``routing`` view, which looks the report up). A saved plan's exports
are rendered from its snapshot alone, so they stay byte for byte what they were when the
plan was saved, whatever the prices and rules do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpResponse

from advisor.plan.gateways import EXPORTS, export_file, plan_targets

BY_FILENAME = {filename: kind for kind, (filename, _) in EXPORTS.items()}


def export_response(plan: Mapping[str, Any], kind: str, title: str | None = None) -> HttpResponse:
    """One download (``EXPORTS``) of ``plan`` as an attachment."""
    filename, content_type = EXPORTS[kind]
    response = HttpResponse(export_file(plan, kind, title), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def saved_plan_export(snapshot: Mapping[str, Any], filename: str, title: str) -> HttpResponse:
    """The download ``filename`` of a saved plan's ``snapshot``; 404 for any other file,
    and for a plan saved before plans kept their gateway targets."""
    kind = BY_FILENAME.get(filename)
    if kind is None:
        raise Http404("Only a routing plan has gateway exports.")
    if kind != "policy" and not plan_targets(snapshot):
        raise Http404("This plan was saved before plans kept their gateway targets: re-run it.")
    return export_response(snapshot, kind, title if kind == "litellm" else None)
