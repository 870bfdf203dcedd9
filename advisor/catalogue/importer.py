"""Refresh the catalogue's prices from public price data, after a person has reviewed them.

The data is either the one shipped inside the ``genai-prices`` package (MIT; Python module
data, read offline) or a JSON file in the same shape as ``price_data_from_json`` reads.
``plan`` compares it with the current prices and says, price by price, what applying it would
do; nothing is written until ``apply`` is called with the plan's fingerprint, so a review
that has gone stale (the data or the prices changed since) cannot be applied.

- **new**: the data prices a model at a seller the catalogue names (``import_refs``) and the
  catalogue has no current price there yet;
- **changed**: the data's price differs: the old price is closed and kept with its dates;
- **re-checked**: the same price, checked again: its check date moves to the data's date;
- **unchanged**: the same price, already checked on that date;
- **kept**: prices kept by hand (no data reference, or marked "kept by hand");
- **unmatched**: references the data does not have (nothing happens to them).

Applying writes in one transaction, keeps the price book's offering for the same model
equal to the catalogue's price, and bumps the knowledge version once.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from advisor.catalogue.models import AIModel, ModelPrice, split_list, today
from advisor.knowledge.models import Offering, RulesetState
from advisor.knowledge.signals import versioning_suspended

KINDS = ("new", "changed", "re-checked", "unchanged", "kept", "unmatched")
ACTIONABLE = frozenset({"new", "changed", "re-checked"})
#: How the bundled data's providers are named in the catalogue.
PROVIDER_NAMES = {
    "deepseek": "DeepSeek",
    "fireworks": "Fireworks AI",
    "mistral": "Mistral AI",
    "together": "Together AI",
}


class PriceDataError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class StaleReview(Exception):
    """The reviewed plan no longer matches the data and the prices."""


@dataclass(frozen=True)
class PriceData:
    """Prices by reference ('provider:model id'), with where they come from and when."""

    source: str
    as_of: datetime.date
    prices: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Change:
    kind: str
    model: str
    model_name: str
    ref: str
    provider: str
    old_input: str | None = None
    old_output: str | None = None
    old_as_of: str | None = None
    new_input: str | None = None
    new_output: str | None = None
    price_id: int | None = None


@dataclass(frozen=True)
class Plan:
    data: PriceData
    changes: tuple[Change, ...]
    fingerprint: str = field(default="")

    @property
    def counts(self) -> Counter[str]:
        return Counter(change.kind for change in self.changes)

    @property
    def actionable(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind in ACTIONABLE)

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(f"{counts.get(kind, 0)} {kind}" for kind in KINDS)


def _money(value: Any) -> str:
    """A price as a plain decimal string: 1.25, 10, 0.05."""
    if isinstance(value, (bool, float)):
        raise ValueError("a price must be a string or a whole number, not a float")
    amount = Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise ValueError("a price must be 0 or more")
    return f"{amount.normalize():f}"


# --- reading the data ----------------------------------------------------------------------


def bundled_price_data(as_of: datetime.date | None = None) -> PriceData:
    """The prices shipped inside the installed ``genai-prices`` package (no network)."""
    from importlib.metadata import version

    from genai_prices.data import providers
    from genai_prices.types import TieredPrices

    now = datetime.datetime.now(tz=datetime.UTC)
    found: dict[str, dict[str, str]] = {}
    for provider in providers:
        url = (provider.pricing_urls or [""])[0]
        for model in provider.models:
            price = model.get_prices(now)
            amounts = []
            for name in ("input_mtok", "output_mtok"):
                value = getattr(price, name, None)
                if isinstance(value, TieredPrices):
                    value = value.base  # the price below the long-prompt tiers
                amounts.append(value)
            if any(value is None for value in amounts):
                continue
            found[f"{provider.id}:{model.id}"] = {
                "provider": PROVIDER_NAMES.get(provider.id, provider.name),
                "input_usd_per_mtok": _money(amounts[0]),
                "output_usd_per_mtok": _money(amounts[1]),
                "source_url": url,
            }
    return PriceData(
        source=f"genai-prices {version('genai-prices')} price data",
        as_of=as_of or today(),
        prices=found,
    )


def price_data_from_json(text: str | bytes) -> PriceData:
    """``{"source": "...", "as_of": "YYYY-MM-DD", "prices": [{"ref": "provider:model",
    "provider": "...", "input_usd_per_mtok": "0.59", "output_usd_per_mtok": "0.79",
    "source_url": "https://..."}, ...]}``; raises ``PriceDataError`` saying what is wrong."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise PriceDataError([f"Not JSON: {error}."]) from error
    if not isinstance(data, Mapping):
        raise PriceDataError(["The file must hold a JSON object with 'source', 'as_of', 'prices'."])
    problems: list[str] = []
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        problems.append("'source' must say where the prices come from.")
    try:
        as_of = datetime.date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        problems.append("'as_of' must be the date the prices were checked (YYYY-MM-DD).")
        as_of = today()
    rows = data.get("prices")
    if not isinstance(rows, list):
        problems.append("'prices' must be a list.")
        rows = []
    found: dict[str, dict[str, str]] = {}
    for index, row in enumerate(rows):
        where = f"prices[{index}]"
        if not isinstance(row, Mapping):
            problems.append(f"{where}: must be an object.")
            continue
        ref = row.get("ref")
        if not isinstance(ref, str) or ":" not in ref:
            problems.append(f"{where}: 'ref' must be 'provider:model id'.")
            continue
        if ref in found:
            problems.append(f"{where}: {ref!r} is listed twice.")
        try:
            amounts = [_money(row.get(n)) for n in ("input_usd_per_mtok", "output_usd_per_mtok")]
        except (ValueError, InvalidOperation) as error:
            problems.append(f"{where} ({ref}): {error}.")
            continue
        found[ref] = {
            "provider": str(row.get("provider") or ref.split(":", 1)[0]),
            "input_usd_per_mtok": amounts[0],
            "output_usd_per_mtok": amounts[1],
            "source_url": str(row.get("source_url") or ""),
        }
    if problems:
        raise PriceDataError(problems)
    return PriceData(source=data["source"].strip(), as_of=as_of, prices=found)


# --- comparing and applying ----------------------------------------------------------------


def plan(data: PriceData) -> Plan:
    """What applying ``data`` would do to each price (three queries)."""
    current = list(ModelPrice.current.select_related("model").order_by("model__order", "id"))
    by_ref = {price.import_ref: price for price in current if price.import_ref}
    changes: list[Change] = []
    for model in AIModel.objects.order_by("order", "key"):
        providers = {p.provider for p in current if p.model_id == model.pk}
        for ref in split_list(model.import_refs):
            row = data.prices.get(ref)
            price = by_ref.get(ref)
            if price is not None and price.model_id != model.pk:
                price = None
            base: dict[str, Any] = {"model": model.key, "model_name": model.name, "ref": ref}
            if row is None:
                provider = price.provider if price else ref.split(":", 1)[0]
                changes.append(Change("unmatched", provider=provider, **base))
            elif price is None:
                if row["provider"] in providers:  # a price kept by hand at that seller
                    continue
                changes.append(
                    Change(
                        "new",
                        provider=row["provider"],
                        new_input=row["input_usd_per_mtok"],
                        new_output=row["output_usd_per_mtok"],
                        **base,
                    )
                )
            elif not price.manual:
                old = (_money(price.input_usd_per_mtok), _money(price.output_usd_per_mtok))
                new = (row["input_usd_per_mtok"], row["output_usd_per_mtok"])
                kind = (
                    "changed"
                    if old != new
                    else ("re-checked" if price.as_of < data.as_of else "unchanged")
                )
                changes.append(
                    Change(
                        kind,
                        provider=price.provider,
                        old_input=old[0],
                        old_output=old[1],
                        old_as_of=price.as_of.isoformat(),
                        new_input=new[0],
                        new_output=new[1],
                        price_id=price.pk,
                        **base,
                    )
                )
    referenced = {c.price_id for c in changes if c.price_id}
    for price in current:
        if price.pk not in referenced and (price.manual or not _known(price, data, changes)):
            changes.append(
                Change(
                    "kept",
                    model=price.model.key,
                    model_name=price.model.name,
                    ref=price.import_ref,
                    provider=price.provider,
                    old_input=_money(price.input_usd_per_mtok),
                    old_output=_money(price.output_usd_per_mtok),
                    old_as_of=price.as_of.isoformat(),
                    price_id=price.pk,
                )
            )
    return _fingerprinted(data, changes)


def _known(price: ModelPrice, data: PriceData, changes: list[Change]) -> bool:
    """Already accounted for (an unmatched reference)."""
    return any(c.kind == "unmatched" and c.ref == price.import_ref for c in changes)


def _fingerprinted(data: PriceData, changes: list[Change]) -> Plan:
    body = json.dumps(
        [data.source, data.as_of.isoformat(), [asdict(c) for c in changes]], sort_keys=True
    )
    return Plan(data, tuple(changes), hashlib.sha256(body.encode()).hexdigest()[:16])


def apply(data: PriceData, fingerprint: str) -> Plan:
    """Write the plan for ``data`` if it is still the one reviewed (``fingerprint``), in one
    transaction; raises ``StaleReview`` otherwise."""
    with transaction.atomic(), versioning_suspended():
        reviewed = plan(data)
        if reviewed.fingerprint != fingerprint:
            raise StaleReview(
                "The prices or the data changed since this review: review them again."
            )
        if not reviewed.actionable:
            return reviewed
        models = {m.key: m for m in AIModel.objects.all()}
        for change in reviewed.actionable:
            row = data.prices[change.ref]
            price_id = change.price_id or 0
            amounts = {
                "input_usd_per_mtok": Decimal(row["input_usd_per_mtok"]),
                "output_usd_per_mtok": Decimal(row["output_usd_per_mtok"]),
            }
            if change.kind == "re-checked":
                price = ModelPrice.objects.get(pk=price_id)
                price.as_of, price.source = data.as_of, data.source
                price.source_url = row["source_url"]
                price.save(update_fields=["as_of", "source", "source_url"])
            elif change.kind == "changed":
                price = ModelPrice.objects.get(pk=price_id).replace(
                    **amounts, as_of=data.as_of, source=data.source, source_url=row["source_url"]
                )
            else:
                price = ModelPrice.objects.create(
                    model=models[change.model],
                    provider=change.provider,
                    as_of=data.as_of,
                    source=data.source,
                    source_url=row["source_url"],
                    import_ref=change.ref,
                    **amounts,
                )
            if price.offering_key:
                Offering.objects.filter(key=price.offering_key).update(
                    **amounts, as_of=data.as_of, source=data.source
                )
        RulesetState.bump()
    return reviewed
