"""A saved plan's gateway exports: rendered from the report's snapshot alone, so they stay
byte for byte what they were when the plan was saved, whatever the prices and rules do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from advisor.advice.gateways import EXPORTS, export_file, plan_targets
from advisor.http import AuthenticatedHttpRequest
from advisor.orgs.access import get_membership
from advisor.reports.models import Report

BY_FILENAME = {filename: kind for kind, (filename, _) in EXPORTS.items()}


@login_required
@require_GET
def report_routing(
    request: AuthenticatedHttpRequest, org_code: str, code: str, filename: str
) -> HttpResponse:
    membership = get_membership(request, org_code)
    report = get_object_or_404(Report, org=membership.org, code=code)
    kind = BY_FILENAME.get(filename)
    if kind is None or not report.is_plan:
        raise Http404("Only a routing plan has gateway exports.")
    if kind != "policy" and not plan_targets(report.snapshot):
        raise Http404("This plan was saved before plans kept their gateway targets: re-run it.")
    title = report.title if kind == "litellm" else None
    response = HttpResponse(
        export_file(report.snapshot, kind, title), content_type=EXPORTS[kind][1]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
