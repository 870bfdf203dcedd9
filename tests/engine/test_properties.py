"""Property tests: the indexed engine against a naive reference over random rulesets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine import (
    Approach,
    Condition,
    Option,
    Question,
    Recommendation,
    Rule,
    Ruleset,
    clean_answers,
    recommend,
    visible_answers,
    what_would_change,
)
from advisor.engine.scoring import matched_mask, top_of

SETTINGS = settings(max_examples=200, deadline=None)
NUMBER_RANGE = (-5, 25)
OPERATORS = ("gt", "gte", "lt", "lte")
points_values = st.one_of(
    st.integers(-20, 20).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 0.2, 0.3, 1e-9, -0.1, 1e16, -1e16, 1.0]),
)
thresholds = st.one_of(st.integers(-8, 28).map(float), st.floats(-8, 28, allow_nan=False))


@st.composite
def questions(draw: st.DrawFn) -> tuple[Question, ...]:
    built: list[Question] = []
    for i in range(draw(st.integers(1, 5))):
        choices = [q for q in built if q.kind == "choice"]
        show_if_question, show_if_options = None, frozenset[str]()
        if choices and draw(st.booleans()):
            parent = draw(st.sampled_from(choices))
            show_if_question = parent.key
            show_if_options = frozenset(
                draw(st.sets(st.sampled_from(parent.option_keys), min_size=1))
            )
        if draw(st.booleans()):
            options = tuple(Option(f"o{j}", f"O{j}") for j in range(draw(st.integers(1, 4))))
            question = Question(
                f"q{i}", "?", "choice", options, None, None, show_if_question, show_if_options
            )
        else:
            low = draw(st.integers(*NUMBER_RANGE))
            high = draw(st.integers(low, NUMBER_RANGE[1]))
            question = Question(
                f"q{i}", "?", "number", (), low, high, show_if_question, show_if_options
            )
        built.append(question)
    return tuple(built)


@st.composite
def conditions(draw: st.DrawFn, question: Question) -> Condition:
    if question.kind == "choice":
        operator = draw(st.sampled_from(("is", "is_not")))
        return Condition(question.key, operator, option=draw(st.sampled_from(question.option_keys)))
    return Condition(question.key, draw(st.sampled_from(OPERATORS)), value=draw(thresholds))


@st.composite
def rulesets(draw: st.DrawFn) -> Ruleset:
    asked = draw(questions())
    approaches = tuple(Approach(f"a{i}", f"A{i}") for i in range(draw(st.integers(1, 4))))
    approach_keys = [approach.key for approach in approaches]
    rules = []
    for rule_id in range(draw(st.integers(0, 12))):
        picked = draw(st.lists(st.sampled_from(asked), max_size=3))
        conds = tuple(draw(conditions(question)) for question in picked)
        effect = draw(st.sampled_from(("points", "points", "exclude", "require", "caveat")))
        approach = draw(st.sampled_from(approach_keys))
        if effect == "caveat":
            approach = draw(st.none() | st.just(approach))
        amount = draw(points_values) if effect == "points" else 0.0
        rules.append(Rule(rule_id * 10, effect, conds, f"r{rule_id}", approach, amount))
    margin = draw(st.sampled_from([0.0, 1.0, 5.0]))
    return Ruleset(1, asked, approaches, tuple(rules), close_call_margin=margin)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Ruleset, dict[str, str | int]]:
    ruleset = draw(rulesets())
    answers: dict[str, str | int] = {}
    for question in ruleset.questions:
        if draw(st.booleans()):
            if question.kind == "choice":
                answers[question.key] = draw(st.sampled_from(question.option_keys))
            else:
                low, high = question.min_value, question.max_value
                answers[question.key] = draw(st.integers(low, high))
    return ruleset, answers


# --- naive reference -------------------------------------------------------------------------


def naive_visible(ruleset: Ruleset, answers: dict[str, str | int]) -> dict[str, str | int]:
    shown: dict[str, str | int | None] = {}
    for question in ruleset.questions:
        parent = question.show_if_question
        if parent is None or (parent in shown and shown[parent] in question.show_if_options):
            shown[question.key] = answers.get(question.key)
    return {key: value for key, value in shown.items() if value is not None}


def naive_holds(condition: Condition, answers: dict[str, str | int]) -> bool:
    answer = answers.get(condition.question)
    if answer is None:
        return False
    if condition.operator in ("is", "is_not"):
        return (answer == condition.option) == (condition.operator == "is")
    assert isinstance(answer, int)
    assert condition.value is not None
    return {
        "gt": answer > condition.value,
        "gte": answer >= condition.value,
        "lt": answer < condition.value,
        "lte": answer <= condition.value,
    }[condition.operator]


def expected_reasons(ruleset: Ruleset, answers: dict[str, str | int]) -> dict[str, list]:
    """Per approach: (rule id, effect, points) of each reason, in rule order."""
    visible = naive_visible(ruleset, answers)
    matched = [r for r in ruleset.rules if all(naive_holds(c, visible) for c in r.conditions)]
    required = {r.approach for r in matched if r.effect == "require"}
    result: dict[str, list] = {a.key: [] for a in ruleset.approaches}
    for rule in matched:
        if rule.effect == "caveat":
            continue
        result[rule.approach].append((rule.id, rule.effect, rule.points))  # type: ignore[index]
        if rule.effect == "require":
            for key in result:
                if key not in required:
                    result[key].append((rule.id, "require", 0.0))
    return result


def naive_excluded(ruleset: Ruleset, answers: dict[str, str | int]) -> set[str]:
    visible = naive_visible(ruleset, answers)
    matched = [r for r in ruleset.rules if all(naive_holds(c, visible) for c in r.conditions)]
    excluded = {r.approach for r in matched if r.effect == "exclude"}
    required = {r.approach for r in matched if r.effect == "require"}
    if required:
        excluded |= {a.key for a in ruleset.approaches if a.key not in required}
    return excluded  # type: ignore[return-value]


# --- properties ------------------------------------------------------------------------------


@SETTINGS
@given(cases())
def test_score_is_exactly_the_sum_of_reason_points(case):
    ruleset, answers = case
    for ranked in recommend(ruleset, answers).ranking:
        assert ranked.score == sum(reason.points for reason in ranked.reasons)


@SETTINGS
@given(cases())
def test_matches_the_naive_reference(case):
    ruleset, answers = case
    recommendation = recommend(ruleset, answers)
    reasons = {
        ranked.approach: [(r.rule_id, r.effect, r.points) for r in ranked.reasons]
        for ranked in recommendation.ranking
    }
    assert reasons == expected_reasons(ruleset, answers)
    assert {r.approach for r in recommendation.ranking if r.excluded} == naive_excluded(
        ruleset, answers
    )
    visible = naive_visible(ruleset, answers)
    caveat_ids = [
        rule.id
        for rule in ruleset.rules
        if rule.effect == "caveat" and all(naive_holds(c, visible) for c in rule.conditions)
    ]
    assert [caveat.rule_id for caveat in recommendation.caveats] == caveat_ids
    assert dict(recommendation.answers) == visible


def check_ranking(ruleset: Ruleset, recommendation: Recommendation) -> None:
    position = {approach.key: i for i, approach in enumerate(ruleset.approaches)}
    ranking = recommendation.ranking
    assert sorted(r.approach for r in ranking) == sorted(position)
    eligible = [r for r in ranking if not r.excluded]
    excluded = [r for r in ranking if r.excluded]
    assert list(ranking) == eligible + excluded
    assert eligible == sorted(eligible, key=lambda r: (-r.score, position[r.approach]))
    assert [r.approach for r in excluded] == sorted(
        (r.approach for r in excluded), key=position.__getitem__
    )
    assert recommendation.top == (eligible[0].approach if eligible else None)
    assert recommendation.runner_up == (eligible[1].approach if len(eligible) > 1 else None)
    assert recommendation.close_call == (
        len(eligible) > 1 and eligible[0].score - eligible[1].score <= ruleset.close_call_margin
    )


@SETTINGS
@given(cases())
def test_ranking_order_top_and_close_call(case):
    ruleset, answers = case
    check_ranking(ruleset, recommend(ruleset, answers))


@SETTINGS
@given(cases())
def test_fast_top_agrees_with_the_full_ranking(case):
    """``top_of`` (used for what-would-change trials) skips reasons but must agree."""
    ruleset, answers = case
    effective = visible_answers(ruleset, clean_answers(ruleset, answers))
    assert top_of(ruleset, matched_mask(ruleset, effective)) == recommend(ruleset, answers).top


@settings(SETTINGS, max_examples=100)
@given(cases())
def test_deterministic_regardless_of_answer_order(case):
    ruleset, answers = case
    first = recommend(ruleset, answers)
    again = recommend(ruleset, dict(reversed(list(answers.items()))))
    assert first == again
    assert first == again
    assert what_would_change(ruleset, answers) == what_would_change(ruleset, answers)


@settings(SETTINGS, max_examples=100)
@given(cases())
def test_what_would_change_agrees_with_brute_force(case):
    """Each reported change really flips the top, and is the nearest/first that does."""
    ruleset, answers = case
    current_top = recommend(ruleset, answers).top
    changes = {change.question: change for change in what_would_change(ruleset, answers)}
    shown = [q.key for q in ruleset.questions if q.key in naive_visible_keys(ruleset, answers)]
    assert list(changes) == [key for key in shown if key in changes]
    for question in ruleset.questions:
        if question.key not in shown:
            continue
        current = answers.get(question.key)
        if question.kind == "choice":
            tried = [key for key in question.option_keys if key != current]
        else:
            assert question.min_value is not None
            assert question.max_value is not None
            span = range(question.min_value, question.max_value + 1)
            tried = [value for value in span if value != current]
            if isinstance(current, int):
                tried.sort(key=lambda value: (abs(value - current), value))
        flips = {
            value: top
            for value in tried
            if (top := recommend(ruleset, {**answers, question.key: value}).top) != current_top
        }
        change = changes.get(question.key)
        if not flips:
            assert change is None
            continue
        assert change is not None
        assert flips.get(change.answer, current_top) == change.new_top != current_top
        if question.kind == "choice" or current is not None:
            assert change.answer == next(iter(flips))  # first option / nearest value


def naive_visible_keys(ruleset: Ruleset, answers: dict[str, str | int]) -> set[str]:
    shown: set[str] = set()
    for question in ruleset.questions:
        parent = question.show_if_question
        if parent is None or (parent in shown and answers.get(parent) in question.show_if_options):
            shown.add(question.key)
    return shown
