"""The shipped catalogue, its reset, its price history, and its agreement with the price book."""

from __future__ import annotations

import copy
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from advisor.catalogue import loader
from advisor.catalogue.models import AIModel, ModelPrice, QualityScore
from advisor.catalogue.snapshot import current_catalogue
from advisor.knowledge.models import Offering, RulesetState

pytestmark = pytest.mark.django_db

#: The models the guide names, as catalogue keys.
GUIDE_MODELS = {
    "gpt-5",
    "claude-opus-4",
    "gemini-2-5-pro",
    "llama-4-maverick",
    "mistral-small-3",
    "deepseek-r1",
}


def test_migrate_leaves_the_shipped_catalogue_in_place() -> None:
    shipped = loader.read_seed()["models"]
    assert AIModel.objects.count() == len(shipped) >= 25
    keys = set(AIModel.objects.values_list("key", flat=True))
    assert keys >= GUIDE_MODELS
    # The 8B to 13B class the guide's distillation point is about.
    assert AIModel.objects.filter(tier="small", open_weights=True).count() >= 4


@pytest.mark.parametrize("key", sorted(GUIDE_MODELS))
def test_every_model_the_guide_names_has_a_licence_and_dated_sourced_prices(key: str) -> None:
    model = AIModel.objects.get(key=key)
    assert model.licence_name
    assert model.licence_url.startswith("https://")
    assert model.licence_terms
    prices = ModelPrice.current.filter(model=model)
    assert prices.exists()
    for price in prices:
        assert price.source
        assert isinstance(price.as_of, datetime.date)


def test_licences_say_what_bites() -> None:
    llama = AIModel.objects.get(key="llama-4-maverick")
    assert llama.max_monthly_users == 700_000_000
    assert AIModel.objects.get(key="deepseek-r1").licence_name == "MIT"
    assert AIModel.objects.get(key="mistral-small-3").licence_name == "Apache-2.0"
    assert not AIModel.objects.get(key="mistral-large-2").production_allowed
    assert AIModel.objects.get(key="gemma-3-27b").licence_name == "Gemma Terms of Use"
    r1 = AIModel.objects.get(key="deepseek-r1")
    assert r1.ollama_tag == "deepseek-r1"
    assert "distilled" in r1.ollama_note


def test_quality_scores_always_have_a_source_and_a_date() -> None:
    assert QualityScore.objects.exists()
    assert not QualityScore.objects.filter(source="").exists()
    assert not QualityScore.objects.filter(source_url="").exists()


def test_the_catalogue_agrees_with_the_price_book_where_both_name_a_model() -> None:
    linked = ModelPrice.current.exclude(offering_key="")
    assert linked.count() >= 10
    for price in linked:
        offering = Offering.objects.get(key=price.offering_key)
        assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (
            offering.input_usd_per_mtok,
            offering.output_usd_per_mtok,
        ), price.offering_key
    # Every per-token offering of the price book is in the catalogue.
    assert set(Offering.objects.values_list("key", flat=True)) == set(
        linked.values_list("offering_key", flat=True)
    )


def test_reset_catalogue_restores_the_shipped_one_and_bumps_the_version() -> None:
    AIModel.objects.get(key="gpt-5").delete()
    AIModel.objects.filter(key="phi-4").update(name="Edited")
    version = RulesetState.current()[0]
    out = io.StringIO()
    call_command("reset_catalogue", stdout=out)
    assert "restored" in out.getvalue()
    assert AIModel.objects.filter(key="gpt-5").exists()
    assert AIModel.objects.get(key="phi-4").name == "Phi-4"
    assert RulesetState.current()[0] > version


def test_a_malformed_catalogue_changes_nothing_and_says_why() -> None:
    data = copy.deepcopy(loader.read_seed())
    data["models"][0]["prices"][0]["input_usd_per_mtok"] = 1.5  # a float, not a string
    data["models"][1]["scores"] = [{"metric": "x", "value": "1", "as_of": "2025-01-01"}]
    before = AIModel.objects.count()
    with pytest.raises(loader.CatalogueError) as error:
        loader.load_catalogue(data)
    assert any("input_usd_per_mtok" in p for p in error.value.problems)
    assert any("source" in p for p in error.value.problems)
    assert AIModel.objects.count() == before


def test_replacing_a_price_keeps_the_old_one_with_its_dates() -> None:
    price = ModelPrice.current.get(model__key="gpt-5", provider="OpenAI")
    new = price.replace(
        input_usd_per_mtok=Decimal("1.00"),
        output_usd_per_mtok=Decimal("8"),
        as_of=datetime.date(2026, 12, 1),
        source="OpenAI pricing page",
    )
    history = ModelPrice.objects.filter(model__key="gpt-5", provider="OpenAI").order_by("as_of")
    assert [(p.input_usd_per_mtok, p.valid_until) for p in history] == [
        (Decimal("1.25"), datetime.date(2026, 12, 1)),
        (Decimal("1.00"), None),
    ]
    assert new.offering_key == price.offering_key == "gpt-5"
    assert ModelPrice.current.filter(model__key="gpt-5").count() == 1


def test_an_edit_reaches_the_catalogue_snapshot_through_the_version() -> None:
    """Saving a price bumps the knowledge version, which the snapshot is cached by."""
    before = {m["key"]: m for m in current_catalogue()}
    price = ModelPrice.current.get(model__key="llama-3-1-8b", provider="Groq")
    price.replace(
        input_usd_per_mtok=Decimal("0.04"),
        output_usd_per_mtok=Decimal("0.06"),
        as_of=datetime.date(2026, 12, 1),
        source="Groq pricing page",
    )
    after = {m["key"]: m for m in current_catalogue()}
    assert before["llama-3-1-8b"]["prices"][0]["input_usd_per_mtok"] == "0.05"
    assert after["llama-3-1-8b"]["prices"][0]["input_usd_per_mtok"] == "0.04"


def test_a_warm_catalogue_costs_one_query_and_a_cold_one_a_constant_number(
    django_assert_num_queries,
) -> None:
    current_catalogue()
    with django_assert_num_queries(1):  # the version
        current_catalogue()
    AIModel.objects.bulk_create(
        AIModel(key=f"extra-{n}", name=f"Extra {n}", vendor="V", licence_name="MIT",
                licence_url="https://example.org", licence_terms="t")
        for n in range(20)
    )  # fmt: skip
    RulesetState.bump()
    with django_assert_num_queries(4):  # the version, models, prices, scores
        catalogue = current_catalogue()
    assert len(catalogue) == len(loader.read_seed()["models"]) + 20
