"""Request and response shapes of the JSON API, as the OpenAPI document shows them.

Requests are validated against the ``*In`` shapes (their outline: the answers themselves are
checked by the engine). Every 200 response is built through its ``*Out`` shape, so what the
OpenAPI document promises is what the API returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, WithJsonSchema

if TYPE_CHECKING:
    from advisor.knowledge.ruleset import Knowledge

#: One answer: an option key, a whole number, or ``null`` for "not answered". Left as ``Any``
#: here so that wrong types reach the engine's validation and its messages.
AnswerValue = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}],
            "description": "An option key (choice questions), a whole number (number "
            "questions) or null for 'not answered'.",
        }
    ),
]


def _whole(value: object) -> object:
    """A float with no fraction (``43.0``) as the integer it is: JSON Schema's ``integer``
    includes it. Anything else (``true``, ``"43"``, ``43.5``) is left for ``StrictInt`` to
    refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: A whole number, as the schema's ``integer`` says: ``43`` or ``43.0``, never ``true``.
WholeNumber = Annotated[StrictInt, BeforeValidator(_whole)]

REQUEST_EXAMPLES = {
    "regulated": {
        "summary": "Regulated data, production, no ML team",
        "value": {
            "answers": {
                "data_sensitivity": "regulated",
                "stage": "production",
                "team_capacity": "no_ml_team",
            }
        },
    },
    "high_volume": {
        "summary": "Non-sensitive data at 20,000 requests a day",
        "value": {"answers": {"data_sensitivity": "non_sensitive", "requests_per_day": 20000}},
    },
    "no_answers": {"summary": "No answers yet (no signal)", "value": {"answers": {}}},
}


Number = int | float


class Out(BaseModel):
    """A response shape. Plain pydantic rather than ``ninja.Schema``: responses are built
    from dicts, which ninja's attribute-resolving wrapper made several times slower to check
    (measured with bench/bench_api.py)."""


class AssumptionsIn(Schema):
    """The shape of one request: tokens in and out, or a task profile (which sets both and
    the model tier; tokens given beside it win). The price book's typical request when left
    out. ``model`` and ``profile`` ask for a named offering or self-hosting profile."""

    model_config = ConfigDict(extra="forbid")

    input_tokens: Annotated[WholeNumber, Field(ge=0, le=2_000_000)] | None = None
    output_tokens: Annotated[WholeNumber, Field(ge=0, le=2_000_000)] | None = None
    task_profile: str | None = Field(None, description="A task profile key (see /ruleset).")
    model: str | None = Field(None, description="An offering key to price the APIs with.")
    profile: str | None = Field(None, description="A self-hosting profile key.")


class RecommendIn(Schema):
    """The answers to score. Every question is optional; a missing answer gives no signal."""

    model_config = ConfigDict(
        extra="forbid",
        title="RecommendRequest",
        json_schema_extra={"examples": [example["value"] for example in REQUEST_EXAMPLES.values()]},  # type: ignore[misc]
    )

    answers: dict[str, AnswerValue] = Field(
        default_factory=dict,
        strict=True,
        description="Question key -> answer, keys as listed by GET /api/v1/ruleset.",
    )
    assumptions: AssumptionsIn | None = Field(
        None, description="Tokens in and out per request, for the costs."
    )


class ErrorsOut(Out):
    """Field -> messages. Fields: ``body`` (the request as a whole), ``answers`` (the answers
    object), an unexpected top-level field's name, or the question key of one answer."""

    errors: dict[str, list[str]] = Field(
        examples=[{"requests_per_day": ["Must be at most 1000000000."]}]
    )


class ReasonOut(Out):
    text: str
    points: Number = Field(description="Points this reason adds (0 for an exclusion).")
    basis: str = Field(description='"rule" (a rule of the knowledge base) or "cost".')
    questions: list[str] = Field(description="Keys of the questions this reason depends on.")


class RankedOut(Out):
    approach: str = Field(description="Approach key.")
    label: str
    score: Number = Field(
        description="Exactly the sum of the reasons' points. An excluded approach lists only "
        "why it is excluded, so its score is 0."
    )
    excluded: bool = Field(description="Ruled out by the answers; excluded approaches come last.")
    reasons: list[ReasonOut]


class CostLineOut(Out):
    item: str
    monthly_usd: float


class ApproachCostOut(Out):
    """One approach's monthly cost; for an excluded approach ``allowed`` is false and the
    figure is what it would cost, never a recommendation."""

    approach: str = Field(description="Approach key.")
    allowed: bool = Field(description="False when the answers exclude this approach.")
    monthly_usd: float = Field(description="US dollars per 30-day month at the answered volume.")
    option: str = Field(description="The offering key or self-hosting profile key priced.")
    option_label: str
    breakdown: list[CostLineOut]
    prices_as_of: str = Field(description="Date of the prices used (YYYY-MM-DD).")


class AssumptionsOut(Out):
    input_tokens: int = Field(description="Tokens in per request.")
    output_tokens: int = Field(description="Tokens out per request.")
    task_profile: str | None = Field(description="The task profile that set them, if any.")
    tier: str = Field(description='The model tier the work needs: "small", "standard", "frontier".')
    model: str | None = Field(description="The offering the caller asked to price with.")
    profile: str | None = Field(description="The self-hosting profile the caller asked for.")


class CostsOut(Out):
    assumptions: AssumptionsOut
    approaches: list[ApproachCostOut]
    cheapest_allowed: str | None = Field(description="Approach key of the cheapest allowed.")


class ChangeOut(Out):
    question: str = Field(description="The question key whose answer would change the pick.")
    answer: str | int | None = Field(description="The answer (option key or number).")
    new_top: str | None = Field(description="The approach that would then be recommended.")
    text: str = Field(description="The change in words, with the money where costs decide.")


class NextStepOut(Out):
    title: str
    kind: str
    description: str
    steps: list[str]
    commands: list[str]


class ObligationProviderOut(Out):
    provider: str
    service: str
    how: str = Field(description="What the service offers that meets the obligation.")
    source_url: str
    verified_on: str = Field(description="YYYY-MM-DD: when an editor last checked it.")


class ObligationOut(Out):
    key: str
    title: str
    law: str
    article: str
    url: str = Field(description="Link to the official text.")
    applies_from: str = Field(description="YYYY-MM-DD")
    status: str = Field(description='"in_force", "proposed" (not yet law) or "superseded".')
    summary: str
    because: list[str] = Field(description="The question keys whose answers trigger it.")
    effect: dict[str, str] = Field(
        description='Approach key -> "allowed", "conditional" or "blocked".'
    )
    condition: str = Field(description="The condition for the recommended approach.")
    conditions: dict[str, str] = Field(description="Approach key -> its condition.")
    providers: list[ObligationProviderOut] = Field(
        description="Services that offer what the obligation needs (BAA, EU processing...)."
    )
    checked: str = Field(description="YYYY-MM-DD: when an editor last checked it.")


class LicenseOut(Out):
    name: str
    url: str = Field(description="The licence or terms themselves.")
    terms: str = Field(description="The terms that bite, in one line.")


class ModelPriceOut(Out):
    where: str = Field(description="Who sells it at this price.")
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    as_of: str = Field(description="When the price was last checked (YYYY-MM-DD).")
    source: str
    source_url: str


class QualityOut(Out):
    source: str = Field(description="Who published the figure (never shown without it).")
    source_url: str
    metric: str
    value: float
    as_of: str = Field(description="When it was published (YYYY-MM-DD).")


class ShortlistedOut(Out):
    model: str = Field(description="Model key (see GET /api/v1/models).")
    name: str
    vendor: str
    approach: str = Field(description="The approach this model would be used through.")
    shortlist_for: str = Field(
        description="The ranked approach whose shortlist lists it (for a hybrid, its parts' "
        "models are listed under the hybrid)."
    )
    why: str
    monthly_usd: float | None = Field(
        description="US dollars per 30-day month at the answered volume and token shape "
        "(null without a volume)."
    )
    price: ModelPriceOut | None = Field(description="The per-token price used, if any.")
    license: LicenseOut
    quality: list[QualityOut]
    ollama_tag: str | None = Field(description="`ollama run` tag, when one exists.")
    ollama_note: str = Field(description="Says when the tag is a smaller or distilled variant.")
    context_window: int | None


class RecommendationOut(Out):
    ruleset_version: int = Field(description="The knowledge-base version that scored this.")
    top: str | None = Field(
        description="The recommended approach: null when every approach is excluded, or when "
        "the answers give no signal (none given, or none counted); see ``message``."
    )
    message: str = Field(description="Why there is no recommendation, when there is none.")
    close_call: bool = Field(description="The runner-up is within the close-call margin.")
    ranking: list[RankedOut] = Field(description="Every approach, best first.")
    caveats: list[str] = Field(description="Warnings that apply to these answers.")
    notes: list[str] = Field(description="The guide's framing where it applies (no points).")
    changes: list[ChangeOut] = Field(description="The few changes that would change the pick.")
    next_steps: list[NextStepOut] = Field(description="How to start with the recommendation.")
    obligations: list[ObligationOut] = Field(
        description="Laws and rules these answers trigger, with citations (not legal advice)."
    )
    costs: CostsOut | None = Field(
        description="A cost for every approach at the answered volume (null without a volume)."
    )
    shortlist: list[ShortlistedOut] = Field(
        description="Named models for the recommended approach, then for the runner-up."
    )


class OptionOut(Out):
    key: str
    label: str
    help_text: str


class ShowIfOut(Out):
    question: str = Field(description="Asked only when this question's answer...")
    options: list[str] = Field(description="...is one of these option keys.")


class QuestionOut(Out):
    key: str
    prompt: str
    help_text: str
    kind: str = Field(description='"choice" (answer with an option key) or "number".')
    min_value: int | None
    max_value: int | None
    unit: str
    show_if: ShowIfOut | None
    options: list[OptionOut] = Field(description="Empty for number questions.")


class ApproachOut(Out):
    key: str
    label: str
    summary: str


class DimensionOut(Out):
    key: str
    label: str
    closed_view: str
    open_view: str
    ratings: dict[str, int] = Field(description="Approach key -> rating from 1 to 5.")


class PresetOut(Out):
    slug: str
    label: str
    answers: dict[str, str | int] = Field(description="In the form POST /recommend takes.")
    expected: str | None = Field(description="The approach these answers should give.")


class RulesetOut(Out):
    version: int
    questions: list[QuestionOut]
    approaches: list[ApproachOut]
    dimensions: list[DimensionOut]
    presets: list[PresetOut]


class CatalogueModelOut(Out):
    key: str
    name: str
    vendor: str
    family: str
    tier: str = Field(description='"small", "standard" or "frontier".')
    open_weights: bool
    license: LicenseOut
    max_monthly_users: int | None = Field(
        description="Above this many monthly users the licence needs the vendor's permission."
    )
    context_window: int | None
    modalities: list[str]
    approaches: list[str] = Field(description="Approach keys this model can be used through.")
    ollama_tag: str | None
    ollama_note: str
    prices: list[ModelPriceOut] = Field(description="Current prices, one per seller.")
    quality: list[QualityOut]


# --- what the request shapes accept, from the live knowledge ------------------------------


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The keys a request may use today, from the knowledge (hashable: the OpenAPI document
    is cached by it). ``questions``: (key, kind, option keys, min, max); ``profiles``: (key,
    most requests a day or None)."""

    questions: tuple[tuple[str, str, tuple[str, ...], int | None, int | None], ...]
    offerings: tuple[str, ...]
    profiles: tuple[tuple[str, int | None], ...]
    task_profiles: tuple[str, ...]
    default_offering: str | None
    default_profile: str | None


def vocabulary_of(knowledge: Knowledge) -> Vocabulary:
    book = knowledge.prices
    return Vocabulary(
        questions=tuple(
            (q.key, q.kind, tuple(o.key for o in q.options), q.min_value, q.max_value)
            for q in knowledge.questions
        ),
        offerings=tuple(o.key for o in book.offerings),
        profiles=tuple((p.key, p.max_requests_per_day) for p in book.profiles),
        task_profiles=tuple(t.key for t in book.task_profiles),
        default_offering=book.default_offerings.get("open"),
        default_profile=book.default_profile,
    )


def _one_of(keys: Sequence[str], *, nullable: bool = True) -> dict[str, Any]:
    choices: list[dict[str, Any]] = [{"type": "string", "enum": list(keys)}]
    if nullable:
        choices.append({"type": "null"})
    return {"anyOf": choices}


def answers_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """One property per question of the knowledge: an option key or a whole number in its
    range, or null for "not answered"; no other key."""
    properties: dict[str, Any] = {}
    for key, kind, options, low, high in vocabulary.questions:
        if kind == "choice":
            properties[key] = _one_of(options)
        else:
            number: dict[str, Any] = {"type": "integer"}
            if low is not None:
                number["minimum"] = low
            if high is not None:
                number["maximum"] = high
            properties[key] = {"anyOf": [number, {"type": "null"}]}
    return {
        "type": "object",
        "title": "Answers",
        "description": "Question key -> answer, keys and options as listed by GET "
        "/api/v1/ruleset; every question is optional.",
        "properties": properties,
        "additionalProperties": False,
    }


def _bounds(schema: Any) -> Any:
    """pydantic writes a bound inside ``X | None`` as ``ge``/``le``, which JSON Schema does
    not know: say ``minimum``/``maximum``."""
    if isinstance(schema, dict):
        renamed = {
            {"ge": "minimum", "le": "maximum"}.get(k, k): _bounds(v) for k, v in schema.items()
        }
        return renamed
    if isinstance(schema, list):
        return [_bounds(item) for item in schema]
    return schema


def describe_requests(document: dict[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """``document`` with request shapes that say exactly what the API accepts today."""
    schemas = document["components"]["schemas"]
    for name in ("AssumptionsIn", "RecommendIn", "BreakEvenIn", "Workload", "RouteIn"):
        if name in schemas:
            schemas[name] = _bounds(schemas[name])
    schemas["Answers"] = answers_schema(vocabulary)
    answers = {"$ref": "#/components/schemas/Answers"}
    for name in ("RecommendIn", "Workload"):
        if name in schemas:
            schemas[name]["properties"]["answers"] = answers
    if "AssumptionsIn" in schemas:
        properties = schemas["AssumptionsIn"]["properties"]
        for field, keys in (
            ("task_profile", vocabulary.task_profiles),
            ("model", vocabulary.offerings),
            ("profile", tuple(key for key, _ in vocabulary.profiles)),
        ):
            properties[field] = {**properties[field], **_one_of(keys)}
    if "BreakEvenIn" in schemas:
        schemas["BreakEvenIn"] = _break_even(schemas["BreakEvenIn"], vocabulary)
    return document


def _break_even(schema: dict[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """Offering and profile keys of the price book (null: the default, when there is one);
    a profile that serves a capped number of requests a day takes no more."""
    properties = schema["properties"]
    properties["offering"] = {
        **properties["offering"],
        **_one_of(vocabulary.offerings, nullable=vocabulary.default_offering is not None),
    }
    keys = tuple(key for key, _ in vocabulary.profiles)
    properties["infrastructure"] = {
        **properties["infrastructure"],
        **_one_of(keys, nullable=vocabulary.default_profile is not None),
    }
    caps = []
    for key, cap in vocabulary.profiles:
        if cap is None:
            continue
        chosen: dict[str, Any] = {"properties": {"infrastructure": {"const": key}}}
        chosen["required"] = ["infrastructure"]
        if key == vocabulary.default_profile:  # left out or null: the default profile
            chosen = {
                "anyOf": [
                    chosen,
                    {"not": {"required": ["infrastructure"]}},
                    {"properties": {"infrastructure": {"type": "null"}}},
                ]
            }
        caps.append({"if": chosen, "then": {"properties": {"requests_per_day": {"maximum": cap}}}})
    if caps:
        schema["allOf"] = caps
    return schema
