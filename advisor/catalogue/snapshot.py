"""The catalogue as plain data (dicts of strings and numbers), cached by knowledge version.

The shortlist (``advisor.advice.shortlist``) and ``GET /api/v1/models`` read this. Every
catalogue edit bumps the knowledge version, so a worker rebuilds it on its next request:
three queries (models, current prices, scores) whatever the number of models, and none while
this process or the shared cache holds the version's copy.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import cache

from advisor.catalogue.models import AIModel, ModelPrice, QualityScore, split_list
from advisor.knowledge.models import RulesetState

CACHE_TIMEOUT = 24 * 60 * 60
Catalogue = tuple[dict[str, Any], ...]

_memo: dict[str, tuple[int, Catalogue]] = {}
_lock = threading.Lock()


def current_catalogue(version: int | None = None) -> Catalogue:
    """Every model with its current prices and its scores, for the knowledge ``version``
    (read from the database when not given)."""
    if version is None:
        version, _ = RulesetState.current()
    held = _memo.get("catalogue")
    if held is not None and held[0] == version:
        return held[1]
    key = f"catalogue:{version}"
    built: Catalogue | None = cache.get(key)
    if built is None:
        built = build_catalogue()
        cache.set(key, built, CACHE_TIMEOUT)
    with _lock:
        _memo["catalogue"] = (version, built)
    return built


def clear_memo() -> None:
    with _lock:
        _memo.clear()


def _money(value: Any) -> str:
    return f"{value.normalize():f}"


def build_catalogue() -> Catalogue:
    """Three queries."""
    prices: dict[int, list[dict[str, Any]]] = {}
    for price in ModelPrice.current.order_by("model_id", "provider"):
        prices.setdefault(price.model_id, []).append(
            {
                "where": price.provider,
                "input_usd_per_mtok": _money(price.input_usd_per_mtok),
                "output_usd_per_mtok": _money(price.output_usd_per_mtok),
                "as_of": price.as_of.isoformat(),
                "source": price.source,
                "source_url": price.source_url,
                "offering": price.offering_key,
            }
        )
    scores: dict[int, list[dict[str, Any]]] = {}
    for score in QualityScore.objects.order_by("model_id", "-as_of", "metric"):
        scores.setdefault(score.model_id, []).append(
            {
                "metric": score.metric,
                "value": float(score.value),
                "source": score.source,
                "source_url": score.source_url,
                "as_of": score.as_of.isoformat(),
            }
        )
    return tuple(
        {
            "key": model.key,
            "name": model.name,
            "vendor": model.vendor,
            "family": model.family,
            "size": model.size,
            "tier": model.tier,
            "open_weights": model.open_weights,
            "license": {
                "name": model.licence_name,
                "url": model.licence_url,
                "terms": model.licence_terms,
            },
            "max_monthly_users": model.max_monthly_users,
            "excluded_jurisdictions": split_list(model.excluded_jurisdictions),
            "production_allowed": model.production_allowed,
            "context_window": model.context_window,
            "modalities": split_list(model.modalities),
            "api_hosts": split_list(model.api_hosts),
            "self_hosting_profiles": split_list(model.self_hosting_profiles),
            "ollama": (
                {"tag": model.ollama_tag, "note": model.ollama_note} if model.ollama_tag else None
            ),
            "notes": model.notes,
            "in_guide": model.in_guide,
            "superseded_by": model.superseded_by,
            "prices": prices.get(model.pk, []),
            "quality": scores.get(model.pk, []),
        }
        for model in AIModel.objects.order_by("order", "key")
    )
