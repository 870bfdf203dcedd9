"""Cost rules: points that follow the priced figures, with the figures in their words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine import CostRule, RulesetError, recommend, what_would_change
from advisor.engine.costrules import template_problems
from tests.engine.factories import exclude, is_, make_ruleset, points, score

CHEAPEST = CostRule(
    1, "cheapest", 1.2, 15, "{approach} is cheapest: {monthly}, next {next} at {next_monthly}."
)
DEARER = CostRule(
    2,
    "dearer",
    3,
    -10,
    "{approach} costs {monthly}, {ratio} times {cheapest} ({cheapest_monthly}).",
)


def ruleset(*rules, cost_rules=(CHEAPEST, DEARER)):
    return make_ruleset(rules=rules, cost_rules=cost_rules)


def cost_reasons(recommendation, approach):
    return [r for r in recommendation.ranked(approach).reasons if r.basis == "cost"]


def test_the_cheapest_allowed_approach_gains_and_the_far_dearer_lose() -> None:
    costs = {"alpha": 100.0, "beta": 150.0, "gamma": 400.0}
    recommendation = recommend(ruleset(), {}, costs)
    assert score(recommendation, "alpha") == 15
    assert score(recommendation, "beta") == 0
    assert score(recommendation, "gamma") == -10
    [reason] = cost_reasons(recommendation, "alpha")
    assert reason.text == "Alpha is cheapest: $100.00, next Beta at $150.00."
    assert reason.questions == ("requests_per_day",)
    [dear] = cost_reasons(recommendation, "gamma")
    assert dear.text == "Gamma costs $400.00, 4.0 times Alpha ($100.00)."


def test_a_small_saving_earns_nothing() -> None:
    recommendation = recommend(ruleset(), {}, {"alpha": 100.0, "beta": 110.0})
    assert cost_reasons(recommendation, "alpha") == []


def test_excluded_approaches_are_neither_the_cheapest_nor_the_comparison() -> None:
    costs = {"alpha": 10.0, "beta": 100.0, "gamma": 500.0}
    recommendation = recommend(ruleset(exclude("alpha")), {}, costs)
    assert cost_reasons(recommendation, "alpha") == []
    [reason] = cost_reasons(recommendation, "beta")
    assert "Beta is cheapest: $100.00" in reason.text
    assert "4.0" not in reason.text
    [dear] = cost_reasons(recommendation, "gamma")
    assert "Beta ($100.00)" in dear.text


def test_without_costs_or_with_one_priced_approach_nothing_is_said() -> None:
    assert all(not cost_reasons(recommend(ruleset(), {}), a) for a in ("alpha", "beta"))
    lonely = recommend(ruleset(), {}, {"alpha": 1.0})
    assert cost_reasons(lonely, "alpha") == []


def test_costs_can_decide_between_otherwise_equal_approaches() -> None:
    rules = (points("alpha", 5), points("beta", 5))
    assert recommend(ruleset(*rules), {}, {"alpha": 300.0, "beta": 100.0}).top == "beta"
    assert recommend(ruleset(*rules), {}, {"alpha": 100.0, "beta": 300.0}).top == "alpha"


def test_what_would_change_prices_each_trial() -> None:
    """A different answer changes the prices too; the cost rules follow them."""
    rules = (points("alpha", 5), points("beta", 5))

    def costs_for(answers):
        cheap_beta = answers.get("colour") == "red"
        return {"alpha": 300.0, "beta": 100.0} if cheap_beta else {"alpha": 100.0, "beta": 300.0}

    current = recommend(ruleset(*rules), {"colour": "blue"}, costs_for({"colour": "blue"}))
    assert current.top == "alpha"
    changes = what_would_change(ruleset(*rules), {"colour": "blue"}, costs_for)
    assert [(c.question, c.answer, c.new_top) for c in changes] == [("colour", "red", "beta")]
    assert what_would_change(ruleset(*rules), {"colour": "blue"}) == ()


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["alpha", "beta", "gamma"]),
        st.floats(min_value=0, max_value=1e7, allow_nan=False),
    ),
    st.sampled_from([None, "red", "green", "blue"]),
)
def test_scores_still_add_up_and_the_cheapest_reason_is_the_minimum(costs, colour) -> None:
    rules = (points("alpha", 3, is_("colour", "red")), exclude("gamma", is_("colour", "green")))
    answers = {"colour": colour} if colour else {}
    recommendation = recommend(ruleset(*rules), answers, costs)
    allowed = {r.approach for r in recommendation.ranking if not r.excluded}
    priced = {k: v for k, v in costs.items() if k in allowed}
    for ranked in recommendation.ranking:
        assert ranked.score == sum(r.points for r in ranked.reasons)
        for reason in cost_reasons(recommendation, ranked.approach):
            assert ranked.approach in priced
            if reason.rule_id == CHEAPEST.id:
                assert priced[ranked.approach] == min(priced.values())


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{approach} is {cheap}", "Unknown placeholder"), ("{approach", "Braces do not match")],
)
def test_rationales_with_unknown_placeholders_are_refused(text, problem) -> None:
    assert problem in template_problems(text)[0]
    with pytest.raises(RulesetError):
        make_ruleset(cost_rules=[CostRule(1, "cheapest", 1, 5, text)])


def test_a_factor_below_one_is_refused() -> None:
    with pytest.raises(RulesetError, match="factor"):
        make_ruleset(cost_rules=[CostRule(1, "dearer", 0.5, -5, "{approach}")])
