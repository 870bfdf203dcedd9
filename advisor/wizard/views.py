"""The landing page, the wizard's steps and its result.

Each step is one template with partials: htmx requests get the step fragment (plus the
"leaning" side panel as an out-of-band swap) and a pushed URL; plain requests get the whole
page, and a successful plain POST redirects, so the wizard works with JavaScript off.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from advisor import advice
from advisor.advice import usable_answers, usable_weights
from advisor.http import HtmxHttpRequest
from advisor.knowledge.ruleset import Knowledge, current_knowledge
from advisor.wizard import store
from advisor.wizard.forms import (
    ANSWER,
    ASSUMPTION_FIELDS,
    AnswerForm,
    AssumptionsForm,
    PrioritiesForm,
)
from advisor.wizard.models import WizardSession
from advisor.wizard.steps import Step, find_step, first_unanswered, neighbours, steps_for


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    return render(
        request,
        "home.html",
        {"presets": knowledge.catalogue.presets, "approaches": knowledge.approaches},
    )


@require_http_methods(["GET", "POST"])
def start(request: HtmxHttpRequest) -> HttpResponse:
    """Start or resume; ``?preset=<slug>`` starts prefilled and jumps to the review.

    A preset replaces the visitor's answers, and a link to it may come from any site, so
    GET only shows what the preset fills in and asks; the POST (with its CSRF token) starts.
    Nothing is written before that, so following links costs no database row.
    """
    knowledge = current_knowledge()
    slug = request.GET.get("preset")
    if slug is None and request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    session = store.load(request)
    if slug is not None:
        preset = knowledge.catalogue.preset(slug)
        if preset is None:
            return render(
                request,
                "wizard/unknown_preset.html",
                {"presets": knowledge.catalogue.presets},
                status=404,
            )
        answers = usable_answers(knowledge, preset.answers)
        if request.method == "GET":
            steps = steps_for(knowledge, answers)
            context = {
                "preset": preset,
                "rows": [row for row in _review_rows(steps, answers) if row["answer"]],
                "has_answers": bool(session and (session.answers or session.weights)),
            }
            return render(request, "wizard/preset_confirm.html", context)
        session = store.save(request, session, answers=answers, weights={}, preset=slug)
        review = reverse("wizard:review")
        return store.remember(redirect(review), session)
    if session is None or not session.answers:
        steps = steps_for(knowledge, {})
        return redirect(steps[0].url)
    answers = usable_answers(knowledge, session.answers)
    steps = steps_for(knowledge, answers)
    context = {
        "resume": first_unanswered(steps, answers),
        "answered": sum(1 for s in steps if s.kind == "question" and s.key in answers),
        "questions": sum(1 for s in steps if s.kind == "question"),
    }
    return render(request, "wizard/resume.html", context)


@require_GET
def start_over(request: HtmxHttpRequest) -> HttpResponse:
    """Ask before wiping the answers: "Start over" links here; the button POSTs to restart."""
    knowledge = current_knowledge()
    session = store.load(request)
    answers = usable_answers(knowledge, session.answers) if session else {}
    back = _back(request)
    context = {
        "answered": len(answers),
        "weighted": bool(session and session.weights),
        "back_url": reverse(f"wizard:{back}") if back else reverse("wizard:start"),
    }
    return render(request, "wizard/start_over.html", context)


@require_POST
def restart(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    if session is not None:
        store.save(request, session, answers={}, weights={}, preset="")
    return redirect(steps_for(knowledge, {})[0].url)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def question(request: HtmxHttpRequest, key: str) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    answers = usable_answers(knowledge, session.answers) if session else {}
    steps = steps_for(knowledge, answers)
    step = find_step(steps, key)
    if step is None or step.question is None:
        # Removed by an editor, or hidden by an earlier answer: go where the user stands.
        return redirect(first_unanswered(steps, answers).url)

    back = _back(request)
    if request.method == "POST":
        form = AnswerForm(step.question, request.POST)
        if form.is_valid():
            shown_before = {s.key for s in steps}
            answers = {**answers, key: form.cleaned_data[ANSWER]}
            session = store.save(request, session, answers=answers)
            steps = steps_for(knowledge, answers)
            if back:
                return _return(request, knowledge, session, answers, steps, shown_before, back)
            _, following = neighbours(steps, find_step(steps, key) or steps[-1])
            return _advance(request, knowledge, session, answers, steps, following or steps[-1])
    else:
        initial = {ANSWER: answers[key]} if key in answers else {}
        form = AnswerForm(step.question, initial=initial)
    return _render_step(request, knowledge, answers, steps, step, form, back=back)


BACK_TO = ("review", "result")


def _back(request: HtmxHttpRequest) -> str:
    """Where a "Change" link came from (``?next=review`` or ``?next=result``), to go back
    there after this one answer instead of walking every later step again."""
    asked = request.GET.get("next") or request.POST.get("next") or ""
    return asked if asked in BACK_TO else ""


def _return(
    request: HtmxHttpRequest,
    knowledge: Knowledge,
    session: WizardSession,
    answers: dict[str, Any],
    steps: list[Step],
    shown_before: set[str],
    back: str,
) -> HttpResponse:
    """After a changed answer: a question it newly reveals, if unanswered, then ``back``."""
    revealed = next(
        (
            s
            for s in steps
            if s.kind == "question" and s.key not in shown_before and s.key not in answers
        ),
        None,
    )
    if revealed is not None:
        return _advance(request, knowledge, session, answers, steps, revealed, back=back)
    if back == "review":
        return _advance(request, knowledge, session, answers, steps, steps[-1])
    result_url = reverse("wizard:result")
    if request.htmx:
        return store.remember(HttpResponseClientRedirect(result_url), session)
    return store.remember(HttpResponseRedirect(result_url), session)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def priorities(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    answers = usable_answers(knowledge, session.answers) if session else {}
    steps = steps_for(knowledge, answers)
    step = find_step(steps, "priorities")
    assert step is not None
    if request.method == "POST":
        form = PrioritiesForm(knowledge.dimensions, request.POST)
        if form.is_valid():
            session = store.save(request, session, weights=dict(form.cleaned_data))
            return _advance(request, knowledge, session, answers, steps, steps[-1])
    else:
        weights = usable_weights(knowledge, session.weights) if session else {}
        form = PrioritiesForm(knowledge.dimensions, initial=weights)
    return _render_step(request, knowledge, answers, steps, step, form)


@require_GET
@vary_on_headers("HX-Request")
def review(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    answers = usable_answers(knowledge, session.answers) if session else {}
    steps = steps_for(knowledge, answers)
    return _render_step(request, knowledge, answers, steps, steps[-1], None)


@require_GET
def result(request: HtmxHttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    session = store.load(request)
    if session is None or not session.answers:
        return redirect("wizard:start")
    answers = usable_answers(knowledge, session.answers)
    weights = usable_weights(knowledge, session.weights)
    steps = steps_for(knowledge, answers)
    given = any(name in request.GET for name in ASSUMPTION_FIELDS)
    form = AssumptionsForm(knowledge.prices, request.GET if given else None)
    assumptions = form.assumptions if given and form.is_valid() else None
    key, outcome = advice.cached_result(knowledge, answers, weights, assumptions)
    unanswered = [s for s in steps if s.kind == "question" and s.key not in answers]
    visible_keys = {s.key for s in steps if s.question is not None}
    preset = knowledge.catalogue.preset(session.preset) if session.preset else None
    context = {
        "outcome": outcome,
        "outcome_key": key,
        "unanswered": unanswered,
        "change_base": reverse("wizard:question", args=["__key__"]).replace("__key__/", ""),
        "change_query": "?next=result",
        "visible_keys": visible_keys,
        "preset": preset,
        "save_url": reverse("reports:save"),
        "plan_from_result_url": reverse("plan:plan_from_result"),
        "assumptions_form": form,
        "assumptions_query": request.GET.urlencode() if given and form.is_valid() else "",
    }
    return render(request, "wizard/result.html", context)


def _advance(
    request: HtmxHttpRequest,
    knowledge: Knowledge,
    session: WizardSession,
    answers: dict[str, Any],
    steps: list[Step],
    following: Step,
    *,
    back: str = "",
) -> HttpResponse:
    """After a valid answer: the next step (htmx: its fragment and URL; else a redirect)."""
    url = f"{following.url}?next={back}" if back else following.url
    if not request.htmx:
        return store.remember(HttpResponseRedirect(url), session)
    form: Any = None
    if following.kind == "question" and following.question is not None:
        initial = {ANSWER: answers[following.key]} if following.key in answers else {}
        form = AnswerForm(following.question, initial=initial)
    elif following.kind == "priorities":
        form = PrioritiesForm(
            knowledge.dimensions, initial=usable_weights(knowledge, session.weights)
        )
    response = _render_step(request, knowledge, answers, steps, following, form, back=back)
    push_url(response, url)
    return store.remember(response, session)


def _render_step(
    request: HtmxHttpRequest,
    knowledge: Knowledge,
    answers: dict[str, Any],
    steps: list[Step],
    step: Step,
    form: Any,
    *,
    back: str = "",
) -> HttpResponse:
    """Render ``step``; ``answers`` are the usable answers the view already checked;
    ``back``: the page a "Change" link came from, where this answer returns."""
    previous, following = neighbours(steps, step)
    context = {
        "back": back,
        "back_url": reverse(f"wizard:{back}") if back else "",
        "step": step,
        "steps": steps,
        "form": form,
        "previous": previous,
        "following": following,
        "leaning": advice.leaning(knowledge, answers),
        "review": _review_rows(steps, answers) if step.kind == "review" else None,
        "answered_all": all(s.key in answers for s in steps if s.kind == "question"),
    }
    template = "wizard/step.html#htmx_response" if request.htmx else "wizard/step.html"
    return render(request, template, context)


def _review_rows(steps: list[Step], answers: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for step in steps:
        if step.question is None:
            continue
        value = answers.get(step.key)
        shown = None if value is None else advice.answer_label(step.question, value)
        rows.append({"step": step, "answer": shown})
    return rows
