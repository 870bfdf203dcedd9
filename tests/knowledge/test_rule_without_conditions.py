"""A rule without conditions always applies: the engine, the snapshot, the admin and the
importer read it the same way."""

from __future__ import annotations

import pytest

from advisor import engine
from advisor.knowledge.loader import export_document, load_document
from advisor.knowledge.models import Rule
from advisor.knowledge.ruleset import current_knowledge
from tests.knowledge import admin_url, changeform_data

pytestmark = pytest.mark.django_db

ALWAYS = "Every organisation should write down why it chose its approach."


def caveats(answers: dict) -> list[str]:
    recommendation = engine.recommend(current_knowledge().ruleset, answers)
    return [caveat.text for caveat in recommendation.caveats]


def test_the_admin_saves_it_warns_and_it_applies_to_every_answer_set(admin_client) -> None:
    shipped = set(Rule.objects.filter(conditions__isnull=True).values_list("name", flat=True))
    url = admin_url(Rule, "add")
    data = changeform_data(admin_client.get(url))
    data.update(
        {
            "name": "Always",
            "effect": "caveat",
            "rationale": ALWAYS,
            "conditions-TOTAL_FORMS": "0",
        }
    )
    response = admin_client.post(url, data, follow=True)
    assert Rule.objects.filter(name="Always", conditions__isnull=True).exists()
    assert "applies to every set of answers" in response.content.decode()

    assert ALWAYS in caveats({})
    assert ALWAYS in caveats({"data_sensitivity": "regulated", "requests_per_day": 50})

    listing = admin_client.get(admin_url(Rule), {"tests": "none"})
    # The shipped knowledge's unconditional notes, and the new rule.
    assert {rule.name for rule in listing.context["cl"].result_list} == shipped | {"Always"}
    assert "always (no condition)" in listing.content.decode()


def test_the_importer_keeps_it_and_the_export_round_trips(admin_client) -> None:
    document = export_document()
    document["rules"].append(
        {
            "name": "Always",
            "effect": "points",
            "approach": "hybrid",
            "points": 1,
            "rationale": ALWAYS,
            "conditions": [],
        }
    )
    load_document(document)
    ruleset = current_knowledge().ruleset
    always = [rule for rule in ruleset.rules if rule.rationale == ALWAYS]
    assert len(always) == 1
    assert always[0].conditions == ()
    recommendation = engine.recommend(ruleset, {})
    hybrid = recommendation.ranked("hybrid")
    assert [reason.text for reason in hybrid.reasons] == [ALWAYS]
    assert hybrid.score == 1

    exported = [rule for rule in export_document()["rules"] if rule["name"] == "Always"]
    assert exported[0]["conditions"] == []


def test_a_disabled_one_does_not_apply() -> None:
    document = export_document()
    document["rules"].append(
        {
            "name": "Always",
            "effect": "caveat",
            "rationale": ALWAYS,
            "conditions": [],
            "enabled": False,
        }
    )
    load_document(document)
    assert ALWAYS not in caveats({})
