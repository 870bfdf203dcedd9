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

Every entry is checked with the models' own field validation (digits and decimal places
of an amount, lengths, http(s) links, dates) before anything is compared: a file with one
unusable entry is refused whole, with each entry and its reason. The fingerprint covers
everything applying writes (amounts, dates, source, links, the price book offering).

Applying writes in one transaction, keeps the price book's offering for the same model
equal to the catalogue's price, and bumps the knowledge version once. Applies take a lock
and are recorded (``PriceImport``), so one review applied twice, or four times at once,
writes once and answers ``AlreadyApplied`` to the others.
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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advisor.catalogue.models import AIModel, ModelPrice, PriceImport, split_list, today
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


class AlreadyApplied(StaleReview):
    """The reviewed plan was applied already (by this request's twin, or earlier)."""

    def __init__(self, record: PriceImport) -> None:
        self.record = record
        when = timezone.localtime(record.applied_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(f"These changes were already applied ({when}); nothing more was changed.")


#: A file's problems are listed up to this many; the rest are counted.
MAX_PROBLEMS = 50
#: What applying writes, and to which models: each value is checked with their fields.
PRICE_FIELDS = ("provider", "input_usd_per_mtok", "output_usd_per_mtok", "source_url")
OFFERING_FIELDS = frozenset({"input_usd_per_mtok", "output_usd_per_mtok", "source", "as_of"})
#: A check date may be a day ahead (a file written east of UTC), no more.
LATEST_AS_OF = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PriceData:
    """Prices by reference ('provider:model id'), with where they come from and when."""

    source: str
    as_of: datetime.date
    prices: dict[str, dict[str, str]]
    #: Entries of the bundled data the catalogue cannot store, by reference, with why:
    #: an import that needs one is refused (``plan``); the others are never read.
    refused: dict[str, list[str]] = field(default_factory=dict)


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
    #: What applying writes besides the amounts: the link and the price book offering.
    source_url: str | None = None
    offering: str = ""


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
    """A price as a plain decimal string: 1.25, 10, 0.05 (limits: ``_field_problems``)."""
    if value is None:
        raise ValueError("is missing")
    if isinstance(value, (bool, float)):
        raise ValueError("a price must be a string or a whole number, not a float")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"{value!r} is not a number") from error
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a number")
    return f"{amount.normalize():f}"


def _field_problems(name: str, value: Any) -> list[str]:
    """What the fields that would store ``value`` say of it (their own validators: digits,
    decimal places, minimum, length, link scheme, date), as ``name: reason`` lines."""
    fields: list[Any] = [ModelPrice._meta.get_field(name)]
    if name in OFFERING_FIELDS:
        fields.append(Offering._meta.get_field(name))
    found: list[str] = []
    for model_field in fields:
        try:
            model_field.clean(value, None)
        except ValidationError as error:
            found += [f"{name}: {m}" for m in error.messages if f"{name}: {m}" not in found]
    return found


def _entry(ref: Any, row: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """One price entry, checked: (the values applying would write, the problems)."""
    if not isinstance(ref, str) or ":" not in ref:
        return {}, ["'ref' must be 'provider:model id'."]
    values: dict[str, Any] = {
        "provider": row.get("provider") or ref.split(":", 1)[0],
        "source_url": row.get("source_url") or "",
    }
    problems = [
        f"{name}: must be text." for name, value in values.items() if not isinstance(value, str)
    ]
    problems += _field_problems("import_ref", ref)
    for name in ("input_usd_per_mtok", "output_usd_per_mtok"):
        try:
            values[name] = _money(row.get(name))
        except ValueError as error:
            problems.append(f"{name}: {error}.")
    if problems:
        return {}, problems
    for name in PRICE_FIELDS:
        problems += _field_problems(name, values[name])
    return values, problems


def _shared_problems(source: Any, as_of: Any) -> list[str]:
    problems: list[str] = []
    if not isinstance(source, str) or not source.strip():
        problems.append("'source' must say where the prices come from.")
    else:
        problems += [
            f"'source': {p.split(': ', 1)[1]}" for p in _field_problems("source", source.strip())
        ]
    if isinstance(as_of, datetime.date) and as_of > today() + LATEST_AS_OF:
        problems.append(f"'as_of' is in the future ({as_of.isoformat()}).")
    return problems


# --- reading the data ----------------------------------------------------------------------


def bundled_price_data(as_of: datetime.date | None = None) -> PriceData:
    """The prices shipped inside the installed ``genai-prices`` package (no network).

    A few of its entries have more decimal places than the catalogue stores (e.g. 0.36975):
    they are kept aside (``refused``), and refuse the import only if the catalogue uses one.
    """
    from importlib.metadata import version

    from genai_prices.data import providers
    from genai_prices.types import TieredPrices

    now = datetime.datetime.now(tz=datetime.UTC)
    found: dict[str, dict[str, str]] = {}
    refused: dict[str, list[str]] = {}
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
            ref = f"{provider.id}:{model.id}"
            values, problems = _entry(
                ref,
                {
                    "provider": PROVIDER_NAMES.get(provider.id, provider.name),
                    "input_usd_per_mtok": amounts[0],
                    "output_usd_per_mtok": amounts[1],
                    "source_url": url,
                },
            )
            if problems:
                refused[ref] = problems
            else:
                found[ref] = values
    source = f"genai-prices {version('genai-prices')} price data"
    return PriceData(source=source, as_of=as_of or today(), prices=found, refused=refused)


def price_data_from_json(text: str | bytes) -> PriceData:
    """``{"source": "...", "as_of": "YYYY-MM-DD", "prices": [{"ref": "provider:model",
    "provider": "...", "input_usd_per_mtok": "0.59", "output_usd_per_mtok": "0.79",
    "source_url": "https://..."}, ...]}``; raises ``PriceDataError`` saying what is wrong,
    entry by entry: one unusable entry refuses the whole file."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise PriceDataError([f"Not JSON: {error}."]) from error
    if not isinstance(data, Mapping):
        raise PriceDataError(["The file must hold a JSON object with 'source', 'as_of', 'prices'."])
    problems: list[str] = []
    as_of: datetime.date | None = None
    date_problems = (
        _field_problems("as_of", data["as_of"]) if isinstance(data.get("as_of"), str) else []
    )
    if not isinstance(data.get("as_of"), str) or date_problems:
        problems.append(
            "'as_of' must be the date the prices were checked (YYYY-MM-DD)"
            + (f": {date_problems[0].split(': ', 1)[1]}" if date_problems else ".")
        )
    else:
        as_of = datetime.date.fromisoformat(data["as_of"])
    problems += _shared_problems(data.get("source"), as_of)
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
        values, entry_problems = _entry(ref, row)
        if isinstance(ref, str) and ":" in ref:
            where = f"{where} ({ref[:80]})"
            if ref in found:
                entry_problems.append(f"{ref[:80]!r} is listed twice.")
        problems += [f"{where}: {problem}" for problem in entry_problems]
        if not entry_problems:
            found[str(ref)] = values
    if problems:
        if len(problems) > MAX_PROBLEMS:
            extra = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], f"... and {extra} more problems."]
        raise PriceDataError(problems)
    assert as_of is not None
    return PriceData(source=data["source"].strip(), as_of=as_of, prices=found)


# --- comparing and applying ----------------------------------------------------------------


def plan(data: PriceData) -> Plan:
    """What applying ``data`` would do to each price (three queries); raises
    ``PriceDataError`` when the catalogue uses an entry of the data it cannot store."""
    current = list(ModelPrice.current.select_related("model").order_by("model__order", "id"))
    by_ref = {price.import_ref: price for price in current if price.import_ref}
    changes: list[Change] = []
    refused: list[str] = []
    for model in AIModel.objects.order_by("order", "key"):
        providers = {p.provider for p in current if p.model_id == model.pk}
        for ref in split_list(model.import_refs):
            if ref in data.refused:
                refused += [f"{model.name} ({ref}): {p}" for p in data.refused[ref]]
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
                        source_url=row["source_url"],
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
                        source_url=row["source_url"],
                        offering=price.offering_key,
                        **base,
                    )
                )
    if refused:
        raise PriceDataError(
            ["The price data has prices the catalogue cannot store:", *refused[:MAX_PROBLEMS]]
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


def apply(data: PriceData, fingerprint: str, *, review: PriceImport | None = None) -> Plan:
    """Write the plan for ``data`` if it is still the one reviewed (``fingerprint``), in one
    transaction; raises ``AlreadyApplied`` when that review was applied already and
    ``StaleReview`` when the prices or the data changed since. ``review``: the stored
    review the data came from (recorded as applied)."""
    with transaction.atomic(), versioning_suspended():
        # One apply at a time: the knowledge's single state row is the lock (SQLite's
        # write transactions are exclusive anyway). A second apply of the same review
        # waits here, then finds the first one's record below.
        list(RulesetState.objects.select_for_update().order_by("pk").values_list("pk")[:1])
        reviewed = plan(data)
        if reviewed.fingerprint != fingerprint:
            done = (
                PriceImport.objects.filter(fingerprint=fingerprint, applied_at__isnull=False)
                .order_by("-applied_at")
                .first()
            )
            if done is not None:
                raise AlreadyApplied(done)
            raise StaleReview(
                "The prices or the data changed since this review: review them again."
            )
        if not reviewed.actionable:
            return reviewed
        models = {m.key: m for m in AIModel.objects.all()}
        for change in reviewed.actionable:
            # Everything written comes from the reviewed change, which the fingerprint covers.
            price_id = change.price_id or 0
            source_url = change.source_url or ""
            amounts = {
                "input_usd_per_mtok": Decimal(change.new_input or ""),
                "output_usd_per_mtok": Decimal(change.new_output or ""),
            }
            if change.kind == "re-checked":
                price = ModelPrice.objects.get(pk=price_id)
                price.as_of, price.source, price.source_url = data.as_of, data.source, source_url
                price.save(update_fields=["as_of", "source", "source_url"])
            elif change.kind == "changed":
                ModelPrice.objects.get(pk=price_id).replace(
                    **amounts, as_of=data.as_of, source=data.source, source_url=source_url
                )
            else:
                ModelPrice.objects.create(
                    model=models[change.model],
                    provider=change.provider,
                    as_of=data.as_of,
                    source=data.source,
                    source_url=source_url,
                    import_ref=change.ref,
                    **amounts,
                )
            if change.offering:
                Offering.objects.filter(key=change.offering).update(
                    **amounts, as_of=data.as_of, source=data.source
                )
        RulesetState.bump()
        record = review or PriceImport(fingerprint=fingerprint)
        record.source, record.as_of = data.source, data.as_of
        record.applied_at, record.summary = timezone.now(), reviewed.summary()
        record.save()
    return reviewed
