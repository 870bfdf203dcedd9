"""Lookup tables precomputed once per ``Ruleset`` so evaluating answers is cheap.

Rules are represented as bits of a Python int (bit ``i`` = ``ruleset.rules[i]``). For every
question the index knows, per possible answer, the mask of rules with a condition on that
question that the answer *fails*; a rule matches when no answered question fails it, so
matching is one OR per question plus one AND-NOT. A missing (or hidden) answer fails every
condition on its question.

Why bits rather than a loop over rules: "what would change this" tries every alternative
answer to every question. With the masks a trial re-uses every other question's verdicts
(one OR); a loop must re-check every condition. bench/bench_engine.py (1,000 rules, 2,023
conditions, 50 questions; 2026-12): a whole recommendation 0.10 ms median, the plain rule loop
0.17 ms for matching alone, what_would_change 2.9 ms for all its trials.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from advisor.engine.results import Reason

if TYPE_CHECKING:
    from advisor.engine.snapshot import Condition, Dimension, Question, Ruleset

_ONE_BIT = re.compile("1")


def bit_positions(mask: int) -> list[int]:
    """Positions of the set bits of ``mask``, ascending (fast path through the C regex engine)."""
    return [found.start() for found in _ONE_BIT.finditer(bin(mask)[:1:-1])]


@dataclass(frozen=True, slots=True)
class NumberCells:
    """Fail masks for one number question, one per "cell" of the number line.

    With sorted distinct thresholds ``t0 < t1 < ...``, cell ``2i`` is the open interval just
    below ``ti`` and cell ``2i + 1`` is exactly ``ti``; the last cell lies above every
    threshold. Every condition has the same verdict for all answers in a cell.
    """

    thresholds: tuple[float, ...]
    fail_masks: tuple[int, ...]

    def cell(self, answer: int) -> int:
        i = bisect_left(self.thresholds, answer)
        return 2 * i + 1 if i < len(self.thresholds) and self.thresholds[i] == answer else 2 * i

    def fail_mask(self, answer: int) -> int:
        return self.fail_masks[self.cell(answer)]


def _threshold(condition: Condition) -> float:
    assert condition.value is not None  # check_ruleset guarantees it for number operators
    return condition.value


def _number_cells(conditions: list[tuple[Condition, int]]) -> NumberCells:
    """Build the cells for the (condition, rule bit) pairs of one number question.

    ``gt``/``gte`` conditions fail on a prefix of the cells and ``lt``/``lte`` ones on a
    suffix, so two running ORs give every cell's mask in one pass each.
    """
    thresholds = tuple(sorted({_threshold(condition) for condition, _ in conditions}))
    position = {value: i for i, value in enumerate(thresholds)}
    cells = 2 * len(thresholds) + 1
    fails_up_to = [0] * cells  # conditions failing on cells 0..c, indexed by c
    fails_from = [0] * cells  # conditions failing on cells c..end, indexed by c
    for condition, bit in conditions:
        j = position[_threshold(condition)]
        if condition.operator == "gt":  # fails for answer <= t
            fails_up_to[2 * j + 1] |= bit
        elif condition.operator == "gte":  # fails for answer < t
            fails_up_to[2 * j] |= bit
        elif condition.operator == "lt":  # fails for answer >= t
            fails_from[2 * j + 1] |= bit
        else:  # lte fails for answer > t
            fails_from[2 * j + 2] |= bit
    masks = [0] * cells
    running = 0
    for c in reversed(range(cells)):
        running |= fails_up_to[c]
        masks[c] = running
    running = 0
    for c in range(cells):
        running |= fails_from[c]
        masks[c] |= running
    return NumberCells(thresholds, tuple(masks))


@dataclass(frozen=True, slots=True)
class RulesetIndex:
    questions: Mapping[str, Question]
    #: Per choice question: its option keys, for O(1) validation.
    option_sets: Mapping[str, frozenset[str]]
    approach_positions: Mapping[str, int]
    dimensions: Mapping[str, Dimension]
    #: Keys of the questions some condition tests, in question order.
    tested: tuple[str, ...]
    #: Keys of the questions another question's visibility depends on.
    parents: frozenset[str]
    #: Bits of every rule.
    all_rules: int
    #: Per tested question: rules with any condition on it (all fail when it is unanswered).
    condition_masks: Mapping[str, int]
    #: Per tested choice question and option: rules that answer fails.
    choice_fails: Mapping[str, Mapping[str, int]]
    number_cells: Mapping[str, NumberCells]
    #: Per tested question, in order: (key, rules failed when unanswered, fails per option
    #: for a choice question, cells for a number question). The hot loop of matching.
    testers: tuple[tuple[str, int, Mapping[str, int] | None, NumberCells | None], ...]
    #: Per approach position: its points/exclude/require rules, its points rules, its exclude
    #: rules, and the rules requiring it.
    target_masks: tuple[int, ...]
    points_masks: tuple[int, ...]
    exclude_masks: tuple[int, ...]
    require_masks: tuple[int, ...]
    #: Every require rule / every caveat rule / every note rule.
    require_rules: int
    caveat_rules: int
    note_rules: int
    #: Per rule: the reason it contributes (to its approach, or as a caveat).
    reasons: tuple[Reason, ...]
    #: Per rule, as seen by an approach pushed out by a ``require`` rule: a require rule's
    #: "X is required: ..." reason, any other rule's normal reason.
    pushed_out_reasons: tuple[Reason, ...]
    #: The ``points`` of ``reasons`` and ``pushed_out_reasons``, for summing without lookups.
    points: tuple[float, ...]
    pushed_out_points: tuple[float, ...]

    def contribution(self, question: str, answer: str | int | None) -> int:
        """Rules that ``answer`` to ``question`` fails (every tested one when unanswered)."""
        if answer is None:
            return self.condition_masks.get(question, 0)
        if isinstance(answer, str):
            by_option = self.choice_fails.get(question)
            return 0 if by_option is None else by_option[answer]
        cells = self.number_cells.get(question)
        return 0 if cells is None else cells.fail_mask(answer)

    def thresholds(self, question: str) -> tuple[float, ...]:
        cells = self.number_cells.get(question)
        return () if cells is None else cells.thresholds


def build_index(ruleset: Ruleset) -> RulesetIndex:
    """Build the lookup tables; assumes ``check_ruleset`` already passed."""
    questions = {question.key: question for question in ruleset.questions}
    positions = {approach.key: i for i, approach in enumerate(ruleset.approaches)}
    labels = {approach.key: approach.label for approach in ruleset.approaches}

    condition_masks: dict[str, int] = {}
    choice_fails: dict[str, dict[str, int]] = {}
    numeric: dict[str, list[tuple[Condition, int]]] = {}
    reasons: list[Reason] = []
    pushed_out_reasons: list[Reason] = []
    count = len(ruleset.approaches)
    target_masks, points_masks = [0] * count, [0] * count
    exclude_masks, require_masks = [0] * count, [0] * count
    by_effect = {"points": 0, "exclude": 0, "require": 0, "caveat": 0, "note": 0}
    for i, rule in enumerate(ruleset.rules):
        bit = 1 << i
        by_effect[rule.effect] |= bit
        if rule.effect not in ("caveat", "note"):
            assert rule.approach is not None  # check_ruleset guarantees it
            target = positions[rule.approach]
            target_masks[target] |= bit
            if rule.effect == "points":
                points_masks[target] |= bit
            elif rule.effect == "exclude":
                exclude_masks[target] |= bit
            elif rule.effect == "require":
                require_masks[target] |= bit
        for condition in rule.conditions:
            key = condition.question
            condition_masks[key] = condition_masks.get(key, 0) | bit
            if condition.operator in ("is", "is_not"):
                fails = choice_fails.setdefault(key, dict.fromkeys(questions[key].option_keys, 0))
                for option in fails:
                    if (option == condition.option) != (condition.operator == "is"):
                        fails[option] |= bit
            else:
                numeric.setdefault(key, []).append((condition, bit))
        asked = rule.questions
        reasons.append(
            Reason(rule.rationale, rule.points, rule.id, asked, rule.effect, approach=rule.approach)
        )
        if rule.effect == "require" and rule.approach is not None:
            text = f"{labels[rule.approach]} is required: {rule.rationale}"
            pushed_out_reasons.append(Reason(text, 0.0, rule.id, asked, rule.effect))
        else:
            pushed_out_reasons.append(reasons[-1])

    choice_proxies = {key: MappingProxyType(fails) for key, fails in choice_fails.items()}
    cells = {key: _number_cells(conditions) for key, conditions in numeric.items()}
    tested = tuple(q.key for q in ruleset.questions if q.key in condition_masks)
    return RulesetIndex(
        questions=MappingProxyType(questions),
        option_sets=MappingProxyType(
            {q.key: frozenset(q.option_keys) for q in ruleset.questions if q.kind == "choice"}
        ),
        approach_positions=MappingProxyType(positions),
        dimensions=MappingProxyType({d.key: d for d in ruleset.dimensions}),
        tested=tested,
        parents=frozenset(
            q.show_if_question for q in ruleset.questions if q.show_if_question is not None
        ),
        all_rules=(1 << len(ruleset.rules)) - 1,
        condition_masks=MappingProxyType(condition_masks),
        choice_fails=MappingProxyType(choice_proxies),
        number_cells=MappingProxyType(cells),
        testers=tuple(
            (key, condition_masks[key], choice_proxies.get(key), cells.get(key)) for key in tested
        ),
        target_masks=tuple(target_masks),
        points_masks=tuple(points_masks),
        exclude_masks=tuple(exclude_masks),
        require_masks=tuple(require_masks),
        require_rules=by_effect["require"],
        caveat_rules=by_effect["caveat"],
        note_rules=by_effect["note"],
        reasons=tuple(reasons),
        pushed_out_reasons=tuple(pushed_out_reasons),
        points=tuple(reason.points for reason in reasons),
        pushed_out_points=tuple(reason.points for reason in pushed_out_reasons),
    )
