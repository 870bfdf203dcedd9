"""Which obligations a set of answers triggers, what each means for the approaches shown, and
which providers' services meet it: the result's "Compliance" section and the API's
``obligations``. Decision support, not legal advice: every entry carries its source and the
date an editor last checked it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from advisor import costs
from advisor.knowledge.regulation import AssuranceInfo, ObligationInfo, Regulation

EFFECT_LABELS = {
    "allowed": "allowed",
    "conditional": "allowed with conditions",
    "blocked": "blocked",
}
STATUS_LABELS = {
    "in_force": "in force",
    "proposed": "proposed, not yet law",
    "superseded": "superseded",
}
REQUIREMENT_LABELS = {
    "dpa": "a data processing agreement",
    "baa": "a signed business associate agreement",
    "eu_processing": "processing in the EU",
    "uk_processing": "processing in the UK or an adequate country",
    "zero_retention": "zero data retention",
    "no_training": "no training on customer data",
}
DISCLAIMER = (
    "Decision support, not legal advice: the obligations below follow from your answers and "
    "the sources cited, as last checked on the dates shown. Confirm them with your counsel "
    "or data protection officer before you rely on them."
)


def applies(obligation: ObligationInfo, answers: Mapping[str, Any]) -> bool:
    """Every question the obligation names has one of its trigger options as the answer."""
    return bool(obligation.triggers) and all(
        answers.get(question) in options for question, options in obligation.triggers.items()
    )


def obligations_for(
    regulation: Regulation,
    answers: Mapping[str, Any],
    approaches: Sequence[str],
    shown: Sequence[str | None],
    *,
    today: datetime.date,
    stale_after_days: int,
    label: Callable[[str], str],
    because: Callable[[tuple[str, ...]], list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The obligations these (visible) answers trigger, in the knowledge's order.

    ``approaches`` are every approach key (each gets an effect; unlisted ones are allowed),
    ``shown`` the recommended approach and the runner-up, whose conditions the page spells
    out; ``label`` names an approach, ``because`` describes the answers behind a trigger.
    """
    result: list[dict[str, Any]] = []
    for obligation in regulation.obligations:
        if not applies(obligation, answers):
            continue
        effects = {
            approach: obligation.effects.get(approach, ("allowed", ""))[0]
            for approach in approaches
        }
        conditions = {
            approach: obligation.effects[approach][1]
            for approach in approaches
            if approach in obligation.effects and obligation.effects[approach][1]
        }
        questions = tuple(obligation.triggers)
        result.append(
            {
                "key": obligation.key,
                "title": obligation.title,
                "law": obligation.law,
                "article": obligation.article,
                "url": obligation.url,
                "applies_from": obligation.applies_from.isoformat(),
                "in_effect": obligation.applies_from <= today,
                "status": obligation.status,
                "status_label": STATUS_LABELS.get(obligation.status, obligation.status),
                "summary": obligation.summary,
                "because": list(questions),
                "because_answers": because(questions),
                "effect": effects,
                "conditions": conditions,
                "for_shown": [
                    {
                        "approach": approach,
                        "label": label(approach),
                        "effect": effects[approach],
                        "effect_label": EFFECT_LABELS.get(effects[approach], effects[approach]),
                        "condition": conditions.get(approach, ""),
                    }
                    for approach in shown
                    if approach and approach in effects
                ],
                "requires": obligation.requires,
                "requires_label": REQUIREMENT_LABELS.get(obligation.requires, ""),
                "providers": _providers(
                    regulation.assurances, obligation, shown, today, stale_after_days
                ),
                "checked": obligation.checked_on.isoformat(),
                "stale": costs.is_stale(obligation.checked_on, today, stale_after_days),
            }
        )
    return result


def _providers(
    assurances: Sequence[AssuranceInfo],
    obligation: ObligationInfo,
    shown: Sequence[str | None],
    today: datetime.date,
    stale_after: int,
) -> list[dict[str, Any]]:
    """The services that offer what the obligation needs, for the approaches shown first."""
    if not obligation.requires:
        return []
    relevant = [a for a in shown if a]
    meeting = [a for a in assurances if a.meets(obligation.requires)]
    meeting.sort(key=lambda a: not any(k in a.approaches for k in relevant))
    return [
        {
            "provider": a.provider,
            "service": a.service,
            "approaches": list(a.approaches),
            "how": _how(a, obligation.requires),
            "source_url": a.source_url,
            "verified_on": a.verified_on.isoformat(),
            "stale": costs.is_stale(a.verified_on, today, stale_after),
        }
        for a in meeting
    ]


def _how(assurance: AssuranceInfo, requirement: str) -> str:
    if requirement == "baa":
        scope = assurance.baa_scope or "scope not stated"
        return f"signs a BAA ({'on request' if assurance.baa == 'on_request' else scope})"
    if requirement == "no_training":
        return "does not train on customer data by default"
    value = getattr(assurance, requirement, "")
    text = REQUIREMENT_LABELS.get(requirement, requirement)
    if requirement == "eu_processing" and assurance.regional_uplift_percent:
        text += f" (+{assurance.regional_uplift_percent:g} % on the price)"
    return f"{text}{' on request' if value == 'on_request' else ''}"
