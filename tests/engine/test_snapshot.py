from __future__ import annotations

import dataclasses
import pickle

import pytest

from advisor.engine import (
    Condition,
    Dimension,
    Option,
    Question,
    Rule,
    RulesetError,
    recommend,
)
from tests.engine.factories import (
    choice,
    cmp,
    dimension,
    exclude,
    is_,
    make_ruleset,
    number,
    points,
)


def problems_of(**kwargs) -> tuple[str, ...]:
    with pytest.raises(RulesetError) as caught:
        make_ruleset(**kwargs)
    return caught.value.problems


def test_lookups_by_key():
    ruleset = make_ruleset(dimensions=[dimension("cost", {"alpha": 1, "beta": 2, "gamma": 3})])
    assert ruleset.question("volume").kind == "number"
    assert ruleset.approach("beta").label == "Beta"
    assert ruleset.dimension("cost").ratings["gamma"] == 3
    with pytest.raises(KeyError):
        ruleset.question("nope")


def test_snapshot_types_are_frozen_and_hashable():
    ruleset = make_ruleset(
        rules=[points("alpha", 1, is_("colour", "red"))],
        dimensions=[dimension("cost", {"alpha": 1, "beta": 2, "gamma": 3})],
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        ruleset.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        ruleset.dimensions[0].ratings["alpha"] = 5  # type: ignore[index]
    assert hash(ruleset) == hash(
        make_ruleset(
            rules=[points("alpha", 1, is_("colour", "red"))],
            dimensions=[dimension("cost", {"alpha": 1, "beta": 2, "gamma": 3})],
        )
    )


def test_dimension_copies_its_ratings():
    ratings = {"alpha": 1}
    frozen = Dimension("cost", "Cost", ratings)
    ratings["alpha"] = 5
    assert frozen.ratings["alpha"] == 1
    assert frozen == Dimension("cost", "Cost", {"alpha": 1})
    assert frozen != Dimension("cost", "Cost", {"alpha": 2})


def test_loader_containers_are_normalised():
    question = Question("q", "Q?", "choice", options=[Option("a", "A")], show_if_options={"x"})  # type: ignore[arg-type]
    rule = Rule(1, "points", [Condition("q", "is", option="a")], "r", approach="x", points=3)  # type: ignore[arg-type]
    assert isinstance(question.options, tuple)
    assert isinstance(question.show_if_options, frozenset)
    assert isinstance(rule.conditions, tuple)
    assert type(rule.points) is float
    assert type(Condition("q", "gt", value=3).value) is float


def test_rule_questions_are_unique_in_condition_order():
    rule = points("alpha", 1, cmp("volume", "gt", 1), is_("colour", "red"), cmp("volume", "lt", 9))
    assert rule.questions == ("volume", "colour")


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (points("alpha", 1, is_("size", "big")), "rule 1: condition on unknown question 'size'"),
        (points("alpha", 1, is_("colour", "pink")), "rule 1: unknown option 'pink' for 'colour'"),
        (
            points("alpha", 1, is_("volume", "red")),
            "rule 1: 'is' needs a choice question, 'volume' is a number",
        ),
        (
            points("alpha", 1, cmp("colour", "gt", 3)),
            "rule 1: 'gt' needs a number question, 'colour' is a choice",
        ),
        (
            points("alpha", 1, Condition("volume", "lt")),
            "rule 1: 'lt' condition on 'volume' needs a finite value",
        ),
        (
            points("alpha", 1, Condition("volume", "near", value=1)),  # type: ignore[arg-type]
            "rule 1: unknown operator 'near'",
        ),
        (points("omega", 1), "rule 1 targets unknown approach 'omega'"),
        (Rule(0, "points", (), "r"), "rule 1 (points) needs an approach"),
        (Rule(0, "boost", (), "r", approach="alpha"), "rule 1 has unknown effect 'boost'"),  # type: ignore[arg-type]
        (
            Rule(0, "exclude", (), "r", approach="alpha", points=3),
            "rule 1 (exclude) must not carry points",
        ),
    ],
)
def test_inconsistent_rule_is_rejected(rule, problem):
    assert problems_of(rules=[rule]) == (problem,)


def test_duplicates_are_rejected():
    problems = problems_of(
        questions=[choice("colour", "red", "red"), choice("colour")],
        approaches=["alpha", "alpha"],
        rules=[dataclasses.replace(exclude("alpha"), id=4)] * 2,
    )
    assert set(problems) == {
        "duplicate question 'colour'",
        "duplicate approach 'alpha'",
        "duplicate rule id 4",
        "question 'colour' has duplicate option 'red'",
    }


def test_show_if_must_point_to_an_earlier_choice_question():
    assert problems_of(
        questions=[choice("child", show_if=("parent", ["yes"])), choice("parent")]
    ) == ("question 'child' depends on 'parent', which is not an earlier question",)
    assert problems_of(questions=[number("n"), choice("child", show_if=("n", ["yes"]))]) == (
        "question 'child' depends on 'n', which is not a choice question",
    )
    assert problems_of(questions=[choice("p"), choice("child", show_if=("p", ["maybe"]))]) == (
        "question 'child' shows on unknown option 'maybe' of 'p'",
    )
    assert problems_of(questions=[choice("p"), choice("child", show_if=("p", []))]) == (
        "question 'child' has show_if_question but no show_if_options",
    )


def test_question_shape_is_checked():
    assert problems_of(questions=[Question("c", "C?", "choice")]) == (
        "question 'c' is a choice question without options",
    )
    assert problems_of(questions=[number("n", min_value=5, max_value=1)]) == (
        "question 'n' has min_value above max_value",
    )
    assert problems_of(questions=[Question("x", "X?", "text")]) == (  # type: ignore[arg-type]
        "question 'x' has unknown kind 'text'",
    )


def test_dimensions_must_rate_every_known_approach_from_1_to_5():
    problems = problems_of(dimensions=[dimension("cost", {"alpha": 0, "beta": 6, "omega": 3})])
    assert set(problems) == {
        "dimension 'cost' has no rating for approach 'gamma'",
        "dimension 'cost' rates unknown approach 'omega'",
        "dimension 'cost' rating for 'alpha' must be an int 1..5, got 0",
        "dimension 'cost' rating for 'beta' must be an int 1..5, got 6",
    }


def test_margin_must_not_be_negative():
    assert problems_of(close_call_margin=-1) == ("close_call_margin must be >= 0, got -1",)


def test_ruleset_error_is_a_value_error():
    with pytest.raises(ValueError, match="Invalid ruleset: rule 1 targets unknown approach"):
        make_ruleset(rules=[points("omega", 1)])


def test_ruleset_survives_pickling_and_still_evaluates():
    ruleset = make_ruleset(
        rules=[points("beta", 3, is_("colour", "red")), exclude("gamma", cmp("volume", "gt", 9))],
        dimensions=[dimension("cost", {"alpha": 1, "beta": 2, "gamma": 3})],
    )
    copy = pickle.loads(pickle.dumps(ruleset))  # noqa: S301 (our own bytes)
    assert copy == ruleset
    assert copy.dimension("cost").ratings == {"alpha": 1, "beta": 2, "gamma": 3}
    answers = {"colour": "red", "volume": 10}
    assert recommend(copy, answers) == recommend(ruleset, answers)
