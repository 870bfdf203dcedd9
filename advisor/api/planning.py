"""``POST /api/v1/break-even`` and ``POST /api/v1/route``: costs and hybrid routing."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from advisor import costs, engine
from advisor.api.responses import errors_response, json_response
from advisor.api.schemas import AnswerValue, ErrorsOut
from advisor.engine.results import json_number
from advisor.knowledge.ruleset import current_knowledge
from advisor.wizard.routing import monthly_cost

router = Router(tags=["costs and routing"])

MAX_REQUESTS = 1_000_000_000
MAX_TOKENS = 2_000_000
MAX_WORKLOADS = 50


class BreakEvenIn(Schema):
    model_config = ConfigDict(extra="forbid", title="BreakEvenRequest")

    requests_per_day: Annotated[StrictInt, Field(ge=0, le=MAX_REQUESTS)]
    input_tokens: Annotated[StrictInt, Field(ge=0, le=MAX_TOKENS)] | None = Field(
        None, description="Average input tokens per request (default: the price book's)."
    )
    output_tokens: Annotated[StrictInt, Field(ge=0, le=MAX_TOKENS)] | None = Field(
        None, description="Average output tokens per request (default: the price book's)."
    )
    offering: str | None = Field(
        None, description="Offering key from the price book (default: the open-model default)."
    )
    infrastructure: str | None = Field(
        None, description="Self-hosting profile key (default: the price book's default)."
    )
    mission_critical: StrictBool = Field(False, description="Add a spare replica.")


class Workload(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=120)]
    answers: dict[str, AnswerValue] = Field(default_factory=dict, strict=True)


class RouteIn(Schema):
    model_config = ConfigDict(extra="forbid", title="RouteRequest")

    workloads: Annotated[list[Workload], Field(min_length=1, max_length=MAX_WORKLOADS)]


@router.post(
    "/break-even",
    url_name="break-even",
    operation_id="break_even",
    response={200: dict[str, Any], 400: ErrorsOut, 413: ErrorsOut},
    summary="Monthly cost of an API and of self-hosting, and the break-even volume",
    description=(
        "Money in US dollars per 30-day month. The API cost grows linearly with volume; "
        "self-hosting is GPU capacity that steps up as volume needs more replicas, plus fixed "
        "operations cost. `break_even_requests_per_day` is the smallest volume from which "
        "self-hosting is no dearer and stays so; null when it never is within 1e9 requests "
        "a day, 1 when it always is."
    ),
)
def break_even_view(request: HttpRequest, payload: BreakEvenIn) -> HttpResponse:
    book = current_knowledge().prices
    errors: dict[str, list[str]] = {}
    offering = book.offering(payload.offering or book.default_offerings.get("open"))
    if offering is None:
        known = ", ".join(o.key for o in book.offerings)
        errors["offering"] = [f"Unknown offering {payload.offering!r}. Known: {known}."]
    profile = book.profile(payload.infrastructure or book.default_profile)
    if profile is None:
        known = ", ".join(p.key for p in book.profiles)
        errors["infrastructure"] = [f"Unknown profile {payload.infrastructure!r}. Known: {known}."]
    if errors or offering is None or profile is None:
        return errors_response(errors)
    workload = costs.Workload(
        requests_per_day=payload.requests_per_day,
        input_tokens=book.input_tokens if payload.input_tokens is None else payload.input_tokens,
        output_tokens=book.output_tokens
        if payload.output_tokens is None
        else payload.output_tokens,
    )
    options = costs.CostOptions(mission_critical=payload.mission_critical)
    try:
        comparison = costs.compare_costs(workload, offering, profile, options)
    except costs.CapacityExceeded as error:
        return errors_response(
            {"requests_per_day": [f"{profile.label} serves at most {error.limit:,} a day."]}
        )
    data = comparison.to_api_dict()
    data["offering"] = offering.key
    data["infrastructure"] = profile.key
    response = json_response(data)
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/route",
    url_name="route",
    operation_id="route",
    response={200: dict[str, Any], 400: ErrorsOut, 413: ErrorsOut},
    summary="Route each workload of a hybrid plan to its approach",
    description=(
        "Each workload's answers are ranked by the same engine as `/recommend`. `hybrid` is "
        "true when the workloads go to more than one approach. Errors name the workload: "
        "`workloads.<index>.<question key>`."
    ),
)
def route_view(request: HttpRequest, payload: RouteIn) -> HttpResponse:
    knowledge = current_knowledge()
    errors: dict[str, list[str]] = {}
    for index, workload in enumerate(payload.workloads):
        for key, messages in engine.validate_answers(knowledge.ruleset, workload.answers).items():
            errors[f"workloads.{index}.{key}"] = messages
    if errors:
        return errors_response(errors)
    plan = []
    for workload in payload.workloads:
        recommendation = engine.recommend(knowledge.ruleset, workload.answers)
        top = recommendation.ranked(recommendation.top) if recommendation.top else None
        cost = monthly_cost(knowledge.prices, recommendation.top, recommendation.answers, None)
        plan.append(
            {
                "name": workload.name,
                "approach": recommendation.top,
                "label": top.label if top else None,
                "close_call": recommendation.close_call,
                "reasons": [
                    {"text": r.text, "points": json_number(r.points)}
                    for r in (top.reasons if top else ())
                ],
                "monthly_cost_usd": cost["usd"] if cost else None,
            }
        )
    approaches = {row["approach"] for row in plan if row["approach"]}
    response = json_response(
        {"plan": plan, "hybrid": len(approaches) > 1, "ruleset_version": knowledge.version}
    )
    response["Cache-Control"] = "no-store"
    return response
