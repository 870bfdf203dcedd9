from __future__ import annotations

import pytest

from advisor.engine import (
    ComparisonRow,
    InvalidWeights,
    compare,
    resolved_weights,
    validate_weights,
)
from tests.engine.factories import dimension, make_ruleset


@pytest.fixture
def ruleset():
    return make_ruleset(
        dimensions=[
            dimension("cost", {"alpha": 5, "beta": 2, "gamma": 1}),
            dimension("control", {"alpha": 1, "beta": 4, "gamma": 5}),
            dimension("speed", {"alpha": 3, "beta": 3, "gamma": 2}),
        ]
    )


def test_rows_follow_dimension_order_with_weights_and_ratings(ruleset):
    comparison = compare(ruleset, {"cost": 5, "control": 1}, "alpha", "beta")
    assert comparison.rows == (
        ComparisonRow("cost", "Cost", 5, (("alpha", 5), ("beta", 2)), decisive=True),
        ComparisonRow("control", "Control", 1, (("alpha", 1), ("beta", 4)), decisive=False),
        ComparisonRow("speed", "Speed", 3, (("alpha", 3), ("beta", 3)), decisive=False),
    )


def test_totals_are_weighted_percentages_rounded_to_one_decimal(ruleset):
    comparison = compare(ruleset, {"cost": 5, "control": 1}, "alpha", "beta")
    # alpha: 5*5 + 1*1 + 3*3 = 35; beta: 5*2 + 1*4 + 3*3 = 23; max = 5 * (5 + 1 + 3) = 45.
    assert comparison.totals == (("alpha", 77.8), ("beta", 51.1))


def test_missing_weights_default_to_three(ruleset):
    comparison = compare(ruleset, {}, "gamma", "alpha")
    assert [row.weight for row in comparison.rows] == [3, 3, 3]
    # gamma: 3*(1+5+2) = 24, alpha: 3*(5+1+3) = 27; max = 45.
    assert comparison.totals == (("gamma", 53.3), ("alpha", 60.0))
    assert compare(ruleset, {"cost": None}, "gamma", "alpha") == comparison


def test_zero_weights_give_zero_totals_and_no_decisive_rows(ruleset):
    comparison = compare(ruleset, {"cost": 0, "control": 0, "speed": 0}, "alpha", "gamma")
    assert comparison.totals == (("alpha", 0.0), ("gamma", 0.0))
    assert not any(row.decisive for row in comparison.rows)


def test_zero_weight_row_is_never_decisive(ruleset):
    comparison = compare(ruleset, {"cost": 0}, "alpha", "beta")
    assert comparison.rows[0].ratings == (("alpha", 5), ("beta", 2))
    assert not comparison.rows[0].decisive


def test_decisive_needs_top_strictly_better(ruleset):
    rows = compare(ruleset, {}, "beta", "alpha").rows
    assert [row.decisive for row in rows] == [False, True, False]


def test_without_runner_up_only_the_top_is_rated(ruleset):
    comparison = compare(ruleset, {}, "beta", None)
    assert comparison.rows[0].ratings == (("beta", 2),)
    assert not any(row.decisive for row in comparison.rows)
    assert comparison.totals == (("beta", 60.0),)


def test_without_top_there_is_nothing_to_rate(ruleset):
    comparison = compare(ruleset, {}, None, None)
    assert [row.ratings for row in comparison.rows] == [(), (), ()]
    assert comparison.totals == ()


def test_ruleset_without_dimensions_compares_nothing():
    comparison = compare(make_ruleset(), {}, "alpha", "beta")
    assert comparison.rows == ()
    assert comparison.totals == (("alpha", 0.0), ("beta", 0.0))


@pytest.mark.parametrize(
    ("weights", "errors"),
    [
        ({"cost": 6}, {"cost": ["Must be between 0 and 5."]}),
        ({"cost": -1}, {"cost": ["Must be between 0 and 5."]}),
        ({"cost": "3"}, {"cost": ["Enter a whole number."]}),
        ({"cost": 2.0}, {"cost": ["Enter a whole number."]}),
        ({"cost": True}, {"cost": ["Enter a whole number."]}),
        ({"taste": 3}, {"taste": ["Unknown dimension."]}),
    ],
)
def test_bad_weights(ruleset, weights, errors):
    assert validate_weights(ruleset, weights) == errors
    with pytest.raises(InvalidWeights) as caught:
        compare(ruleset, weights, "alpha", "beta")
    assert caught.value.errors == errors
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("weights", [{}, {"cost": 0, "control": 5, "speed": None}])
def test_good_weights(ruleset, weights):
    assert validate_weights(ruleset, weights) == {}


def test_unknown_approach_is_rejected(ruleset):
    with pytest.raises(ValueError, match="Unknown approach 'omega'"):
        compare(ruleset, {}, "omega", "alpha")


def test_resolved_weights_fill_in_the_default_in_dimension_order(ruleset):
    resolved = resolved_weights(ruleset, {"speed": 0, "cost": None})
    assert list(resolved.items()) == [("cost", 3), ("control", 3), ("speed", 0)]
