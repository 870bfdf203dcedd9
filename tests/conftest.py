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
