"""The knowledge snapshot: one cheap query per request once warm, rebuilt when the version moves."""

from __future__ import annotations

import pytest

from advisor.knowledge.models import Rule, RulesetState
from advisor.knowledge.ruleset import clear_memo, current_knowledge

pytestmark = pytest.mark.django_db


def test_a_cold_snapshot_costs_the_version_and_four_row_queries(
    django_assert_max_num_queries,
) -> None:
    with django_assert_max_num_queries(5):
        knowledge = current_knowledge()
    assert len(knowledge.ruleset.rules) == Rule.objects.count()


def test_a_warm_snapshot_costs_one_query(django_assert_num_queries) -> None:
    first = current_knowledge()
    with django_assert_num_queries(1):
        again = current_knowledge()
    assert again is first


def test_another_worker_takes_the_rows_from_the_shared_cache(django_assert_num_queries) -> None:
    first = current_knowledge()
    clear_memo()  # as if this were another process sharing the cache
    with django_assert_num_queries(1):
        again = current_knowledge()
    assert again == first


def test_a_version_bump_rebuilds_the_snapshot(django_assert_max_num_queries) -> None:
    first = current_knowledge()
    rule = Rule.objects.get(name="Mixed tasks: route each one")
    assert rule.points != 1
    Rule.objects.filter(pk=rule.pk).update(points=1)
    RulesetState.bump()
    with django_assert_max_num_queries(5):
        again = current_knowledge()
    assert again.version == first.version + 1
    assert {r.id: r.points for r in again.ruleset.rules}[rule.pk] == 1.0
    assert {r.id: r.points for r in first.ruleset.rules}[rule.pk] == float(rule.points)


def test_the_catalogue_is_memoised_with_the_snapshot(django_assert_num_queries) -> None:
    knowledge = current_knowledge()
    presets = knowledge.catalogue.presets
    with django_assert_num_queries(0):
        assert knowledge.catalogue.presets == presets
    assert len(presets) == 10
