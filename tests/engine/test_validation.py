from __future__ import annotations

import math

import pytest

from advisor.engine import InvalidAnswers, clean_answers, validate_answers
from tests.engine.factories import choice, make_ruleset, number


@pytest.fixture
def ruleset():
    return make_ruleset(
        questions=[
            choice("sensitivity", "regulated", "sensitive", "non_sensitive"),
            number("requests", min_value=0, max_value=1_000_000_000),
            number("anything", min_value=None, max_value=None),
        ]
    )


def test_valid_answers_have_no_errors(ruleset):
    answers = {"sensitivity": "regulated", "requests": 0, "anything": -5}
    assert validate_answers(ruleset, answers) == {}


def test_none_means_unanswered(ruleset):
    assert validate_answers(ruleset, {"sensitivity": None, "requests": None}) == {}
    assert clean_answers(ruleset, {"sensitivity": None, "requests": 3}) == {"requests": 3}


def test_unknown_question(ruleset):
    assert validate_answers(ruleset, {"colour": "red"}) == {"colour": ["Unknown question."]}
    assert validate_answers(ruleset, {"colour": None}) == {"colour": ["Unknown question."]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("xyz", "'xyz' is not one of: regulated, sensitive, non_sensitive."),
        ("", "'' is not one of: regulated, sensitive, non_sensitive."),
        ("Regulated", "'Regulated' is not one of: regulated, sensitive, non_sensitive."),
        (3, "3 is not one of: regulated, sensitive, non_sensitive."),
        (["regulated"], "['regulated'] is not one of: regulated, sensitive, non_sensitive."),
    ],
)
def test_choice_not_an_option(ruleset, value, message):
    assert validate_answers(ruleset, {"sensitivity": value}) == {"sensitivity": [message]}


@pytest.mark.parametrize(
    "value", ["500", "", "five", True, False, 2.5, math.nan, math.inf, -math.inf, [1], {}]
)
def test_number_must_be_a_whole_number(ruleset, value):
    assert validate_answers(ruleset, {"requests": value}) == {"requests": ["Enter a whole number."]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "Must be at least 0."),
        (1_000_000_001, "Must be at most 1000000000."),
        (-1.0, "Must be at least 0."),
    ],
)
def test_number_out_of_range(ruleset, value, message):
    assert validate_answers(ruleset, {"requests": value}) == {"requests": [message]}


@pytest.mark.parametrize("value", [0, 1_000_000_000])
def test_range_bounds_are_inclusive(ruleset, value):
    assert validate_answers(ruleset, {"requests": value}) == {}


def test_integral_float_is_accepted_and_cleaned_to_int(ruleset):
    assert validate_answers(ruleset, {"requests": 500.0}) == {}
    cleaned = clean_answers(ruleset, {"requests": 500.0})
    assert cleaned == {"requests": 500}
    assert type(cleaned["requests"]) is int


def test_unbounded_number_accepts_any_int(ruleset):
    assert clean_answers(ruleset, {"anything": -(10**12)}) == {"anything": -(10**12)}


def test_errors_are_reported_per_field_together(ruleset):
    answers = {"sensitivity": "xyz", "requests": "12", "colour": 1, "anything": 4}
    assert validate_answers(ruleset, answers) == {
        "sensitivity": ["'xyz' is not one of: regulated, sensitive, non_sensitive."],
        "requests": ["Enter a whole number."],
        "colour": ["Unknown question."],
    }


def test_clean_answers_raises_with_the_errors(ruleset):
    with pytest.raises(InvalidAnswers) as caught:
        clean_answers(ruleset, {"requests": True})
    assert caught.value.errors == {"requests": ["Enter a whole number."]}
    assert isinstance(caught.value, ValueError)


def test_answers_to_hidden_questions_are_still_validated():
    ruleset = make_ruleset(
        questions=[
            choice("hosting", "cloud", "onprem"),
            number("gpus", show_if=("hosting", ["onprem"])),
        ]
    )
    assert validate_answers(ruleset, {"hosting": "cloud", "gpus": "many"}) == {
        "gpus": ["Enter a whole number."]
    }
