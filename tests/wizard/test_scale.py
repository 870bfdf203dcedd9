"""Wizard pages stay small and make a constant number of queries, however big the ruleset."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from advisor.knowledge.models import AccessPath, Preset, Rule, RuleCondition
from tests.wizard.conftest import FULL_ANSWERS, HTMX, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenfold_ruleset() -> None:
    """Ten times the shipped rules, conditions, presets and access paths."""
    rules = list(Rule.objects.prefetch_related("conditions"))
    for copy in range(1, 10):
        clones = Rule.objects.bulk_create(
            Rule(
                name=f"{rule.name} ({copy})",
                effect=rule.effect,
                approach_id=rule.approach_id,
                points=rule.points,
                rationale=rule.rationale,
                order=rule.order + copy,
            )
            for rule in rules
        )
        RuleCondition.objects.bulk_create(
            RuleCondition(
                rule=clone,
                question_id=c.question_id,
                operator=c.operator,
                option_id=c.option_id,
                threshold=c.threshold,
            )
            for rule, clone in zip(rules, clones, strict=True)
            for c in rule.conditions.all()
        )
        Preset.objects.bulk_create(
            Preset(slug=f"{p.slug}-{copy}", label=p.label, answers=p.answers)
            for p in Preset.objects.filter(slug__regex=r"^[a-z-]+[a-z]$")
        )
        AccessPath.objects.bulk_create(
            AccessPath(approach_id=a.approach_id, kind=a.kind, title=f"{a.title} {copy}")
            for a in AccessPath.objects.filter(title__regex=r"[a-z]$")
        )
    Rule.objects.first().save()  # one edit bumps the version
    assert Rule.objects.count() == 10 * len(rules)


def test_each_wizard_page_makes_a_small_constant_number_of_queries(
    client: Client, tenfold_ruleset, django_assert_max_num_queries
) -> None:
    client.get("/")  # warms the knowledge snapshot for this version
    with django_assert_max_num_queries(1):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(2):  # version + wizard session
        client.get("/wizard/")
    with django_assert_max_num_queries(2):
        client.get("/wizard/step/data_sensitivity/", **HTMX)
    # version, session, one INSERT + the price book (offerings, profiles, GPU prices, task
    # profiles, settings) that the side panel's leaning prices with, loaded once per version
    with django_assert_max_num_queries(8):
        answer(client, "data_sensitivity", "non_sensitive", htmx=True)
    for key, value in list(FULL_ANSWERS.items())[1:]:
        with django_assert_max_num_queries(3):  # version, session, one UPDATE
            response = answer(client, key, value, htmx=True)
        assert response.status_code == 200
    with django_assert_max_num_queries(3):
        client.post("/wizard/priorities/", {"performance": "5"}, **HTMX)
    with django_assert_max_num_queries(2):
        client.get("/wizard/review/")
    # The price book is already loaded; the obligations (obligations, triggers, effects,
    # assurances: four queries) and the model catalogue (models, prices, scores: three
    # queries whatever their number) are loaded once per version.
    with django_assert_max_num_queries(9):
        assert client.get("/wizard/result/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/wizard/result/").status_code == 200


def test_a_cold_snapshot_costs_a_bounded_number_of_queries(
    client: Client, tenfold_ruleset, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(9):  # version, 4 knowledge, 3 catalogue, session
        client.post("/wizard/?preset=high-volume")


def _compressed(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=9))


def test_the_first_wizard_load_is_under_60_kb_compressed(client: Client) -> None:
    response = client.get("/wizard/step/data_sensitivity/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    total = len(response.content)
    assets = re.findall(
        r'(?:href|src)="/static/([^"]+)"', gzip.decompress(response.content).decode()
    )
    assert any(asset.endswith(".css") for asset in assets)
    for asset in assets:
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as handle:
            total += _compressed(handle.read())
    assert total <= 60 * 1024, total


def test_each_htmx_step_swap_is_under_5_kb(client: Client) -> None:
    for key, value in FULL_ANSWERS.items():
        response = client.post(
            f"/wizard/step/{key}/", {"answer": value}, HTTP_ACCEPT_ENCODING="gzip", **HTMX
        )
        assert len(response.content) <= 5 * 1024, (key, len(response.content))
    response = client.get("/wizard/priorities/", HTTP_ACCEPT_ENCODING="gzip", **HTMX)
    assert len(response.content) <= 5 * 1024
