"""Request and response shapes of the JSON API, as the OpenAPI document shows them.

Only ``RecommendIn`` is validated at run time (and only its outline: the answers themselves
are checked by the engine). The views render their responses directly, so the ``*Out``
shapes are documentation and must follow ``recommendation_to_dict`` and ``views.ruleset``.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

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


class RecommendIn(Schema):
    """The answers to score. Every question is optional; a missing answer gives no signal."""

    model_config = ConfigDict(
        extra="forbid",
        title="RecommendRequest",
        json_schema_extra={"examples": [example["value"] for example in REQUEST_EXAMPLES.values()]},
    )

    answers: dict[str, AnswerValue] = Field(
        default_factory=dict,
        strict=True,
        description="Question key -> answer, keys as listed by GET /api/v1/ruleset.",
    )


class ErrorsOut(Schema):
    """Field -> messages. Fields: ``body`` (the request as a whole), ``answers`` (the answers
    object), an unexpected top-level field's name, or the question key of one answer."""

    errors: dict[str, list[str]] = Field(
        examples=[{"requests_per_day": ["Must be at most 1000000000."]}]
    )


class ReasonOut(Schema):
    text: str
    points: float = Field(description="Points this reason adds (0 for an exclusion).")


class RankedOut(Schema):
    approach: str = Field(description="Approach key.")
    label: str
    score: float = Field(description="Exactly the sum of the reasons' points.")
    excluded: bool = Field(description="Ruled out by the answers; excluded approaches come last.")
    reasons: list[ReasonOut]


class RecommendationOut(Schema):
    ruleset_version: int = Field(description="The knowledge-base version that scored this.")
    top: str | None = Field(description="The recommended approach (null if all are excluded).")
    close_call: bool = Field(description="The runner-up is within the close-call margin.")
    ranking: list[RankedOut] = Field(description="Every approach, best first.")
    caveats: list[str] = Field(description="Warnings that apply to these answers.")


class OptionOut(Schema):
    key: str
    label: str
    help_text: str


class ShowIfOut(Schema):
    question: str = Field(description="Asked only when this question's answer...")
    options: list[str] = Field(description="...is one of these option keys.")


class QuestionOut(Schema):
    key: str
    prompt: str
    help_text: str
    kind: str = Field(description='"choice" (answer with an option key) or "number".')
    min_value: int | None
    max_value: int | None
    unit: str
    show_if: ShowIfOut | None
    options: list[OptionOut] = Field(description="Empty for number questions.")


class ApproachOut(Schema):
    key: str
    label: str
    summary: str


class DimensionOut(Schema):
    key: str
    label: str
    closed_view: str
    open_view: str
    ratings: dict[str, int] = Field(description="Approach key -> rating from 1 to 5.")


class PresetOut(Schema):
    slug: str
    label: str
    answers: dict[str, str | int] = Field(description="In the form POST /recommend takes.")
    expected: str | None = Field(description="The approach these answers should give.")


class RulesetOut(Schema):
    version: int
    questions: list[QuestionOut]
    approaches: list[ApproachOut]
    dimensions: list[DimensionOut]
    presets: list[PresetOut]
