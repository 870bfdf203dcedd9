"""The API endpoints. Thin: the knowledge snapshot answers, the engine decides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from ninja import Router

from advisor.api.responses import errors_response, json_response
from advisor.api.schemas import (
    REQUEST_EXAMPLES,
    ErrorsOut,
    RecommendationOut,
    RecommendIn,
    RulesetOut,
)
from advisor.engine import InvalidAnswers, recommend, recommendation_to_dict
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
def ruleset(request: HttpRequest) -> HttpResponse:
    knowledge = current_knowledge()
    response = json_response(ruleset_to_dict(knowledge))
    response["ETag"] = f'"ruleset-{knowledge.version}"'
    patch_cache_control(response, max_age=RULESET_MAX_AGE)
    return get_conditional_response(request, etag=response["ETag"], response=response)


@router.post(
    "/recommend",
    url_name="recommend",
    operation_id="recommend",
    response={200: RecommendationOut, 400: ErrorsOut, 413: ErrorsOut},
    summary="Rank the sourcing approaches for a set of answers",
    description=(
        "Scores every approach for the answers given (any subset of the questions; a "
        "missing or null answer gives no signal). Answers to questions that are not shown "
        "for these answers (`show_if`) are checked but ignored. Not cacheable."
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
def recommend_view(request: HttpRequest, payload: RecommendIn) -> HttpResponse:
    ruleset = current_knowledge().ruleset
    try:
        recommendation = recommend(ruleset, payload.answers)
    except InvalidAnswers as invalid:
        return errors_response(invalid.errors)
    # No ``what_would_change`` here: it costs about a third of this endpoint's throughput.
    response = json_response(recommendation_to_dict(recommendation))
    response["Cache-Control"] = "no-store"
    return response


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
