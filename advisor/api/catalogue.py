"""``GET /api/v1/models``: the model catalogue, with licences and dated, sourced figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import Router

from advisor.api.schemas import CatalogueModelOut
from advisor.catalogue.snapshot import current_catalogue
from advisor.knowledge.models import RulesetState

router = Router(tags=["catalogue"])

MODELS_MAX_AGE = 60


@router.get(
    "/models",
    url_name="models",
    operation_id="models",
    response={200: list[CatalogueModelOut], 304: None},
    summary="The model catalogue: licences, prices and quality, each with its date and source",
    description=(
        "Every model in the catalogue: its licence (with the terms that bite), where it can "
        "run, its current prices per million tokens with the date each was last checked and "
        "its source, and published quality figures with their source and date. Cacheable for "
        f"{MODELS_MAX_AGE} seconds; the `ETag` follows the knowledge-base version."
    ),
)
def models(request: HttpRequest, response: HttpResponse) -> Any:
    version, _ = RulesetState.current()
    etag = f'"models-{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        patch_cache_control(not_modified, max_age=MODELS_MAX_AGE)
        return not_modified
    response["ETag"] = etag
    patch_cache_control(response, max_age=MODELS_MAX_AGE)
    return [model_to_dict(model) for model in current_catalogue(version)]


def approaches_of(model: Mapping[str, Any]) -> list[str]:
    """The approaches a model can be used through."""
    if not model["open_weights"]:
        return ["closed_api", "closed_enterprise"] if model["prices"] else []
    if not model["production_allowed"]:
        return []
    found = []
    if model["prices"] or model["self_hosting_profiles"]:
        found.append("open_api_host")
    if model["self_hosting_profiles"]:
        found += ["open_self_hosted", "open_fine_tuned"]
    return found


def model_to_dict(model: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "key": model["key"],
        "name": model["name"],
        "vendor": model["vendor"],
        "family": model["family"],
        "tier": model["tier"],
        "open_weights": model["open_weights"],
        "license": model["license"],
        "max_monthly_users": model["max_monthly_users"],
        "context_window": model["context_window"],
        "modalities": model["modalities"],
        "approaches": approaches_of(model),
        "ollama_tag": (model["ollama"] or {}).get("tag"),
        "ollama_note": (model["ollama"] or {}).get("note", ""),
        "prices": [
            {
                "where": price["where"],
                "input_usd_per_mtok": float(price["input_usd_per_mtok"]),
                "output_usd_per_mtok": float(price["output_usd_per_mtok"]),
                "as_of": price["as_of"],
                "source": price["source"],
                "source_url": price["source_url"],
            }
            for price in model["prices"]
        ],
        "quality": model["quality"],
    }
