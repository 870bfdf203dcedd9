"""``POST /api/v1/break-even``: an API against self-hosting, priced by the advice's pricing
(``advice.pricing.compare_offering_and_profile``), so it follows every price book setting the
result page follows. ``POST /api/v1/route`` lives with the plan (``advisor.plan.api``)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field, StrictBool

from advisor import costs
from advisor.advice import pricing
from advisor.api.responses import errors_response
from advisor.api.schemas import ErrorsOut, Out, WholeNumber
from advisor.knowledge.ruleset import current_knowledge

router = Router(tags=["costs and routing"])

MAX_REQUESTS = 1_000_000_000
MAX_TOKENS = 2_000_000


class BreakEvenIn(Schema):
    model_config = ConfigDict(extra="forbid", title="BreakEvenRequest")

    requests_per_day: Annotated[WholeNumber, Field(ge=0, le=MAX_REQUESTS)]
    input_tokens: Annotated[WholeNumber, Field(ge=0, le=MAX_TOKENS)] | None = Field(
        None, description="Average input tokens per request (default: the price book's)."
    )
    output_tokens: Annotated[WholeNumber, Field(ge=0, le=MAX_TOKENS)] | None = Field(
        None, description="Average output tokens per request (default: the price book's)."
    )
    offering: str | None = Field(
        None, description="Offering key from the price book (default: the open-model default)."
    )
    infrastructure: str | None = Field(
        None, description="Self-hosting profile key (default: the price book's default)."
    )
    mission_critical: StrictBool = Field(False, description="Add a spare replica.")


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
    offering = book.offering(
        book.default_offerings.get("open") if payload.offering is None else payload.offering
    )
    if offering is None:
        known = ", ".join(o.key for o in book.offerings)
        errors["offering"] = [f"Unknown offering {payload.offering!r}. Known: {known}."]
    profile = book.profile(
        book.default_profile if payload.infrastructure is None else payload.infrastructure
    )
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
    try:
        comparison = pricing.compare_offering_and_profile(
            book, offering, profile, workload, mission_critical=payload.mission_critical
        )
    except costs.CapacityExceeded as error:
        return errors_response(
            {"requests_per_day": [f"{profile.label} serves at most {error.limit:,} a day."]}
        )
    response["Cache-Control"] = "no-store"
    return comparison.to_api_dict() | {"offering": offering.key, "infrastructure": profile.key}
