"""The hybrid routing plan: several workloads, each routed to the approach that suits it.

Every change is a POST: htmx requests get the plan's body back (its costs change with any
workload, the shared platform's most of all), plain ones a redirect to the plan. Editing a
workload swaps its row for a form and back; without JavaScript the same form is a page.
Invalid input re-renders the form with its errors and status 200.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from advisor.advice import usable_answers, usable_workloads
from advisor.http import HtmxHttpRequest
from advisor.knowledge.ruleset import Knowledge, current_knowledge
from advisor.plan.building import build_plan, plan_from_hybrid
from advisor.plan.exports import export_response
from advisor.plan.forms import (
    MAX_WORKLOADS,
    PLAN_WIDE,
    PlanWideForm,
    WorkloadForm,
    workload_questions,
)
from advisor.wizard import store
from advisor.wizard.models import WizardSession

EDIT_AUTO_ID = "id_edit_%s"


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def plan(request: HtmxHttpRequest) -> HttpResponse:
    """The plan; ``?preset=<slug>`` shows what the example plan holds and asks, and only the
    POST (with its CSRF token) replaces the plan, as the wizard's presets do: a link from
    another site changes nothing."""
    knowledge = current_knowledge()
    slug = request.GET.get("preset")
    if slug is None and request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    if slug is not None:
        preset = knowledge.catalogue.plan(slug)
        if preset is None:
            return render(
                request, "wizard/plan.html", _context(knowledge, workloads, None), status=404
            )
        if request.method == "GET":
            context = {
                "preset": preset,
                "rows": [
                    {"name": w["name"], "note": w.get("note", "")}
                    for w in usable_workloads(knowledge, preset.workloads)
                ],
                "has_workloads": bool(workloads),
            }
            return render(request, "wizard/plan_preset_confirm.html", context)
        workloads = usable_workloads(knowledge, preset.workloads)
        session = store.save(request, session, workloads=workloads)
        return store.remember(redirect("plan:plan"), session)
    return render(request, "wizard/plan.html", _context(knowledge, workloads, None))


@require_POST
@vary_on_headers("HX-Request")
def plan_add(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    form = WorkloadForm(knowledge.questions, request.POST)
    if len(workloads) >= MAX_WORKLOADS:
        form.add_error(None, f"A plan holds at most {MAX_WORKLOADS} workloads.")
    if not form.is_valid():
        template = "wizard/plan.html#plan_body" if request.htmx else "wizard/plan.html"
        return render(request, template, _context(knowledge, workloads, form))
    answers = form.answers() | _plan_wide(workloads)
    workloads.append({"name": form.cleaned_data["name"], "answers": answers})
    session = store.save(request, session, workloads=workloads)
    return _after_change(request, knowledge, session, workloads)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def plan_edit(request: HtmxHttpRequest, index: int) -> HttpResponse:
    """Edit one workload: its name and the questions asked per workload."""
    knowledge = current_knowledge()
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    if not 0 <= index < len(workloads):
        return _after_change(request, knowledge, session, workloads)
    workload = workloads[index]
    if request.method == "POST":
        form = WorkloadForm(knowledge.questions, request.POST, auto_id=EDIT_AUTO_ID)
        if form.is_valid():
            kept = {k: v for k, v in workload["answers"].items() if k in PLAN_WIDE}
            workloads[index] = {
                **workload,
                "name": form.cleaned_data["name"],
                "answers": form.answers() | kept,
            }
            session = store.save(request, session, workloads=workloads)
            response = _after_change(request, knowledge, session, workloads)
            if request.htmx:  # the form stood in the row; the whole body changes
                response = reswap(retarget(response, "#plan-body"), "outerHTML")
            return response
    else:
        asked = {q.key for q in workload_questions(knowledge.questions)}
        initial = {"name": workload["name"]} | {
            key: value for key, value in workload["answers"].items() if key in asked
        }
        form = WorkloadForm(knowledge.questions, initial=initial, auto_id=EDIT_AUTO_ID)
    row = build_plan(knowledge, workloads)["workloads"][index]
    context = {"form": form, "index": index, "row": row}
    template = "wizard/plan_edit.html#edit_form" if request.htmx else "wizard/plan_edit.html"
    return render(request, template, context)


@require_POST
@vary_on_headers("HX-Request")
def plan_wide(request: HtmxHttpRequest) -> HttpResponse:
    """The questions about the organisation, answered once for every workload."""
    knowledge = current_knowledge()
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    form = PlanWideForm(knowledge.questions, request.POST)
    if not form.is_valid():
        template = "wizard/plan.html#plan_body" if request.htmx else "wizard/plan.html"
        return render(request, template, _context(knowledge, workloads, None, wide_form=form))
    given = form.answers()
    for workload in workloads:
        answers = {k: v for k, v in workload["answers"].items() if k not in given}
        workload["answers"] = answers | {k: v for k, v in given.items() if v is not None}
    if session is not None and workloads:
        session = store.save(request, session, workloads=workloads)
    return _after_change(request, knowledge, session, workloads)


@require_POST
def plan_from_result(request: HtmxHttpRequest) -> HttpResponse:
    """Start the plan from the result's hybrid: its two parts become the plan's workloads,
    each with its share of the volume (the plan's earlier workloads are replaced)."""
    knowledge = current_knowledge()
    session = store.load(request)
    answers = usable_answers(knowledge, session.answers) if session else {}
    if not answers:
        return redirect("wizard:start")
    workloads = plan_from_hybrid(knowledge, answers)[:MAX_WORKLOADS]
    session = store.save(request, session, workloads=workloads)
    return store.remember(redirect("plan:plan"), session)


@require_POST
@vary_on_headers("HX-Request")
def plan_remove(request: HtmxHttpRequest, index: int) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    if session is not None and 0 <= index < len(workloads):
        del workloads[index]
        session = store.save(request, session, workloads=workloads)
    return _after_change(request, knowledge, session, workloads)


@require_GET
def plan_policy(request: HtmxHttpRequest) -> HttpResponse:
    return _export(request, "policy")


@require_GET
def plan_litellm(request: HtmxHttpRequest) -> HttpResponse:
    return _export(request, "litellm")


@require_GET
def plan_portkey(request: HtmxHttpRequest) -> HttpResponse:
    return _export(request, "portkey")


def _export(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    if not workloads:
        return redirect("plan:plan")
    return export_response(build_plan(knowledge, workloads), kind)


def _plan_wide(workloads: list[dict[str, Any]]) -> dict[str, Any]:
    """The plan-wide answers a new workload takes from the plan (its first workload's)."""
    if not workloads:
        return {}
    return {k: v for k, v in workloads[0]["answers"].items() if k in PLAN_WIDE}


def _after_change(
    request: HtmxHttpRequest,
    knowledge: Knowledge,
    session: WizardSession | None,
    workloads: list[dict[str, Any]],
) -> HttpResponse:
    if not request.htmx:
        response: HttpResponse = HttpResponseRedirect(reverse("plan:plan"))
    else:
        response = render(
            request, "wizard/plan.html#plan_body", _context(knowledge, workloads, None)
        )
    return store.remember(response, session) if session else response


def _context(
    knowledge: Knowledge,
    workloads: list[dict[str, Any]],
    form: WorkloadForm | None,
    *,
    wide_form: PlanWideForm | None = None,
) -> dict[str, Any]:
    return {
        "form": form or WorkloadForm(knowledge.questions),
        "wide_form": wide_form or PlanWideForm(knowledge.questions, initial=_plan_wide(workloads)),
        "plan": build_plan(knowledge, workloads) if workloads else None,
        "plans": knowledge.catalogue.plans,
        "max_workloads": MAX_WORKLOADS,
    }
