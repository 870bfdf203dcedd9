"""Turning answers into a ranked ``Recommendation``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from advisor.engine.costrules import cost_reasons
from advisor.engine.index import bit_positions
from advisor.engine.results import RankedApproach, Reason, Recommendation
from advisor.engine.validation import clean_answers
from advisor.engine.visibility import visible_answers

if TYPE_CHECKING:
    from advisor.engine.snapshot import Ruleset

#: Per approach position: its reasons in rule order, its score (the plain ``sum`` of those
#: reasons' points, in that order) and whether it is excluded; then the caveats.
Tally = tuple[list[list[Reason]], list[float], list[bool], list[Reason]]


def matched_mask(ruleset: Ruleset, answers: Mapping[str, str | int]) -> int:
    """Bit mask of the rules whose conditions all hold for clean, visible-only ``answers``."""
    failed = 0
    for key, unanswered, by_option, cells in ruleset.index.testers:
        value = answers.get(key)
        if value is None:
            failed |= unanswered
        elif isinstance(value, str):
            if by_option is not None:
                failed |= by_option[value]
        elif cells is not None:
            failed |= cells.fail_mask(value)
    return ruleset.index.all_rules & ~failed


def tally(ruleset: Ruleset, matched: int) -> Tally:
    """Reasons, scores and exclusion per approach, plus caveats, for the ``matched`` rule bits.

    Reasons keep rule order. A matched ``require`` rule excludes every approach that no
    matched ``require`` rule requires, and gives each of them its "X is required" reason.
    """
    index = ruleset.index
    own_reason, own_points = index.reasons.__getitem__, index.points.__getitem__
    pushed_reason = index.pushed_out_reasons.__getitem__
    pushed_points = index.pushed_out_points.__getitem__
    requiring = matched & index.require_rules
    reasons: list[list[Reason]] = []
    scores: list[float] = []
    excluded: list[bool] = []
    for target, exclude, require in zip(
        index.target_masks, index.exclude_masks, index.require_masks, strict=True
    ):
        own = matched & target
        if requiring and not matched & require:
            # ``own`` holds no require rule here (none requires this approach).
            fired = bit_positions(own | requiring)
            reasons.append(list(map(pushed_reason, fired)))
            scores.append(float(sum(map(pushed_points, fired))))
            excluded.append(True)
        else:
            fired = bit_positions(own)
            reasons.append(list(map(own_reason, fired)))
            scores.append(float(sum(map(own_points, fired))))
            excluded.append(bool(matched & exclude))
    caveats = list(map(own_reason, bit_positions(matched & index.caveat_rules)))
    return reasons, scores, excluded, caveats


def ranking_order(scores: list[float], excluded: list[bool]) -> list[int]:
    """Approach positions: eligible by score desc (ties in ruleset order), then excluded."""
    positions = range(len(scores))
    eligible = sorted((p for p in positions if not excluded[p]), key=lambda p: (-scores[p], p))
    return eligible + [p for p in positions if excluded[p]]


def add_cost_reasons(
    ruleset: Ruleset,
    reasons: list[list[Reason]],
    scores: list[float],
    excluded: list[bool],
    costs: Mapping[str, float] | None,
) -> None:
    """Append the cost rules' reasons (after the rules' own) and add their points."""
    if not costs or not ruleset.cost_rules:
        return
    approaches = ruleset.approaches
    allowed = [approaches[p].key for p in range(len(approaches)) if not excluded[p]]
    labels = {approach.key: approach.label for approach in approaches}
    found = cost_reasons(ruleset.cost_rules, labels, costs, allowed)
    for key, extra in found.items():
        position = ruleset.index.approach_positions[key]
        reasons[position].extend(extra)
        for reason in extra:
            scores[position] += reason.points


def top_of(ruleset: Ruleset, matched: int, costs: Mapping[str, float] | None = None) -> str | None:
    """Just the top approach for the ``matched`` rule bits (and the costs, if given),
    without building the rules' reasons.

    Same semantics and arithmetic as ``tally`` + ``add_cost_reasons`` + ``ranking_order``
    (an eligible approach's other reasons carry 0 points, which leave a ``sum`` unchanged);
    only scores of eligible approaches are computed. Used by ``what_would_change`` for its
    many trial answers.
    """
    index = ruleset.index
    requiring = matched & index.require_rules
    eligible = [
        position
        for position, (exclude, require) in enumerate(
            zip(index.exclude_masks, index.require_masks, strict=True)
        )
        if not matched & exclude and (not requiring or matched & require)
    ]
    if len(eligible) > 1:
        points_of = index.points.__getitem__
        masks = index.points_masks
        scores = {
            p: float(sum(map(points_of, bit_positions(matched & masks[p])))) for p in eligible
        }
        if costs and ruleset.cost_rules:
            approaches = ruleset.approaches
            labels = {approach.key: approach.label for approach in approaches}
            allowed = [approaches[p].key for p in eligible]
            found = cost_reasons(ruleset.cost_rules, labels, costs, allowed)
            for key, extra in found.items():
                position = index.approach_positions[key]
                for reason in extra:
                    scores[position] += reason.points
        eligible.sort(key=lambda p: (-scores[p], p))
    return ruleset.approaches[eligible[0]].key if eligible else None


def recommend(
    ruleset: Ruleset,
    answers: Mapping[str, object],
    costs: Mapping[str, float] | None = None,
) -> Recommendation:
    """Rank every approach for ``answers``; raises ``InvalidAnswers`` if they do not validate.

    Answers to hidden questions are ignored. ``costs`` (approach key -> monthly cost at
    these answers) lets the cost rules speak. Each approach's score is the sum of its
    reasons' points (exclusion reasons carry 0), summed in rule order, cost rules last, so
    the result is reproducible.
    """
    effective = visible_answers(ruleset, clean_answers(ruleset, answers))
    matched = matched_mask(ruleset, effective)
    reasons, scores, excluded, caveats = tally(ruleset, matched)
    add_cost_reasons(ruleset, reasons, scores, excluded, costs)
    ranking = tuple(
        RankedApproach(
            approach=ruleset.approaches[p].key,
            label=ruleset.approaches[p].label,
            score=scores[p],
            excluded=excluded[p],
            reasons=tuple(reasons[p]),
        )
        for p in ranking_order(scores, excluded)
    )
    eligible = [ranked for ranked in ranking if not ranked.excluded]
    close_call = (
        len(eligible) > 1 and eligible[0].score - eligible[1].score <= ruleset.close_call_margin
    )
    notes = tuple(
        map(ruleset.index.reasons.__getitem__, bit_positions(matched & ruleset.index.note_rules))
    )
    return Recommendation(
        ruleset_version=ruleset.version,
        answers=MappingProxyType(effective),
        top=eligible[0].approach if eligible else None,
        close_call=close_call,
        ranking=ranking,
        caveats=tuple(caveats),
        notes=notes,
    )
