"""``POST /api/v1/route``: the routing plan of several workloads, with its gateway exports.

Part of the ``/api/v1/`` NinjaAPI (``advisor.api.api`` adds this router), so it shares the
API's error shape and OpenAPI document; the plan itself is built by ``building``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from advisor import engine
from advisor.api.responses import errors_response
from advisor.api.schemas import AnswerValue, ErrorsOut, Number, Out
from advisor.knowledge.ruleset import current_knowledge
from advisor.plan import gateways
from advisor.plan.building import build_plan

router = Router(tags=["costs and routing"])

MAX_WORKLOADS = 50


class Workload(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=120)]
    answers: dict[str, AnswerValue] = Field(default_factory=dict, strict=True)


class RouteIn(Schema):
    model_config = ConfigDict(extra="forbid", title="RouteRequest")

    workloads: Annotated[list[Workload], Field(min_length=1, max_length=MAX_WORKLOADS)]


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
    plan = build_plan(
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
