"""Head-to-head comparison of two approaches, weighted by what matters to the user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisor.engine.integrity import MAX_RATING, is_real_int

if TYPE_CHECKING:
    from advisor.engine.snapshot import Ruleset

DEFAULT_WEIGHT = 3
MIN_WEIGHT = 0
MAX_WEIGHT = 5


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One dimension; ``decisive`` when it matters (weight > 0) and favours the top pick."""

    dimension: str
    label: str
    weight: int
    ratings: tuple[tuple[str, int], ...]
    decisive: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]
    #: Per compared approach: weighted rating as a percentage of the maximum, 1 decimal.
    totals: tuple[tuple[str, float], ...]


class InvalidWeights(ValueError):
    """Raised by ``compare``; ``errors`` maps dimension key -> messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors: dict[str, list[str]] = {key: list(value) for key, value in errors.items()}
        summary = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in self.errors.items())
        super().__init__(f"Invalid weights: {summary}")


def validate_weights(ruleset: Ruleset, weights: Mapping[str, object]) -> dict[str, list[str]]:
    """Per-dimension error messages (empty dict = valid). ``None`` means "use the default"."""
    errors: dict[str, list[str]] = {}
    for key, weight in weights.items():
        if key not in ruleset.index.dimensions:
            errors[key] = ["Unknown dimension."]
        elif weight is None:
            continue
        elif not is_real_int(weight):
            errors[key] = ["Enter a whole number."]
        elif not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            errors[key] = [f"Must be between {MIN_WEIGHT} and {MAX_WEIGHT}."]
    return errors


def resolved_weights(ruleset: Ruleset, weights: Mapping[str, object]) -> dict[str, int]:
    """The weight of every dimension, in dimension order; assumes validated ``weights``."""
    resolved: dict[str, int] = {}
    for dimension in ruleset.dimensions:
        weight = weights.get(dimension.key)
        resolved[dimension.key] = weight if is_real_int(weight) else DEFAULT_WEIGHT
    return resolved


def compare(
    ruleset: Ruleset,
    weights: Mapping[str, object],
    top: str | None,
    runner_up: str | None,
) -> Comparison:
    """Compare ``top`` and ``runner_up`` (either may be None) on every dimension.

    Missing weights default to ``DEFAULT_WEIGHT``. Raises ``InvalidWeights`` (a ValueError) for
    bad weights and ``ValueError`` for an unknown approach.
    """
    errors = validate_weights(ruleset, weights)
    if errors:
        raise InvalidWeights(errors)
    compared = [key for key in (top, runner_up) if key is not None]
    for key in compared:
        if key not in ruleset.index.approach_positions:
            raise ValueError(f"Unknown approach {key!r}.")

    rows: list[ComparisonRow] = []
    weighted = dict.fromkeys(compared, 0)
    total_weight = 0
    resolved = resolved_weights(ruleset, weights)
    for dimension in ruleset.dimensions:
        weight = resolved[dimension.key]
        ratings = tuple((key, dimension.ratings[key]) for key in compared)
        total_weight += weight
        for key, rating in ratings:
            weighted[key] += weight * rating
        decisive = (
            weight > 0
            and top is not None
            and runner_up is not None
            and dimension.ratings[top] > dimension.ratings[runner_up]
        )
        rows.append(ComparisonRow(dimension.key, dimension.label, weight, ratings, decisive))

    def percent(points: int) -> float:
        if total_weight == 0:
            return 0.0
        return round(points / (MAX_RATING * total_weight) * 100, 1)

    return Comparison(
        rows=tuple(rows),
        totals=tuple((key, percent(points)) for key, points in weighted.items()),
    )
