"""The shortlist where people read it: the result page, the API, saved reports and exports."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisor import advice
from advisor.catalogue.models import AIModel, ModelPrice
from advisor.catalogue.snapshot import clear_memo as clear_catalogue
from advisor.knowledge.ruleset import clear_memo, current_knowledge
from advisor.reports.models import Report
from tests.api import recommend
from tests.catalogue.test_catalogue import GUIDE_MODELS
from tests.orgs.fixtures import editor, org, outsider, owner, viewer  # noqa: F401
from tests.reports.helpers import start_wizard, url

pytestmark = pytest.mark.django_db

HIGH_VOLUME = {"data_sensitivity": "non_sensitive", "requests_per_day": 20000}


def shortlisted_keys(result: dict) -> set[str]:
    return {m["model"] for group in result["shortlist"] for m in group["models"]}


def test_every_model_the_guide_names_is_shortlisted_for_some_preset() -> None:
    knowledge = current_knowledge()
    seen: set[str] = set()
    for preset in knowledge.catalogue.presets:
        result = advice.build_result(knowledge, preset.answers, {})
        groups = result["shortlist"]
        assert [g["approach"] for g in groups] == [
            key for key in (result["top"]["key"], (result["runner_up"] or {}).get("key")) if key
        ]
        for group in groups:
            assert 2 <= len(group["models"]) <= 4, (preset.slug, group["approach"])
        seen |= shortlisted_keys(result)
    assert seen >= GUIDE_MODELS


def test_the_shortlist_is_priced_at_the_answered_volume() -> None:
    knowledge = current_knowledge()
    low = advice.build_result(knowledge, {**HIGH_VOLUME, "requests_per_day": 1000}, {})
    high = advice.build_result(knowledge, HIGH_VOLUME, {})
    low_costs = {m["model"]: m["monthly_usd"] for g in low["shortlist"] for m in g["models"]}
    for group in high["shortlist"]:
        for model in group["models"]:
            if model["model"] in low_costs and model["price"]:
                assert model["monthly_usd"] == pytest.approx(low_costs[model["model"]] * 20)


def test_the_result_page_shows_the_shortlist_with_dates_and_sources(client) -> None:
    start_wizard(client, "high-volume")
    page = html.unescape(client.get("/wizard/result/").content.decode())
    section = page[page.index('id="shortlist"') :]
    assert "Llama 4 Maverick" in section
    assert "Llama 4 Community License" in section
    assert re.search(r"checked <time datetime=\"\d{4}-\d\d-\d\d\"", section)
    assert "Together AI pricing page" in section
    assert "a month at your volume" in section


def result_page_queries(client) -> int:
    start_wizard(client, "high-volume")
    client.get("/wizard/result/")
    # Cold: nothing remembered, so the knowledge, the catalogue and the result are built.
    cache.clear()
    clear_memo()
    clear_catalogue()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/wizard/result/").status_code == 200
    return len(captured.captured_queries)


def test_the_result_page_costs_the_same_queries_however_many_models(client) -> None:
    few = result_page_queries(client)
    AIModel.objects.bulk_create(
        AIModel(
            key=f"extra-{n}",
            name=f"Extra {n}",
            vendor=f"Vendor {n}",
            open_weights=True,
            licence_name="MIT",
            licence_url="https://example.org/mit",
            licence_terms="Permissive.",
            self_hosting_profiles="h100-70b-fp8",
        )
        for n in range(40)
    )
    for model in AIModel.objects.filter(key__startswith="extra-"):
        ModelPrice.objects.create(
            model=model,
            provider="Host",
            input_usd_per_mtok=Decimal(1),
            output_usd_per_mtok=Decimal(1),
            as_of=datetime.date(2026, 12, 1),
            source="Host pricing page",
        )
    many = result_page_queries(client)
    assert many == few


def test_the_api_lists_the_catalogue_with_dated_sourced_figures(client) -> None:
    response = client.get("/api/v1/models")
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"models-')
    models = {m["key"]: m for m in response.json()}
    assert set(models) >= GUIDE_MODELS
    maverick = models["llama-4-maverick"]
    assert set(maverick) >= {
        "key",
        "name",
        "vendor",
        "open_weights",
        "license",
        "context_window",
        "approaches",
        "prices",
        "quality",
    }
    assert set(maverick["license"]) == {"name", "url", "terms"}
    assert "open_self_hosted" in maverick["approaches"]
    for model in models.values():
        for price in model["prices"]:
            assert price["as_of"]
            assert price["source"]
        for score in model["quality"]:
            assert score["source"]
            assert score["as_of"]
    assert models["gpt-5"]["approaches"] == ["closed_api", "closed_enterprise"]
    again = client.get("/api/v1/models", HTTP_IF_NONE_MATCH=response.headers["ETag"])
    assert again.status_code == 304


def test_the_recommend_response_carries_the_shortlist(client) -> None:
    result = recommend(client, HIGH_VOLUME)
    shortlist = result["shortlist"]
    assert shortlist
    for entry in shortlist:
        assert {"model", "name", "approach", "why", "monthly_usd"} <= set(entry)
        assert entry["monthly_usd"] > 0
    assert shortlist[0]["shortlist_for"] == result["top"]
    assert (
        "shortlist"
        in client.get("/api/v1/openapi.json").json()["components"]["schemas"]["RecommendationOut"][
            "properties"
        ]
    )


def test_a_saved_report_keeps_its_prices_and_a_rerun_shows_the_new_ones(
    client,
    org,  # noqa: F811
    editor,  # noqa: F811
) -> None:
    client.force_login(editor)
    start_wizard(client, "high-volume")
    client.post("/reports/save/", {"org": org.code, "title": "Volume"})
    report = Report.objects.get()
    page = html.unescape(client.get(url(report)).content.decode())
    assert "$0.27 in, $0.85 out" in page
    price = ModelPrice.current.get(model__key="llama-4-maverick", provider="Together AI")
    price.replace(
        input_usd_per_mtok=Decimal("0.20"),
        output_usd_per_mtok=Decimal("0.60"),
        as_of=datetime.date(2026, 12, 2),
        source="Together AI pricing page",
    )
    page = html.unescape(client.get(url(report)).content.decode())
    assert "$0.27 in, $0.85 out" in page
    assert "$0.2 in, $0.6 out" not in page
    exported = client.get(url(report, "export.json")).json()
    assert exported["result"]["shortlist"] == report.snapshot["shortlist"]
    client.post(url(report, "rerun/"))
    rerun = Report.objects.exclude(pk=report.pk).get()
    rerun_page = html.unescape(client.get(url(rerun)).content.decode())
    assert "$0.2 in, $0.6 out" in rerun_page
    listed = rerun_page[rerun_page.index('class="price-changes"') :]
    assert (
        "Llama 4 Maverick at Together AI: $0.27 in, $0.85 out (as of 2025-08-01) → "
        "$0.2 in, $0.6 out (as of 2026-12-02)"
    ) in listed


@pytest.mark.parametrize("modality", ["image", "audio"])
def test_the_modalities_answer_narrows_the_named_models(client, modality: str) -> None:
    answers = {"data_sensitivity": "non_sensitive", "requests_per_day": 500}
    every = recommend(client, answers)["shortlist"]
    narrowed = recommend(client, {**answers, "modalities": modality})["shortlist"]
    reads = {m.key: m.modalities for m in AIModel.objects.all()}
    assert narrowed
    assert all(modality in reads[m["model"]] for m in narrowed)
    assert any(modality not in reads[m["model"]] for m in every)  # it did narrow
