"""Result types of ``recommend`` (the API shapes them in ``advisor.api``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an approach gained points, was excluded, or why a caveat applies.

    ``questions`` are the keys the rule tested, so the UI can tie a reason to its answers.
    """

    text: str
    points: float
    rule_id: int
    questions: tuple[str, ...]
    effect: str
    #: "rule" (a rule of the knowledge base) or "cost" (a cost rule on the priced figures).
    basis: str = "rule"
    #: The approach a rule targets (for a note: the approach it is about, if any).
    approach: str | None = None


@dataclass(frozen=True, slots=True)
class RankedApproach:
    """One approach in the ranking; ``score`` is exactly ``sum(r.points for r in reasons)``."""

    approach: str
    label: str
    score: float
    excluded: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The ranked outcome for one set of (effective, i.e. visible and cleaned) answers."""

    ruleset_version: int
    answers: Mapping[str, str | int] = field(hash=False)
    top: str | None
    close_call: bool
    ranking: tuple[RankedApproach, ...]
    caveats: tuple[Reason, ...]
    #: "Worth knowing": the guide's framing where it applies (no points, no tension).
    notes: tuple[Reason, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.answers, MappingProxyType):
            object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))

    @property
    def runner_up(self) -> str | None:
        """The second non-excluded approach, if any."""
        eligible = [ranked.approach for ranked in self.ranking if not ranked.excluded]
        return eligible[1] if len(eligible) > 1 else None

    def ranked(self, approach: str) -> RankedApproach:
        """The ranking entry of ``approach`` (``KeyError`` if unknown)."""
        for ranked in self.ranking:
            if ranked.approach == approach:
                return ranked
        raise KeyError(approach)

    def __reduce__(self) -> tuple[type[Recommendation], tuple[object, ...]]:
        # A mapping proxy cannot be pickled; rebuild from a plain dict instead.
        return (
            Recommendation,
            (
                self.ruleset_version,
                dict(self.answers),
                self.top,
                self.close_call,
                self.ranking,
                self.caveats,
                self.notes,
            ),
        )


def json_number(value: float) -> int | float:
    """Render integral floats as ints (``12.0`` -> ``12``) for the public API."""
    return int(value) if float(value).is_integer() else value
