"""The hybrid routing plan: several workloads, each routed to the approach that suits it."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from advisor.advice import build_plan, routing_policy, usable_answers, usable_workloads
from advisor.advice.split import hybrid_workloads
from advisor.http import HtmxHttpRequest
from advisor.knowledge.ruleset import Knowledge, current_knowledge
from advisor.wizard import store
from advisor.wizard.models import WizardSession
from advisor.wizard.plan_forms import MAX_WORKLOADS, WorkloadForm


@require_GET
@vary_on_headers("HX-Request")
def plan(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    slug = request.GET.get("preset")
    if slug is not None:
        preset = knowledge.catalogue.plan(slug)
        if preset is None:
            return render(request, "wizard/plan.html", _context(knowledge, [], None), status=404)
        workloads = usable_workloads(knowledge, preset.workloads)
        session = store.save(request, session, workloads=workloads)
        return store.remember(redirect("wizard:plan"), session)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
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
    workloads.append({"name": form.cleaned_data["name"], "answers": form.answers()})
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
    workloads = hybrid_workloads(knowledge, answers)[:MAX_WORKLOADS]
    session = store.save(request, session, workloads=workloads)
    return store.remember(redirect("wizard:plan"), session)


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
    knowledge = current_knowledge()
    session = store.load(request)
    workloads = usable_workloads(knowledge, session.workloads) if session else []
    if not workloads:
        return redirect("wizard:plan")
    policy = routing_policy(build_plan(knowledge, workloads))
    response = HttpResponse(
        json.dumps(policy, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="routing-policy.json"'
    return response


def _after_change(
    request: HtmxHttpRequest,
    knowledge: Knowledge,
    session: WizardSession | None,
    workloads: list[dict[str, Any]],
) -> HttpResponse:
    if not request.htmx:
        response: HttpResponse = HttpResponseRedirect(reverse("wizard:plan"))
    else:
        response = render(
            request, "wizard/plan.html#plan_body", _context(knowledge, workloads, None)
        )
    return store.remember(response, session) if session else response


def _context(
    knowledge: Knowledge, workloads: list[dict[str, Any]], form: WorkloadForm | None
) -> dict[str, Any]:
    return {
        "form": form or WorkloadForm(knowledge.questions),
        "plan": build_plan(knowledge, workloads) if workloads else None,
        "plans": knowledge.catalogue.plans,
        "max_workloads": MAX_WORKLOADS,
    }
