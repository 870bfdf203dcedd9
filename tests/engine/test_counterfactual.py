from __future__ import annotations

import pytest

from advisor.engine import Change, InvalidAnswers, recommend, what_would_change
from advisor.engine.counterfactual import number_candidates
from tests.engine.factories import choice, cmp, exclude, is_, make_ruleset, number, points


def test_finds_the_first_option_that_flips_the_top():
    ruleset = make_ruleset(
        questions=[choice("colour", "red", "green", "blue", "black")],
        rules=[
            points("alpha", 5),
            points("beta", 3, is_("colour", "green")),  # not enough to flip
            points("gamma", 10, is_("colour", "blue")),
            points("beta", 10, is_("colour", "black")),
        ],
    )
    assert what_would_change(ruleset, {"colour": "red"}) == (Change("colour", "blue", "gamma"),)


def test_unanswered_question_is_considered():
    ruleset = make_ruleset(rules=[points("beta", 1, is_("colour", "green"))])
    assert what_would_change(ruleset, {}) == (Change("colour", "green", "beta"),)


def test_question_that_cannot_change_the_result_is_left_out():
    ruleset = make_ruleset(
        questions=[choice("colour", "red", "green", "blue"), choice("size", "s", "m", "l")],
        rules=[points("alpha", 100), points("beta", 5, is_("colour", "green"))],
    )
    assert what_would_change(ruleset, {"colour": "red"}) == ()


def test_one_change_per_question_in_question_order():
    ruleset = make_ruleset(
        questions=[choice("size", "s", "m", "l"), choice("colour", "red", "green", "blue")],
        rules=[
            points("alpha", 1),
            points("beta", 5, is_("colour", "green")),
            points("gamma", 5, is_("colour", "blue")),
            points("gamma", 5, is_("size", "l")),
        ],
    )
    changes = what_would_change(ruleset, {"colour": "red", "size": "s"})
    assert changes == (Change("size", "l", "gamma"), Change("colour", "green", "beta"))


def test_number_finds_the_threshold_nearest_the_current_answer():
    ruleset = make_ruleset(
        rules=[
            points("alpha", 1),
            points("beta", 5, cmp("volume", "gt", 1000)),
            points("beta", 5, cmp("volume", "lt", 5)),
        ]
    )
    # 4 (distance 6) is nearer to 10 than 1001 (distance 991).
    assert what_would_change(ruleset, {"volume": 10}) == (Change("volume", 4, "beta"),)
    assert what_would_change(ruleset, {"volume": 900}) == (Change("volume", 1001, "beta"),)


@pytest.mark.parametrize(
    ("operator", "current", "expected"),
    [("gt", 50, 101), ("gte", 50, 100), ("lt", 150, 99), ("lte", 150, 100)],
)
def test_number_flips_exactly_at_the_threshold_edge(operator, current, expected):
    ruleset = make_ruleset(
        rules=[points("alpha", 1), points("beta", 5, cmp("volume", operator, 100))]
    )
    assert what_would_change(ruleset, {"volume": current}) == (Change("volume", expected, "beta"),)


def test_unanswered_number_tries_candidates_in_ascending_order():
    ruleset = make_ruleset(
        rules=[
            points("alpha", 1),
            points("beta", 5, cmp("volume", "gte", 100)),
            points("beta", 5, cmp("volume", "lte", 10)),
        ]
    )
    assert what_would_change(ruleset, {}) == (Change("volume", 9, "beta"),)


def test_number_without_any_flipping_value_is_left_out():
    ruleset = make_ruleset(
        rules=[points("alpha", 100), points("beta", 5, cmp("volume", "gt", 1000))]
    )
    assert what_would_change(ruleset, {"volume": 10}) == ()


def test_change_to_none_when_every_approach_would_be_excluded():
    ruleset = make_ruleset(approaches=["alpha"], rules=[exclude("alpha", is_("colour", "blue"))])
    assert what_would_change(ruleset, {"colour": "red"}) == (Change("colour", "blue", None),)


def test_changing_a_parent_respects_show_if():
    ruleset = make_ruleset(
        questions=[
            choice("hosting", "cloud", "onprem", "edge"),
            choice("gpu", show_if=("hosting", ["onprem"])),
        ],
        rules=[points("alpha", 1), points("beta", 5, is_("gpu", "yes"))],
    )
    # The gpu answer only counts once hosting is "onprem"; "edge" keeps it hidden.
    changes = what_would_change(ruleset, {"hosting": "cloud", "gpu": "yes"})
    assert changes == (Change("hosting", "onprem", "beta"),)


def test_changing_a_parent_can_hide_the_answer_that_decided():
    ruleset = make_ruleset(
        questions=[
            choice("hosting", "onprem", "cloud"),
            choice("gpu", show_if=("hosting", ["onprem"])),
        ],
        rules=[points("alpha", 1), points("beta", 5, is_("gpu", "yes"))],
    )
    answers = {"hosting": "onprem", "gpu": "yes"}
    assert recommend(ruleset, answers).top == "beta"
    assert what_would_change(ruleset, answers) == (
        Change("hosting", "cloud", "alpha"),
        Change("gpu", "no", "alpha"),
    )


def test_hidden_questions_are_not_suggested():
    ruleset = make_ruleset(
        questions=[
            choice("hosting", "cloud", "onprem"),
            choice("gpu", show_if=("hosting", ["onprem"])),
        ],
        rules=[points("alpha", 1), points("beta", 5, is_("gpu", "yes"), is_("hosting", "cloud"))],
    )
    assert what_would_change(ruleset, {"hosting": "cloud"}) == ()


def test_invalid_answers_raise():
    with pytest.raises(InvalidAnswers):
        what_would_change(make_ruleset(), {"volume": "lots"})


def test_candidates_surround_each_threshold_and_respect_the_range():
    question = number("volume", min_value=0, max_value=100)
    assert number_candidates(question, (10.0, 99.5, 250.0), None) == [9, 10, 11, 99, 100]
    assert number_candidates(question, (-3.0,), None) == [0]
    assert number_candidates(question, (10.0, 50.0), 48) == [49, 50, 51, 11, 10, 9]
    assert number_candidates(question, (10.0,), 10) == [9, 11]
