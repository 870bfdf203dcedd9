"""``POST /api/v1/break-even`` and ``POST /api/v1/route``: costs and hybrid routing."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from advisor import advice, costs, engine
from advisor.advice import gateways
from advisor.api.responses import errors_response
from advisor.api.schemas import AnswerValue, ErrorsOut, Number, Out
from advisor.knowledge.ruleset import current_knowledge

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


class MonthlyCostOut(Out):
    api: float = Field(description="Paying per token, US dollars a month.")
    self_hosted: float = Field(description="Running the profile, US dollars a month.")


class BreakEvenOut(Out):
    monthly_cost: MonthlyCostOut
    break_even_requests_per_day: int | None = Field(
        description="Smallest volume from which self-hosting is no dearer (null: never)."
    )
    assumptions: dict[str, Any] = Field(description="Every figure the comparison used.")
    offering: str = Field(description="The offering key compared.")
    infrastructure: str = Field(description="The self-hosting profile key compared.")


class RouteReasonOut(Out):
    text: str
    points: Number


class RoutedWorkloadOut(Out):
    name: str
    approach: str | None = Field(description="Approach key (null if every one is excluded).")
    label: str | None
    close_call: bool
    reasons: list[RouteReasonOut] = Field(description="The strongest reasons for the route.")
    monthly_cost_usd: float | None = Field(
        description="Null when the volume is unanswered. On a shared self-hosted platform: "
        "this workload's share of it."
    )
    option: str | None = Field(description="The offering or self-hosting profile priced.")
    caveats: list[str] = Field(
        default_factory=list, description="Warnings that apply to this workload's answers."
    )
    shared_platform: str | None = Field(
        None,
        description="The approach key of the shared self-hosted platform it runs on, if any.",
    )
    model_names: list[str] = Field(
        default_factory=list,
        description="The model names a gateway calls for it (`task/<workload-slug>`).",
    )


class RouteExportsOut(Out):
    litellm: str = Field(
        description="A LiteLLM proxy config.yaml: one model_name per workload, keys as "
        "os.environ/ references, fallbacks that keep each workload's data rules."
    )
    portkey: dict[str, Any] = Field(
        description="A Portkey gateway config, conditional on `metadata.task`, with the "
        "same targets and fallbacks."
    )


class RouteOut(Out):
    plan: list[RoutedWorkloadOut]
    hybrid: bool = Field(description="The workloads go to more than one approach.")
    total_monthly_usd: float = Field(
        description="The workloads' costs added up (a shared platform counted once)."
    )
    ruleset_version: int
    shared_saving_monthly_usd: float | None = Field(
        None,
        description="What sharing self-hosted platforms saves against separate deployments "
        "(null when no workload is self-hosted with a volume).",
    )
    exports: RouteExportsOut


@router.post(
    "/break-even",
    url_name="break-even",
    operation_id="break_even",
    response={200: BreakEvenOut, 400: ErrorsOut, 413: ErrorsOut},
    summary="Monthly cost of an API and of self-hosting, and the break-even volume",
    description=(
        "Money in US dollars per 30-day month. The API cost grows linearly with volume; "
        "self-hosting is GPU capacity that steps up as volume needs more replicas, plus fixed "
        "operations cost. `break_even_requests_per_day` is the smallest volume from which "
        "self-hosting is no dearer and stays so; null when it never is within 1e9 requests "
        "a day, 1 when it always is."
    ),
)
def break_even_view(request: HttpRequest, response: HttpResponse, payload: BreakEvenIn) -> Any:
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
    response["Cache-Control"] = "no-store"
    return comparison.to_api_dict() | {"offering": offering.key, "infrastructure": profile.key}


@router.post(
    "/route",
    url_name="route",
    operation_id="route",
    response={200: RouteOut, 400: ErrorsOut, 413: ErrorsOut},
    summary="Route each workload of a hybrid plan to its approach",
    description=(
        "Each workload's answers are ranked by the same engine as `/recommend`. `hybrid` is "
        "true when the workloads go to more than one approach. Workloads routed to the same "
        "self-hosted approach share one platform, each paying its share. `exports` holds "
        "the plan as a LiteLLM proxy config.yaml and a Portkey gateway config. Errors name "
        "the workload: `workloads.<index>.<question key>`."
    ),
)
def route_view(request: HttpRequest, response: HttpResponse, payload: RouteIn) -> Any:
    knowledge = current_knowledge()
    errors: dict[str, list[str]] = {}
    for index, workload in enumerate(payload.workloads):
        for key, messages in engine.validate_answers(knowledge.ruleset, workload.answers).items():
            errors[f"workloads.{index}.{key}"] = messages
    if errors:
        return errors_response(errors)
    plan = advice.build_plan(
        knowledge, [{"name": w.name, "answers": w.answers} for w in payload.workloads]
    )
    response["Cache-Control"] = "no-store"
    return {
        "plan": [
            {
                "name": row["name"],
                "approach": row["approach"],
                "label": row["approach_label"] if row["approach"] else None,
                "close_call": row["close_call"],
                "reasons": row["reasons"],
                "monthly_cost_usd": row["cost"]["monthly_usd"] if row["cost"] else None,
                "option": row["cost"]["option"] if row["cost"] else None,
                "caveats": row["caveats"],
                "shared_platform": (row["cost"] or {}).get("shared_platform"),
                "model_names": [target["model_name"] for target in row["targets"]],
            }
            for row in plan["workloads"]
        ],
        "hybrid": plan["hybrid"],
        "total_monthly_usd": plan["total_monthly_usd"],
        "ruleset_version": plan["ruleset_version"],
        "shared_saving_monthly_usd": plan["shared_saving_monthly_usd"],
        "exports": {
            "litellm": gateways.litellm_config(plan),
            "portkey": gateways.portkey_config(plan),
        },
    }
