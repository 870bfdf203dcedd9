from __future__ import annotations

import pickle

import pytest

from advisor.engine import InvalidAnswers, recommend, visible_questions
from tests.engine.factories import (
    caveat,
    choice,
    cmp,
    exclude,
    is_,
    is_not,
    make_ruleset,
    number,
    order,
    points,
    require,
    score,
)

# --- operators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "answers", "fires"),
    [
        (is_("colour", "red"), {"colour": "red"}, True),
        (is_("colour", "red"), {"colour": "green"}, False),
        (is_("colour", "red"), {}, False),
        (is_not("colour", "red"), {"colour": "green"}, True),
        (is_not("colour", "red"), {"colour": "red"}, False),
        (is_not("colour", "red"), {}, False),
        (is_not("colour", "red"), {"colour": None}, False),
        (cmp("volume", "gt", 100), {"volume": 101}, True),
        (cmp("volume", "gt", 100), {"volume": 100}, False),
        (cmp("volume", "gt", 100), {}, False),
        (cmp("volume", "gte", 100), {"volume": 100}, True),
        (cmp("volume", "gte", 100), {"volume": 99}, False),
        (cmp("volume", "gte", 100), {}, False),
        (cmp("volume", "lt", 100), {"volume": 99}, True),
        (cmp("volume", "lt", 100), {"volume": 100}, False),
        (cmp("volume", "lt", 100), {}, False),
        (cmp("volume", "lt", 100), {"volume": None}, False),
        (cmp("volume", "lte", 100), {"volume": 100}, True),
        (cmp("volume", "lte", 100), {"volume": 101}, False),
        (cmp("volume", "lte", 100), {}, False),
        (cmp("volume", "gt", 99.5), {"volume": 100}, True),
        (cmp("volume", "gt", 99.5), {"volume": 99}, False),
        (cmp("volume", "lte", 99.5), {"volume": 99}, True),
        (cmp("volume", "lte", 99.5), {"volume": 100}, False),
    ],
)
def test_operator(condition, answers, fires):
    ruleset = make_ruleset(rules=[points("beta", 10, condition)])
    recommendation = recommend(ruleset, answers)
    assert score(recommendation, "beta") == (10 if fires else 0)
    assert (recommendation.top == "beta") is fires


def test_rule_matches_only_when_all_conditions_hold():
    rule = points("beta", 7, is_("colour", "red"), cmp("volume", "gte", 10))
    ruleset = make_ruleset(rules=[rule])
    assert score(recommend(ruleset, {"colour": "red", "volume": 10}), "beta") == 7
    assert score(recommend(ruleset, {"colour": "red", "volume": 9}), "beta") == 0
    assert score(recommend(ruleset, {"colour": "blue", "volume": 10}), "beta") == 0
    assert score(recommend(ruleset, {"colour": "red"}), "beta") == 0


def test_two_conditions_on_the_same_question_form_a_range():
    rule = points("beta", 1, cmp("volume", "gt", 10), cmp("volume", "lt", 20))
    ruleset = make_ruleset(rules=[rule])
    fired = [v for v in range(0, 30) if score(recommend(ruleset, {"volume": v}), "beta") == 1]
    assert fired == list(range(11, 20))


def test_rule_without_conditions_always_applies():
    ruleset = make_ruleset(rules=[points("gamma", 2)])
    assert score(recommend(ruleset, {}), "gamma") == 2


def test_points_accumulate_and_may_be_negative():
    ruleset = make_ruleset(
        rules=[
            points("alpha", 10, is_("colour", "red")),
            points("alpha", -4, cmp("volume", "gt", 5)),
            points("beta", 1.5, is_("colour", "red")),
        ]
    )
    recommendation = recommend(ruleset, {"colour": "red", "volume": 6})
    assert score(recommendation, "alpha") == 6
    assert score(recommendation, "beta") == 1.5
    assert [r.points for r in recommendation.ranked("alpha").reasons] == [10, -4]


def test_score_is_the_plain_sum_of_reason_points_even_when_floats_cancel():
    # Naive left-to-right addition gives 0.0 here; sum() (as the invariant states) gives 1.0.
    ruleset = make_ruleset(rules=[points("beta", 1e16), points("beta", 1.0), points("beta", -1e16)])
    beta = recommend(ruleset, {}).ranked("beta")
    assert beta.score == sum(reason.points for reason in beta.reasons) == 1.0


# --- hidden questions ------------------------------------------------------------------------


def gated_ruleset():
    return make_ruleset(
        questions=[
            choice("hosting", "cloud", "onprem"),
            choice("gpu", show_if=("hosting", ["onprem"])),
            number("gpus", show_if=("gpu", ["yes"])),
        ],
        rules=[
            points("beta", 10, is_("gpu", "yes")),
            points("gamma", 10, cmp("gpus", "gte", 1)),
        ],
    )


def test_answer_to_hidden_question_is_ignored():
    recommendation = recommend(gated_ruleset(), {"hosting": "cloud", "gpu": "yes", "gpus": 4})
    assert score(recommendation, "beta") == 0
    assert score(recommendation, "gamma") == 0
    assert dict(recommendation.answers) == {"hosting": "cloud"}


def test_answer_to_shown_question_counts():
    recommendation = recommend(gated_ruleset(), {"hosting": "onprem", "gpu": "yes", "gpus": 4})
    assert score(recommendation, "beta") == 10
    assert score(recommendation, "gamma") == 10
    assert dict(recommendation.answers) == {"hosting": "onprem", "gpu": "yes", "gpus": 4}


def test_question_behind_a_hidden_question_is_hidden_too():
    # gpus depends on gpu, which is hidden when hosting is unanswered.
    recommendation = recommend(gated_ruleset(), {"gpu": "yes", "gpus": 4})
    assert score(recommendation, "gamma") == 0
    assert dict(recommendation.answers) == {}


def test_visible_questions_follow_the_answers_and_tolerate_raw_junk():
    ruleset = gated_ruleset()

    def keys(answers):
        return [question.key for question in visible_questions(ruleset, answers)]

    assert keys({}) == ["hosting"]
    assert keys({"hosting": "onprem"}) == ["hosting", "gpu"]
    assert keys({"hosting": "onprem", "gpu": "yes"}) == ["hosting", "gpu", "gpus"]
    assert keys({"hosting": ["onprem"], "gpu": {}}) == ["hosting"]


# --- exclude / require / caveat --------------------------------------------------------------


def test_exclude_moves_approach_to_the_end_and_keeps_its_score():
    ruleset = make_ruleset(
        rules=[
            points("alpha", 50),
            exclude("alpha", is_("colour", "red"), rationale="Red rules out alpha."),
        ]
    )
    recommendation = recommend(ruleset, {"colour": "red"})
    alpha = recommendation.ranked("alpha")
    assert alpha.excluded
    assert alpha.score == 50
    assert order(recommendation) == ["beta", "gamma", "alpha"]
    assert recommendation.top == "beta"
    assert [(r.text, r.points, r.effect) for r in alpha.reasons] == [
        ("alpha +50", 50, "points"),
        ("Red rules out alpha.", 0, "exclude"),
    ]


def test_require_excludes_every_other_approach_with_a_reason():
    ruleset = make_ruleset(
        rules=[
            points("alpha", 50),
            require("gamma", is_("colour", "red"), rationale="Red data stays in house."),
        ]
    )
    recommendation = recommend(ruleset, {"colour": "red"})
    assert recommendation.top == "gamma"
    assert [r.excluded for r in recommendation.ranking] == [False, True, True]
    assert order(recommendation) == ["gamma", "alpha", "beta"]
    beta_reason = recommendation.ranked("beta").reasons[0]
    assert beta_reason.text == "Gamma is required: Red data stays in house."
    assert beta_reason.points == 0
    assert beta_reason.questions == ("colour",)
    assert recommendation.ranked("gamma").reasons[0].text == "Red data stays in house."


def test_two_requires_keep_both_required_approaches():
    ruleset = make_ruleset(rules=[require("alpha"), require("gamma"), points("gamma", 1)])
    recommendation = recommend(ruleset, {})
    assert [(r.approach, r.excluded) for r in recommendation.ranking] == [
        ("gamma", False),
        ("alpha", False),
        ("beta", True),
    ]
    assert [r.rule_id for r in recommendation.ranked("beta").reasons] == [1, 2]


def test_require_that_does_not_match_changes_nothing():
    ruleset = make_ruleset(rules=[require("gamma", is_("colour", "red"))])
    recommendation = recommend(ruleset, {"colour": "blue"})
    assert not any(r.excluded for r in recommendation.ranking)


def test_excluded_required_approach_leaves_no_top():
    ruleset = make_ruleset(rules=[require("alpha"), exclude("alpha")])
    recommendation = recommend(ruleset, {})
    assert recommendation.top is None
    assert recommendation.runner_up is None
    assert not recommendation.close_call
    assert order(recommendation) == ["alpha", "beta", "gamma"]


def test_caveats_are_collected_in_rule_order_without_points():
    ruleset = make_ruleset(
        rules=[
            caveat("Check licences.", is_("colour", "red"), approach="beta"),
            points("beta", 3),
            caveat("Plan capacity.", cmp("volume", "gt", 10)),
            caveat("Never shown.", is_("colour", "blue")),
        ]
    )
    recommendation = recommend(ruleset, {"colour": "red", "volume": 11})
    assert [c.text for c in recommendation.caveats] == ["Check licences.", "Plan capacity."]
    assert [c.rule_id for c in recommendation.caveats] == [1, 3]
    assert recommendation.caveats[1].questions == ("volume",)
    assert score(recommendation, "beta") == 3
    assert all(reason.effect == "points" for reason in recommendation.ranked("beta").reasons)


# --- ranking ---------------------------------------------------------------------------------


def test_ties_follow_ruleset_approach_order():
    ruleset = make_ruleset(
        approaches=["alpha", "beta", "gamma", "delta"],
        rules=[points("delta", 5), points("beta", 5), points("gamma", 1)],
    )
    assert order(recommend(ruleset, {})) == ["beta", "delta", "gamma", "alpha"]


def test_all_zero_scores_rank_in_ruleset_order():
    recommendation = recommend(make_ruleset(), {})
    assert order(recommendation) == ["alpha", "beta", "gamma"]
    assert recommendation.top == "alpha"
    assert recommendation.runner_up == "beta"


@pytest.mark.parametrize(
    ("gap", "close"),
    [(5.0, True), (5.5, False), (4.0, True), (0.0, True)],
)
def test_close_call_boundary(gap, close):
    ruleset = make_ruleset(
        rules=[points("alpha", 10 + gap), points("beta", 10)], close_call_margin=5.0
    )
    recommendation = recommend(ruleset, {})
    assert recommendation.top == "alpha"
    assert recommendation.close_call is close


def test_close_call_ignores_excluded_runner_up():
    ruleset = make_ruleset(
        rules=[points("alpha", 20), points("beta", 19), exclude("beta"), points("gamma", 1)]
    )
    recommendation = recommend(ruleset, {})
    assert recommendation.runner_up == "gamma"
    assert not recommendation.close_call


def test_no_close_call_with_a_single_eligible_approach():
    ruleset = make_ruleset(rules=[exclude("beta"), exclude("gamma")])
    recommendation = recommend(ruleset, {})
    assert recommendation.top == "alpha"
    assert recommendation.runner_up is None
    assert not recommendation.close_call


# --- inputs and outputs ----------------------------------------------------------------------


def test_invalid_answers_raise_with_errors():
    with pytest.raises(InvalidAnswers) as caught:
        recommend(make_ruleset(), {"colour": "mauve", "nope": 1})
    assert caught.value.errors == {
        "colour": ["'mauve' is not one of: red, green, blue."],
        "nope": ["Unknown question."],
    }


def test_integral_float_answer_is_scored_as_int():
    ruleset = make_ruleset(rules=[points("beta", 1, cmp("volume", "gte", 500))])
    recommendation = recommend(ruleset, {"volume": 500.0})
    assert score(recommendation, "beta") == 1
    assert recommendation.answers["volume"] == 500
    assert type(recommendation.answers["volume"]) is int


def test_reason_lists_the_questions_of_its_rule():
    rule = points("beta", 1, is_("colour", "red"), cmp("volume", "gt", 1), cmp("volume", "lt", 9))
    recommendation = recommend(make_ruleset(rules=[rule]), {"colour": "red", "volume": 5})
    assert recommendation.ranked("beta").reasons[0].questions == ("colour", "volume")


def test_recommendation_survives_pickling():
    ruleset = make_ruleset(rules=[points("beta", 2.5, is_("colour", "red")), caveat("Careful.")])
    recommendation = recommend(ruleset, {"colour": "red", "volume": 3})
    copy = pickle.loads(pickle.dumps(recommendation))  # noqa: S301 (our own bytes)
    assert copy == recommendation
    assert copy.ranking == recommendation.ranking
    with pytest.raises(TypeError):
        copy.answers["colour"] = "blue"  # type: ignore[index]


def test_recommendation_is_immutable():
    recommendation = recommend(make_ruleset(), {"colour": "red"})
    with pytest.raises(TypeError):
        recommendation.answers["colour"] = "blue"  # type: ignore[index]
    with pytest.raises(AttributeError):
        recommendation.top = "gamma"  # type: ignore[misc]
