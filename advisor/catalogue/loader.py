"""The shipped catalogue (``seed/catalogue.json``): checked, then loaded in one transaction.

``reset_catalogue`` and the data migration both call ``load_catalogue``; it replaces every
model, price (history included) and score with the shipped ones and bumps the knowledge
version once.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F

SEED_PATH = Path(__file__).parent / "seed" / "catalogue.json"
FORMAT = "sourcing-advisor-catalogue"
TIERS = ("small", "standard", "frontier")
REQUIRED = ("key", "name", "vendor", "licence_name", "licence_url", "licence_terms")


class CatalogueError(ValueError):
    """The catalogue data is not loadable; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def read_seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    return data


def _date_ok(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _money_ok(value: Any) -> bool:
    if isinstance(value, (bool, float)):
        return False
    try:
        return Decimal(str(value)) >= 0
    except InvalidOperation:
        return False


def problems(data: Any) -> list[str]:
    """Every reason the data cannot be loaded (empty: it can)."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        return [f"Not a catalogue file: expected an object with format {FORMAT!r}."]
    models = data.get("models")
    if not isinstance(models, list):
        return ["'models' must be a list."]
    found: list[str] = []
    keys: set[str] = set()
    for index, item in enumerate(models):
        where = f"models[{index}]"
        if not isinstance(item, Mapping):
            found.append(f"{where}: must be an object.")
            continue
        where = f"model {item.get('key', index)!r}"
        found += [f"{where}: {name} is required." for name in REQUIRED if not item.get(name)]
        if item.get("key") in keys:
            found.append(f"{where}: the key is used twice.")
        keys.add(str(item.get("key")))
        if item.get("tier", "standard") not in TIERS:
            found.append(f"{where}: tier must be one of {', '.join(TIERS)}.")
        providers: set[str] = set()
        for price in item.get("prices", []):
            if not price.get("provider") or not price.get("source"):
                found.append(f"{where}: every price needs a provider and a source.")
            if price.get("provider") in providers:
                found.append(f"{where}: two current prices at {price.get('provider')!r}.")
            providers.add(price.get("provider"))
            for name in ("input_usd_per_mtok", "output_usd_per_mtok"):
                if not _money_ok(price.get(name)):
                    found.append(f"{where}: {name} must be a price of 0 or more, as a string.")
            if not _date_ok(price.get("as_of")):
                found.append(f"{where}: a price's as_of must be a date (YYYY-MM-DD).")
        for score in item.get("scores", []):
            if not (
                score.get("source") and score.get("source_url") and _date_ok(score.get("as_of"))
            ):
                found.append(f"{where}: a quality score needs its source, link and date.")
            if not _money_ok(score.get("value")):
                found.append(f"{where}: a quality score's value must be a number, as a string.")
    return found


MODEL_FIELDS = (
    "key",
    "name",
    "vendor",
    "family",
    "size",
    "tier",
    "open_weights",
    "licence_name",
    "licence_url",
    "licence_terms",
    "max_monthly_users",
    "excluded_jurisdictions",
    "production_allowed",
    "context_window",
    "modalities",
    "api_hosts",
    "self_hosting_profiles",
    "ollama_tag",
    "ollama_note",
    "notes",
    "in_guide",
    "superseded_by",
    "order",
)


def load_catalogue(data: Mapping[str, Any] | None = None, *, apps: Any = None) -> int:
    """Replace the catalogue with ``data`` (default: the shipped one); returns the number of
    models. Raises ``CatalogueError`` (and changes nothing) when the data is not loadable."""
    data = read_seed() if data is None else data
    found = problems(data)
    if found:
        raise CatalogueError(found)
    if apps is None:
        from advisor.catalogue import models as catalogue_models
        from advisor.knowledge import models as knowledge_models
        from advisor.knowledge.signals import versioning_suspended

        AIModel: Any = catalogue_models.AIModel
        ModelPrice: Any = catalogue_models.ModelPrice
        QualityScore: Any = catalogue_models.QualityScore
        RulesetState: Any = knowledge_models.RulesetState
        suspended: Any = versioning_suspended
    else:
        import contextlib

        AIModel = apps.get_model("catalogue", "AIModel")
        ModelPrice = apps.get_model("catalogue", "ModelPrice")
        QualityScore = apps.get_model("catalogue", "QualityScore")
        RulesetState = apps.get_model("knowledge", "RulesetState")
        suspended = contextlib.nullcontext
    with transaction.atomic(), suspended():
        # Prices and scores first, reading only their keys: a row the database should never
        # have held (an amount wider than its column, stored by SQLite) must not stop the
        # reset that repairs it. Deleting the models would read every column of them.
        ModelPrice.objects.only("pk").delete()
        QualityScore.objects.only("pk").delete()
        AIModel.objects.all().delete()
        for item in data["models"]:
            values = {name: item[name] for name in MODEL_FIELDS if name in item}
            values["import_refs"] = "\n".join(item.get("import_refs", []))
            row = AIModel.objects.create(**values)
            ModelPrice.objects.bulk_create(
                ModelPrice(
                    model=row,
                    provider=price["provider"],
                    input_usd_per_mtok=Decimal(str(price["input_usd_per_mtok"])),
                    output_usd_per_mtok=Decimal(str(price["output_usd_per_mtok"])),
                    as_of=datetime.date.fromisoformat(price["as_of"]),
                    source=price["source"],
                    source_url=price.get("source_url", ""),
                    import_ref=price.get("import_ref", ""),
                    manual=bool(price.get("manual", False)),
                    offering_key=price.get("offering_key", ""),
                )
                for price in item.get("prices", [])
            )
            QualityScore.objects.bulk_create(
                QualityScore(
                    model=row,
                    metric=score["metric"],
                    value=Decimal(str(score["value"])),
                    source=score["source"],
                    source_url=score["source_url"],
                    as_of=datetime.date.fromisoformat(score["as_of"]),
                )
                for score in item.get("scores", [])
            )
        if not RulesetState.objects.update(version=F("version") + 1):
            RulesetState.objects.create(pk=1, version=2)
    return len(data["models"])
