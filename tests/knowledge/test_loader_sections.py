"""The ruleset document's later sections: price book and plan presets, and empty rules."""

from __future__ import annotations

import copy

import pytest

from advisor.knowledge.loader import RulesetImportError, export_document, load_document
from advisor.knowledge.models import InfraProfile, Offering, PlanPreset, Rule, RulesetState

pytestmark = pytest.mark.django_db


def test_the_export_carries_prices_plans_and_their_settings() -> None:
    document = export_document()
    assert {o["key"] for o in document["offerings"]} >= {"gpt-5", "gemini-2-5-flash"}
    assert {p["key"] for p in document["infrastructure"]} >= {"l4-8b", "h100-70b-fp8"}
    assert [p["slug"] for p in document["plans"]] == ["financial-services"]
    assert document["settings"]["price_stale_after_days"] == 90

    document["offerings"][0]["input_usd_per_mtok"] = "9.99"
    document["settings"]["price_stale_after_days"] = 30
    load_document(document)
    assert export_document() == document


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["rules"][0].update(conditions="always"), "'conditions' must be a list"),
        (lambda d: d["offerings"][0].update(input_usd_per_mtok=-1), "Offering"),
        (lambda d: d["infrastructure"][0].update(utilisation="1.5"), "Self-hosting profile"),
        (
            lambda d: d["plans"][0]["workloads"][0].update(alternative="no-such-offering"),
            "unknown offering",
        ),
        (
            lambda d: d["plans"][0]["workloads"][0]["answers"].update(stage="someday"),
            "Plan 'financial-services'",
        ),
    ],
)
def test_a_broken_section_is_refused_and_nothing_changes(change, problem) -> None:
    before = (
        RulesetState.objects.get().version,
        Rule.objects.count(),
        Offering.objects.count(),
        InfraProfile.objects.count(),
        PlanPreset.objects.count(),
    )
    document = copy.deepcopy(export_document())
    change(document)
    with pytest.raises(RulesetImportError) as refused:
        load_document(document)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    after = (
        RulesetState.objects.get().version,
        Rule.objects.count(),
        Offering.objects.count(),
        InfraProfile.objects.count(),
        PlanPreset.objects.count(),
    )
    assert after == before
