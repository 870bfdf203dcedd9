"""Saved reports, their exports and share links.

Every organisation-scoped view starts with one of the access helpers from
``advisor.orgs.access``; reports are looked up within that organisation, by their random code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor import advice
from advisor.advice.pricing import ASSUMPTION_FIELDS, given_assumptions
from advisor.advice.summary import executive_summary
from advisor.http import AuthenticatedHttpRequest, NotFound
from advisor.knowledge.ruleset import Knowledge, current_knowledge
from advisor.orgs.access import get_membership, get_membership_for_edit, require_role
from advisor.orgs.models import Membership, Role
from advisor.plan.building import build_plan
from advisor.plan.exports import saved_plan_export
from advisor.reports import pdf, throttle
from advisor.reports.diff import compare_snapshots
from advisor.reports.forms import ReportDetailsForm, SaveReportForm, ShareLinkForm
from advisor.reports.models import (
    TITLE_MAX_LENGTH,
    Report,
    ShareLink,
    hash_token,
    notes_within_limits,
)
from advisor.wizard import store

PAGE_SIZE = 20


def build_snapshot(knowledge: Knowledge, kind: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What a report of ``kind`` keeps for ``inputs`` (assumed usable): the plan itself, or
    the advice's result snapshot."""
    if kind == advice.PLAN:
        return build_plan(knowledge, inputs["workloads"])
    return advice.build_snapshot(knowledge, kind, inputs)


@login_required
@require_http_methods(["GET", "POST"])
def save(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save the current wizard result as a report in one of the user's organisations."""
    session = store.load(request)
    if session is None or not (session.answers or session.workloads):
        messages.info(request, "Answer the questions first; then you can save the result.")
        return redirect("wizard:start")
    memberships = list(
        Membership.objects.select_related("org")
        .filter(user=request.user, role__in=[Role.OWNER, Role.EDITOR])
        .order_by("org__name")
    )
    if not memberships:
        return render(request, "reports/save_no_org.html")
    knowledge = current_knowledge()
    is_plan = (request.POST.get("source") or request.GET.get("source")) == "plan"
    if is_plan:
        kind = advice.PLAN
        inputs = advice.plan_inputs(advice.usable_workloads(knowledge, session.workloads))
        if not inputs["workloads"]:
            messages.info(request, "Add a workload to the plan first.")
            return redirect("plan:plan")
    else:
        kind = advice.RESULT
        source = request.POST if request.method == "POST" else request.GET
        inputs = advice.result_inputs(
            advice.usable_answers(knowledge, session.answers),
            advice.usable_weights(knowledge, session.weights),
            given_assumptions(knowledge.prices, source),
        )
    outcome = build_snapshot(knowledge, kind, inputs)
    if request.method == "POST":
        form = SaveReportForm(memberships, request.POST)
        if form.is_valid():
            report = Report.objects.create(
                org=form.memberships[form.cleaned_data["org"]].org,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                kind=kind,
                inputs=inputs,
                snapshot=outcome,
                ruleset_version=knowledge.version,
                created_by=request.user,
            )
            messages.success(request, "Report saved.")
            return redirect(report)
    else:
        if is_plan:
            title = f"AI routing plan: {len(outcome['workloads'])} workloads"
        else:
            top = outcome["top"]["label"] if outcome["top"] else "No approach fits"
            title = f"AI sourcing: {top}"
        form = SaveReportForm(memberships, initial={"title": title})
    kept = (inputs.get("assumptions") or {}) if not is_plan else {}
    context = {
        "form": form,
        "outcome": outcome,
        "is_plan": is_plan,
        "assumptions": {name: kept[name] for name in ASSUMPTION_FIELDS if kept.get(name)},
    }
    return render(request, "reports/save.html", context)


@login_required
@require_GET
def report_list(request: AuthenticatedHttpRequest, org_code: str) -> HttpResponse:
    membership = get_membership(request, org_code)
    reports = Report.objects.filter(org=membership.org).select_related("created_by")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL: no NUL
    if query:
        reports = reports.filter(Q(title__icontains=query) | Q(notes__icontains=query))
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"membership": membership, "org": membership.org, "page": page, "query": query}
    return render(request, "reports/list.html", context)


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, org_code: str, code: str) -> HttpResponse:
    membership = get_membership(request, org_code)
    report = _report(membership, code)
    links = report.share_links.select_related("created_by") if membership.can_edit else []
    return render(request, "reports/detail.html", _detail_context(membership, report, links))


def _detail_context(membership: Membership, report: Report, links: Any) -> dict[str, Any]:
    changes = (
        compare_snapshots(report.previous.snapshot, report.snapshot) if report.previous else None
    )
    return {
        "membership": membership,
        "org": membership.org,
        "report": report,
        "outcome": report.snapshot,
        "changes": changes,
        "links": links,
        "share_form": ShareLinkForm(),
        "current_version": current_knowledge().version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthenticatedHttpRequest, org_code: str, code: str) -> HttpResponse:
    membership = get_membership_for_edit(request, org_code)
    report = _report(membership, code)
    if request.method == "POST":
        form = ReportDetailsForm(request.POST)
        if form.is_valid():
            Report.objects.filter(pk=report.pk).update(
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                updated_at=timezone.now(),
            )
            messages.success(request, "Report details saved.")
            return redirect(report)
    else:
        form = ReportDetailsForm(initial={"title": report.title, "notes": report.notes})
    context = {"form": form, "report": report, "org": membership.org}
    return render(request, "reports/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_delete(request: AuthenticatedHttpRequest, org_code: str, code: str) -> HttpResponse:
    membership = get_membership_for_edit(request, org_code)
    report = _report(membership, code)
    if request.method == "POST":
        report.delete()
        messages.success(request, f"Report “{report.title}” deleted.")
        return redirect("reports:list", membership.org.code)
    return render(request, "reports/delete.html", {"report": report, "org": membership.org})


@login_required
@require_POST
def report_rerun(request: AuthenticatedHttpRequest, org_code: str, code: str) -> HttpResponse:
    """A new report from the same answers with today's rules, linked to the old one."""
    membership = get_membership_for_edit(request, org_code)
    report = _report(membership, code)
    knowledge = current_knowledge()
    inputs = advice.usable_inputs(knowledge, report.kind, report.inputs)
    snapshot = build_snapshot(knowledge, report.kind, inputs)
    if inputs == report.inputs and _undated(snapshot) == _undated(report.snapshot):
        messages.info(
            request,
            "Nothing has changed since this report: today's rules and prices (knowledge base "
            f"version {knowledge.version}) give the same result, so no new report was made.",
        )
        return redirect(report)
    rerun = Report.objects.create(
        org=membership.org,
        title=report.title,
        notes=report.notes,
        kind=report.kind,
        inputs=inputs,
        snapshot=snapshot,
        ruleset_version=knowledge.version,
        previous=report,
        created_by=request.user,
    )
    dropped = advice.dropped_answers(knowledge, report.kind, report.inputs)
    if dropped:
        messages.warning(
            request,
            "Some answers no longer fit today's questions and were left out: " + ", ".join(dropped),
        )
    messages.success(request, "Re-run with today's rules. The changes are listed below.")
    return redirect(rerun)


def _undated(value: Any) -> Any:
    """A snapshot without the days it was computed on, to tell whether a re-run changes it."""
    if isinstance(value, dict):
        return {k: _undated(v) for k, v in value.items() if k != "computed_on"}
    if isinstance(value, list):
        return [_undated(v) for v in value]
    return value


@login_required
@require_GET
def report_export(
    request: AuthenticatedHttpRequest, org_code: str, code: str, fmt: str
) -> HttpResponse:
    membership = get_membership(request, org_code)
    report = _report(membership, code)
    if fmt not in {"md", "json", "pdf"}:
        raise NotFound("We export reports as .md, .json or .pdf.")
    filename = slugify(report.title) or "report"
    if fmt == "pdf":
        return _pdf_response(request, report, shared=False)
    if fmt == "json":
        document = {
            "title": report.title,
            "notes": report.notes,
            "organisation": membership.org.name,
            "created_at": report.created_at.isoformat(),
            "ruleset_version": report.ruleset_version,
            "kind": report.kind,
            "inputs": report.inputs,
            **(
                {}
                if report.is_plan
                else {
                    "answers": report.inputs.get("answers"),
                    "weights": report.inputs.get("weights"),
                }
            ),
            "summary": executive_summary(report.snapshot),
            "result": report.snapshot,
        }
        response: HttpResponse = JsonResponse(document, json_dumps_params={"indent": 2})
    else:
        text = render_to_string("reports/report.md", {"report": report, "outcome": report.snapshot})
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
@require_GET
def report_routing(
    request: AuthenticatedHttpRequest, org_code: str, code: str, filename: str
) -> HttpResponse:
    """A saved plan's gateway download, from its snapshot alone (``advisor.plan.exports``)."""
    membership = get_membership(request, org_code)
    report = get_object_or_404(Report, org=membership.org, code=code)
    if not report.is_plan:
        raise Http404("Only a routing plan has gateway exports.")
    return saved_plan_export(report.snapshot, filename, report.title)


@login_required
@require_POST
def share_create(request: AuthenticatedHttpRequest, org_code: str, code: str) -> HttpResponse:
    membership = get_membership_for_edit(request, org_code)
    report = _report(membership, code)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        links = report.share_links.select_related("created_by")
        context = _detail_context(membership, report, links) | {"share_form": form}
        return render(request, "reports/detail.html", context)
    expires_on = form.cleaned_data["expires_on"]
    expires_at = (
        datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=UTC)
        if expires_on
        else None
    )
    link, token = ShareLink.issue(report=report, created_by=request.user, expires_at=expires_at)
    url = request.build_absolute_uri(reverse("reports:shared", args=[token]))
    # Shown once, in the answer to this POST: the token is never stored or put in a session.
    response = render(
        request,
        "reports/link_created.html",
        {"report": report, "org": membership.org, "link": link, "url": url},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def share_revoke(
    request: AuthenticatedHttpRequest, org_code: str, code: str, link_id: int
) -> HttpResponse:
    """Revoke a link; back to the report, or to the organisation's links (``back=links``)."""
    membership = get_membership_for_edit(request, org_code)
    report = _report(membership, code)
    link = get_object_or_404(ShareLink, pk=link_id, report=report)
    updated = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        messages.success(request, "Share link revoked: it stops working immediately.")
    if request.POST.get("back") == "links" and membership.is_owner:
        return redirect("reports:links", membership.org.code)
    return redirect(report)


@login_required
@require_GET
def org_links(request: AuthenticatedHttpRequest, org_code: str) -> HttpResponse:
    """Every live share link to the organisation's reports, for its owners to review."""
    membership = require_role(get_membership(request, org_code), Role.OWNER)
    links = (
        ShareLink.objects.filter(ShareLink.live(), report__org=membership.org)
        .select_related("report", "created_by")
        .order_by("report__title", "-created_at")
    )
    context = {"org": membership.org, "membership": membership, "links": list(links)}
    return render(request, "reports/org_links.html", context)


@require_GET
@never_cache
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """A report through a share link: read-only, no login, never indexed or cached.

    The token is looked up first: a link that exists is never refused by the miss limit,
    which only stops a client that keeps guessing.
    """
    link, refused = _shared_link(request, token)
    if refused is not None:
        return refused
    assert link is not None
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
    report = link.report
    context = {"report": report, "outcome": report.snapshot, "link": link, "token": token}
    return _private(render(request, "reports/shared.html", context))


@require_GET
@never_cache
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """A shared report as PDF: the same link, the same refusals as its page."""
    link, refused = _shared_link(request, token)
    if refused is not None:
        return refused
    assert link is not None
    return _private(_pdf_response(request, link.report, shared=True))


def pdf_html(request: HttpRequest, report: Report, *, shared: bool) -> str:
    """The HTML a report's PDF is drawn from: its own partials in ``pdf_base.html``.

    Nothing in it comes from the request: the PDF is cached for everyone who may download
    it. Title and notes are cut to the forms' limits (a report saved before them may hold
    more; its page still shows everything).
    """
    notes, shortened = notes_within_limits(report.notes)
    return render_to_string(
        "reports/pdf_base.html",
        {
            "report": report,
            "title": Truncator(report.title).chars(TITLE_MAX_LENGTH),
            "notes": notes,
            "notes_shortened": shortened,
            "outcome": report.snapshot,
            "shared": shared,
            "stylesheets": pdf.stylesheet_urls(),
            # A shared PDF travels further than its link and cannot be revoked: it never
            # prints the share token. A member's copy links to the report (login needed).
            "report_url": "" if shared else _site_url(request, report.get_absolute_url()),
        },
    )


def _site_url(request: HttpRequest, path: str) -> str:
    """``path`` on the site's public address (``DJANGO_SITE_URL``), never on the request's
    ``Host``, which a client chooses; in development, on the request's own. Empty when
    neither applies."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path) if settings.DEBUG else ""


def _pdf_response(request: HttpRequest, report: Report, *, shared: bool) -> HttpResponse:
    paper = pdf.paper_size(request.GET.get("paper"))
    if paper is None:
        raise NotFound("We print on A4 (the default) or Letter (?paper=letter).")
    html = pdf_html(request, report, shared=shared)
    try:
        document = pdf.cached_pdf(html, report=report.code, paper=paper)
    except pdf.PdfUnavailable as refused:
        return _pdf_unavailable(request, report, refused.reason, shared=shared)
    response = HttpResponse(document, content_type="application/pdf")
    filename = slugify(report.title) or "report"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _pdf_unavailable(
    request: HttpRequest, report: Report, reason: str, *, shared: bool
) -> HttpResponse:
    """503 with what to do instead: the report's page, and a member's other downloads."""
    back = request.path.rsplit("/", 1)[0] + "/"
    context = {
        "report": report,
        "reason": reason,
        "back": back,
        "shared": shared,
        "max_pages": pdf.MAX_PAGES,
        "retry_minutes": pdf.FAILURE_SECONDS // 60,
    }
    response = render(request, "reports/pdf_unavailable.html", context, status=503)
    response["Retry-After"] = str(pdf.FAILURE_SECONDS)
    return response


def _shared_link(request: HttpRequest, token: str) -> tuple[ShareLink | None, HttpResponse | None]:
    """The live link of ``token``, or the refusal to send: 429 for a client that keeps
    guessing, 404 for an unknown, revoked or expired link."""
    link = (
        ShareLink.objects.select_related("report", "report__org")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        if throttle.is_blocked(request):
            return None, _private(render(request, "reports/shared_throttled.html", status=429))
        throttle.record_miss(request)
    if link is None or not link.is_active:
        status = link.status if link else "unknown"
        gone = render(request, "reports/link_gone.html", {"status": status}, status=404)
        return None, _private(gone)
    return link, None


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store, max-age=0"
    return response


def _report(membership: Membership, code: str) -> Report:
    report = (
        Report.objects.select_related("previous", "created_by")
        .filter(org=membership.org, code=code)
        .first()
    )
    if report is None:
        raise NotFound(
            "This organisation has no such report: it may have been deleted, or the link is "
            "mistyped."
        )
    return report
