"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

# pytest-playwright runs its own event loop; the live server's ORM calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """Rolled-back tests reuse version numbers, so no snapshot may outlive its test."""
    from django.core.cache import cache

    from advisor.knowledge.ruleset import clear_memo

    clear_memo()
    cache.clear()
    yield
    clear_memo()
    cache.clear()


def _runs_transactionally(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run live-server (transactional) tests after every other database test.

    They end by flushing the database, seeded knowledge included. pytest-django orders them
    last, but pytest's grouping of parametrized tests (the browser ones) can pull later
    tests behind them, so the order is restored here, keeping each group's own order.
    """
    items.sort(key=_runs_transactionally)
