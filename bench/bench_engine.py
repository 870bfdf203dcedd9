"""Benchmark ``recommend`` on a large synthetic ruleset.

Run from the repo root: ``python bench/bench_engine.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from advisor.engine import (
    Approach,
    Condition,
    Option,
    Question,
    Rule,
    Ruleset,
    recommend,
    what_would_change,
)

APPROACHES = 6
QUESTIONS = 50
RULES = 1_000
NUMBER_SHARE = 0.3
GATED_SHARE = 0.1
NUMBER_MAX = 1_000_000
EFFECTS = ("points",) * 85 + ("exclude",) * 8 + ("caveat",) * 6 + ("require",)


def build_ruleset(rng: random.Random) -> Ruleset:
    questions: list[Question] = []
    for i in range(QUESTIONS):
        gate: tuple[str | None, frozenset[str]] = (None, frozenset())
        choices = [q for q in questions if q.kind == "choice"]
        if choices and rng.random() < GATED_SHARE:
            parent = rng.choice(choices)
            gate = (parent.key, frozenset(rng.sample(parent.option_keys, 2)))
        if rng.random() < NUMBER_SHARE:
            questions.append(Question(f"q{i}", "?", "number", (), 0, NUMBER_MAX, *gate))
        else:
            options = tuple(Option(f"o{j}", f"O{j}") for j in range(rng.randint(3, 5)))
            questions.append(Question(f"q{i}", "?", "choice", options, None, None, *gate))
    approaches = tuple(Approach(f"a{i}", f"Approach {i}") for i in range(APPROACHES))

    rules: list[Rule] = []
    for rule_id in range(1, RULES + 1):
        conditions = []
        for question in rng.sample(questions, rng.randint(1, 3)):
            if question.kind == "choice":
                operator = rng.choice(("is", "is", "is", "is_not"))
                option = rng.choice(question.option_keys)
                conditions.append(Condition(question.key, operator, option=option))
            else:
                operator = rng.choice(("gt", "gte", "lt", "lte"))
                value = float(rng.randrange(0, NUMBER_MAX, 1_000))
                conditions.append(Condition(question.key, operator, value=value))
        effect = rng.choice(EFFECTS)
        approach = rng.choice(approaches).key
        amount = float(rng.randint(-20, 40)) if effect == "points" else 0.0
        rules.append(Rule(rule_id, effect, tuple(conditions), f"rule {rule_id}", approach, amount))
    return Ruleset(1, tuple(questions), approaches, tuple(rules))


def random_answers(rng: random.Random, ruleset: Ruleset) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in ruleset.questions:
        if rng.random() < 0.1:
            continue  # unanswered
        if question.kind == "choice":
            answers[question.key] = rng.choice(question.option_keys)
        else:
            answers[question.key] = rng.randint(0, NUMBER_MAX)
    return answers


def plain_matches(ruleset: Ruleset, answers: dict[str, object]) -> list[int]:
    """What the engine's bit masks replace: every condition of every rule checked in turn.
    Timed beside the engine so the reason for the masks stays a measured one."""
    tests = {
        "is": lambda a, c: a == c.option,
        "is_not": lambda a, c: a != c.option,
        "gt": lambda a, c: a > c.value,
        "gte": lambda a, c: a >= c.value,
        "lt": lambda a, c: a < c.value,
        "lte": lambda a, c: a <= c.value,
    }
    matched = []
    for rule in ruleset.rules:
        for condition in rule.conditions:
            answer = answers.get(condition.question)
            if answer is None or not tests[condition.operator](answer, condition):
                break
        else:
            matched.append(rule.id)
    return matched


def time_us(
    call: Callable[[dict[str, object]], object], inputs: list[dict[str, object]]
) -> list[float]:
    timings: list[float] = []
    for answers in inputs:
        start = time.perf_counter_ns()
        call(answers)
        timings.append((time.perf_counter_ns() - start) / 1_000)
    return timings


def report(name: str, timings: list[float]) -> None:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    print(
        f"{name:<18} n={len(timings):>6}  median {statistics.median(timings):8.1f} us"
        f"  p95 {cuts[94]:8.1f} us  p99 {cuts[98]:8.1f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=20_000, help="answer sets to time")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--with-changes", type=int, default=200, help="also time what_would_change N times"
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    started = time.perf_counter_ns()
    ruleset = build_ruleset(rng)
    built_ms = (time.perf_counter_ns() - started) / 1_000_000
    kinds = [q.kind for q in ruleset.questions]
    conditions = sum(len(rule.conditions) for rule in ruleset.rules)
    print(
        f"ruleset: {len(ruleset.rules)} rules, {conditions} conditions, "
        f"{len(ruleset.questions)} questions ({kinds.count('choice')} choice, "
        f"{kinds.count('number')} number), {len(ruleset.approaches)} approaches; "
        f"snapshot built in {built_ms:.1f} ms"
    )

    inputs = [random_answers(rng, ruleset) for _ in range(args.iterations)]
    time_us(lambda answers: recommend(ruleset, answers), inputs[:500])  # warm-up
    report("recommend", time_us(lambda answers: recommend(ruleset, answers), inputs))
    report(
        "plain rule loop",
        time_us(lambda answers: plain_matches(ruleset, answers), inputs[:2000]),
    )
    if args.with_changes:
        sample = inputs[: args.with_changes]
        report("what_would_change", time_us(lambda a: what_would_change(ruleset, a), sample))


if __name__ == "__main__":
    main()
