"""``GET /api/v1/ruleset`` and ``POST /api/v1/recommend``. Thin: the knowledge snapshot
answers, the advice decides, and the ``*Out`` schemas shape every response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import Router

from advisor import advice
from advisor.api.responses import errors_response
from advisor.api.schemas import (
    REQUEST_EXAMPLES,
    ErrorsOut,
    RecommendationOut,
    RecommendIn,
    RulesetOut,
)
from advisor.engine import InvalidAnswers
from advisor.knowledge.ruleset import Knowledge, current_knowledge

router = Router(tags=["advisor"])

RULESET_MAX_AGE = 60


@router.get(
    "/ruleset",
    url_name="ruleset",
    operation_id="ruleset",
    response={200: RulesetOut, 304: None},
    summary="The current questions, approaches, dimensions and presets",
    description=(
        "Everything a client needs to ask the questions and show the result. Cacheable for "
        f"{RULESET_MAX_AGE} seconds; the `ETag` is the ruleset version, so `If-None-Match` "
        "answers 304 until an editor changes the knowledge base."
    ),
)
def ruleset(request: HttpRequest, response: HttpResponse) -> Any:
    knowledge = current_knowledge()
    etag = f'"ruleset-{knowledge.version}"'
    if etag in request.headers.get("If-None-Match", ""):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        patch_cache_control(not_modified, max_age=RULESET_MAX_AGE)
        return not_modified
    response["ETag"] = etag
    patch_cache_control(response, max_age=RULESET_MAX_AGE)
    return ruleset_to_dict(knowledge)


@router.post(
    "/recommend",
    url_name="recommend",
    operation_id="recommend",
    response={200: RecommendationOut, 400: ErrorsOut, 413: ErrorsOut},
    summary="Rank the sourcing approaches for a set of answers",
    description=(
        "Scores every approach for the answers given (any subset of the questions; a "
        "missing or null answer gives no signal), and prices every approach at the answered "
        "volume. Answers to questions that are not shown for these answers (`show_if`) are "
        "checked but ignored. Not cacheable."
    ),
    openapi_extra={
        "requestBody": {"content": {"application/json": {"examples": REQUEST_EXAMPLES}}},
        "responses": {
            400: {
                "description": "Malformed JSON, or unknown, wrongly typed or out-of-range answers."
            },
            413: {"description": f"Body over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."},
        },
    },
)
def recommend_view(request: HttpRequest, response: HttpResponse, payload: RecommendIn) -> Any:
    knowledge = current_knowledge()
    assumptions = None
    if payload.assumptions is not None:
        try:
            assumptions = advice.assumptions_from(
                knowledge.prices, payload.assumptions.model_dump(exclude_none=True)
            )
        except advice.InvalidAssumptions as invalid:
            return errors_response({f"assumptions.{k}": v for k, v in invalid.errors.items()})
    try:
        _, result = advice.cached_result(
            knowledge, payload.answers, {}, assumptions, with_analysis=False
        )
    except InvalidAnswers as invalid:
        return errors_response(invalid.errors)
    response["Cache-Control"] = "no-store"
    return recommendation_to_dict(result)


def recommendation_to_dict(result: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /recommend`` shape of an advice result."""
    costs = result["costs"]
    return {
        "ruleset_version": result["ruleset_version"],
        "top": result["top"]["key"] if result["top"] else None,
        "message": result["message"]
        or ("" if result["top"] else "Every approach is excluded by these answers."),
        "close_call": result["close_call"],
        "ranking": [
            {
                "approach": ranked["approach"],
                "label": ranked["label"],
                "score": ranked["score"] if ranked["score"] is not None else 0,
                "excluded": ranked["excluded"],
                "reasons": [
                    {
                        "text": reason["text"],
                        "points": reason["points"],
                        "basis": reason["basis"],
                        "questions": reason["questions"],
                    }
                    for reason in ranked["reasons"]
                ],
            }
            for ranked in result["ranking"]
        ],
        "caveats": [caveat["text"] for caveat in result["caveats"]],
        "notes": [note["text"] for note in result["notes"]],
        "changes": [
            {
                "question": change["key"],
                "answer": change["value"],
                "new_top": change["new_top"],
                "text": change["text"],
            }
            for change in result["changes"]
        ],
        "next_steps": result["next_steps"],
        "obligations": [
            {
                "key": ob["key"],
                "title": ob["title"],
                "law": ob["law"],
                "article": ob["article"],
                "url": ob["url"],
                "applies_from": ob["applies_from"],
                "status": ob["status"],
                "summary": ob["summary"],
                "because": ob["because"],
                "effect": ob["effect"],
                "condition": ob["conditions"].get(result["top"]["key"], "")
                if result["top"]
                else "",
                "conditions": ob["conditions"],
                "providers": [
                    {k: p[k] for k in ("provider", "service", "how", "source_url", "verified_on")}
                    for p in ob["providers"]
                ],
                "checked": ob["checked"],
            }
            for ob in result.get("obligations", [])
        ],
        "shortlist": [
            {
                "model": model["model"],
                "name": model["name"],
                "vendor": model["vendor"],
                "approach": model["approach"],
                "shortlist_for": group["approach"],
                "why": model["why"],
                "monthly_usd": model["monthly_usd"],
                "price": model["price"],
                "license": model["license"],
                "quality": model["quality"],
                "ollama_tag": (model["ollama"] or {}).get("tag"),
                "ollama_note": (model["ollama"] or {}).get("note", ""),
                "context_window": model["context_window"],
            }
            for group in result.get("shortlist", [])
            for model in group["models"]
        ],
        "costs": (
            {
                "assumptions": {**costs["assumptions"], "tier": costs["assumptions"]["tier"]},
                "approaches": costs["approaches"],
                "cheapest_allowed": costs["cheapest_allowed"],
            }
            if costs
            else None
        ),
    }


def ruleset_to_dict(knowledge: Knowledge) -> dict[str, Any]:
    """The ``GET /ruleset`` shape of a knowledge snapshot."""
    return {
        "version": knowledge.version,
        "questions": [
            {
                "key": question.key,
                "prompt": question.prompt,
                "help_text": question.help_text,
                "kind": question.kind,
                "min_value": question.min_value,
                "max_value": question.max_value,
                "unit": question.unit,
                "show_if": (
                    {
                        "question": question.show_if_question,
                        "options": list(question.show_if_options),
                    }
                    if question.show_if_question and question.show_if_options
                    else None
                ),
                "options": [
                    {"key": option.key, "label": option.label, "help_text": option.help_text}
                    for option in question.options
                ],
            }
            for question in knowledge.questions
        ],
        "approaches": [
            {"key": approach.key, "label": approach.label, "summary": approach.summary}
            for approach in knowledge.approaches
        ],
        "dimensions": [
            {
                "key": dimension.key,
                "label": dimension.label,
                "closed_view": dimension.closed_view,
                "open_view": dimension.open_view,
                "ratings": dict(dimension.ratings),
            }
            for dimension in knowledge.dimensions
        ],
        "presets": [
            {
                "slug": preset.slug,
                "label": preset.label,
                "answers": preset.answers,
                "expected": preset.expected,
            }
            for preset in knowledge.catalogue.presets
        ],
    }
