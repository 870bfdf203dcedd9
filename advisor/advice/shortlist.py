"""Which named models to look at for an approach, and what each would cost.

Plain Python on the catalogue's plain data (``advisor.catalogue.snapshot``): no Django. For
each approach the result shows (the recommended one and the runner-up), two to four models
that fit the answers:

- the tier the work needs (frontier when the answers say so, else the task's tier);
- what the user needs it to read (modalities);
- the licence: never a research or non-production licence; not a model whose licence stops
  at a monthly-user count the user is over (Llama: 700 million), nor one whose licence is
  not granted where the organisation is (Llama 4's multimodal rights in the EU);
- the data rules: with sensitive or regulated data an open model is never sent to a shared
  third-party API host: it runs on the dedicated or self-hosted set-up the costs priced.

Per-token models are priced at the user's volume and token shape from their own current
price; models that run on a self-hosting profile or dedicated endpoint share that set-up's
monthly cost (the same figure as the cost table). Every figure carries its date and source.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from advisor.costs.breakeven import is_stale
from advisor.costs.model import DAYS_PER_MONTH, TIERS

if TYPE_CHECKING:
    from advisor.advice.pricing import Assumptions, HybridSplit
    from advisor.knowledge.pricebook import PriceBook

CLOSED = frozenset({"closed_api", "closed_enterprise"})
SELF_HOSTED = frozenset({"open_self_hosted", "open_fine_tuned"})
SENSITIVE = frozenset({"sensitive", "regulated"})
MAX_QUALITY = 2


def needed_tier(answers: Mapping[str, Any], min_tier: str = "standard") -> str:
    return "frontier" if answers.get("frontier_capability") == "needed" else min_tier


def dedicated_only(answers: Mapping[str, Any]) -> bool:
    """Open models must not go to a shared API host (pricing decides the same way)."""
    return (
        answers.get("data_sensitivity") in SENSITIVE or answers.get("uptime") == "mission_critical"
    )


def monthly_token_cost(
    price: Mapping[str, Any], requests_per_day: int, input_tokens: int, output_tokens: int
) -> Decimal:
    per_request = (
        Decimal(price["input_usd_per_mtok"]) * input_tokens
        + Decimal(price["output_usd_per_mtok"]) * output_tokens
    ) / 1_000_000
    return per_request * requests_per_day * DAYS_PER_MONTH


def _cents(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.01")))


def licence_refusal(
    model: Mapping[str, Any], answers: Mapping[str, Any], monthly_users: int | None
) -> str | None:
    """Why the licence rules this model out for these answers, or None."""
    if not model["production_allowed"]:
        return "its licence does not allow production use"
    limit = model.get("max_monthly_users")
    if limit is not None and monthly_users is not None and monthly_users > limit:
        return f"its licence needs the vendor's permission above {limit:,} monthly users"
    if answers.get("jurisdiction") in model.get("excluded_jurisdictions", ()):
        return "its licence is not granted to organisations where yours is"
    return None


def shortlist(
    catalogue: Sequence[Mapping[str, Any]],
    approach: str,
    answers: Mapping[str, Any],
    *,
    requests_per_day: int | None,
    input_tokens: int,
    output_tokens: int,
    today: datetime.date,
    limit: int = 4,
    min_tier: str = "standard",
    profile: Mapping[str, Any] | None = None,
    monthly_users: int | None = None,
    modalities: Sequence[str] = (),
    stale_after_days: int = 90,
    enterprise_uplift_percent: Decimal = Decimal(0),
    enterprise_minimum_monthly_usd: Decimal = Decimal(0),
) -> list[dict[str, Any]]:
    """Up to ``limit`` models for ``approach`` (a non-hybrid approach key), best first.

    ``profile`` is the self-hosting profile or dedicated endpoint the costs priced for this
    approach (``{"option", "option_label", "monthly_usd", "prices_as_of", "source"}``, a
    cost-table row), if any: models are then those that run on it.
    """
    tier = needed_tier(answers, min_tier)
    by_profile = approach in SELF_HOSTED or (
        approach == "open_api_host" and dedicated_only(answers)
    )
    fits: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for model in catalogue:
        if model["open_weights"] == (approach in CLOSED):
            continue
        if TIERS.index(model["tier"]) < TIERS.index(tier):
            continue
        if any(m not in model["modalities"] for m in modalities):
            continue
        if licence_refusal(model, answers, monthly_users):
            continue
        if by_profile:
            entry = _on_profile(model, profile)
        else:
            entry = _per_token(
                model, requests_per_day, input_tokens, output_tokens, approach,
                enterprise_uplift_percent, enterprise_minimum_monthly_usd,
            )  # fmt: skip
        if entry is None:
            continue
        entry.update(_describe(model, approach, stale_after_days, today))
        exact = model["tier"] == tier
        if entry["monthly_usd"] is None:
            # Nothing to price yet: the guide's own examples first, then the exact tier.
            rank: tuple[Any, ...] = (not model["in_guide"], not exact, entry["_unit"])
        else:
            rank = (not exact, entry["monthly_usd"], not model["in_guide"])
        fits.append(((*rank, -_newest(entry)), entry))
    fits.sort(key=lambda pair: pair[0])
    chosen = _spread([entry for _, entry in fits], limit)
    by_key = {model["key"]: model for model in catalogue}
    cheapest = min((e["monthly_usd"] for e in chosen if e["monthly_usd"] is not None), default=None)
    for entry in chosen:
        entry["why"] = _why(entry, by_key, tier, cheapest, by_profile, profile)
        entry.pop("_unit")
    return chosen


def _newest(entry: Mapping[str, Any]) -> int:
    price = entry.get("price")
    return datetime.date.fromisoformat(price["as_of"]).toordinal() if price else 0


def _spread(entries: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Best first, one per vendor before a vendor's second model."""
    first: list[dict[str, Any]] = []
    vendors: set[str] = set()
    for entry in entries:
        if entry["vendor"] not in vendors:
            first.append(entry)
            vendors.add(entry["vendor"])
    rest = [entry for entry in entries if entry not in first]
    picked = (first + rest)[:limit]
    return sorted(picked, key=entries.index)


def _per_token(
    model: Mapping[str, Any],
    requests_per_day: int | None,
    input_tokens: int,
    output_tokens: int,
    approach: str,
    uplift: Decimal,
    minimum: Decimal,
) -> dict[str, Any] | None:
    """Priced from the model's cheapest current price per token (None: no price)."""
    if not model["prices"]:
        return None

    def per_request(price: Mapping[str, Any]) -> Decimal:
        return monthly_token_cost(price, 1, input_tokens, output_tokens)

    price = min(model["prices"], key=per_request)
    monthly = None
    if requests_per_day is not None:
        amount = monthly_token_cost(price, requests_per_day, input_tokens, output_tokens)
        if approach == "closed_enterprise":
            amount = max(amount * (100 + uplift) / 100, minimum)
        monthly = _cents(amount)
    return {
        "monthly_usd": monthly,
        "_unit": per_request(price),
        "price": {key: price[key] for key in price if key != "offering"},
        "runs_on": None,
    }


def _on_profile(
    model: Mapping[str, Any], profile: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Runs on the priced set-up (or, before a volume is known, on any of its own)."""
    if not model["self_hosting_profiles"]:
        return None
    if profile is None:
        return {"monthly_usd": None, "_unit": Decimal(0), "price": None, "runs_on": None}
    if profile["option"] not in model["self_hosting_profiles"]:
        return None
    return {
        "monthly_usd": profile["monthly_usd"],
        "_unit": Decimal(0),
        "price": None,
        "runs_on": {
            "option": profile["option"],
            "label": profile["option_label"],
            "as_of": profile["prices_as_of"],
            "source": profile["source"],
        },
    }


def _describe(
    model: Mapping[str, Any], approach: str, stale_after_days: int, today: datetime.date
) -> dict[str, Any]:
    return {
        "model": model["key"],
        "name": model["name"],
        "vendor": model["vendor"],
        "approach": approach,
        "tier": model["tier"],
        "size": model["size"],
        "open_weights": model["open_weights"],
        "license": dict(model["license"]),
        "quality": [dict(q) for q in model["quality"][:MAX_QUALITY]],
        "ollama": dict(model["ollama"]) if model["ollama"] else None,
        "context_window": model["context_window"],
        "modalities": list(model["modalities"]),
        "stale": _stale_entry(model, stale_after_days, today),
    }


def _stale_entry(model: Mapping[str, Any], days: int, today: datetime.date) -> bool:
    return any(
        is_stale(datetime.date.fromisoformat(p["as_of"]), today, days) for p in model["prices"]
    )


def _why(
    entry: Mapping[str, Any],
    by_key: Mapping[str, Mapping[str, Any]],
    tier: str,
    cheapest: float | None,
    by_profile: bool,
    profile: Mapping[str, Any] | None,
) -> str:
    model = by_key[entry["model"]]
    parts: list[str] = []
    if model["in_guide"]:
        parts.append("Named in the sourcing guide.")
    if tier == "frontier":
        parts.append("A frontier model, as your answers need.")
    elif model["tier"] == tier:
        parts.append(f"A {tier} model: enough for the work you describe.")
    else:
        parts.append(f"A {model['tier']} model: stronger than the work needs.")
    if entry["monthly_usd"] is not None and entry["monthly_usd"] == cheapest and not by_profile:
        parts.append("The cheapest of these at your volume.")
    if by_profile and profile is None:
        parts.append("Its weights run on your own or a dedicated set-up: your data stays there.")
    if model["open_weights"] and model.get("max_monthly_users") is None:
        parts.append(f"{model['license']['name']}: no user limit to watch.")
    successor = by_key.get(model.get("superseded_by") or "")
    if successor:
        parts.append(f"Since superseded by {successor['name']}.")
    if model["notes"]:
        parts.append(model["notes"])
    return " ".join(parts)


def result_shortlist(
    catalogue: Sequence[Mapping[str, Any]],
    approaches: Sequence[tuple[str, str]],
    answers: Mapping[str, Any],
    costs: Mapping[str, Any] | None,
    *,
    input_tokens: int,
    output_tokens: int,
    min_tier: str,
    today: datetime.date,
    hybrid_parts: Sequence[tuple[str, Mapping[str, Any]]] = (),
    stale_after_days: int = 90,
    enterprise_uplift_percent: Decimal = Decimal(0),
    enterprise_minimum_monthly_usd: Decimal = Decimal(0),
) -> list[dict[str, Any]]:
    """The shortlists a result shows: one ``{"approach", "label", "models"}`` per approach
    in ``approaches`` (key, label). A hybrid lists models for each of its parts
    (``hybrid_parts``: the part's approach and the answers it is routed by)."""
    rows = {row["approach"]: row for row in (costs or {}).get("approaches", [])}
    volume = answers.get("requests_per_day")
    volume = volume if isinstance(volume, int) else None
    common: dict[str, Any] = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "today": today,
        "min_tier": min_tier,
        "monthly_users": _whole(answers.get("monthly_users")),
        "modalities": _listed(answers.get("modalities")),
        "stale_after_days": stale_after_days,
        "enterprise_uplift_percent": enterprise_uplift_percent,
        "enterprise_minimum_monthly_usd": enterprise_minimum_monthly_usd,
    }
    found = []
    for key, label in approaches:
        row = rows.get(key)
        if key == "hybrid":
            parts = {p["approach"]: p for p in (row or {}).get("parts", [])}
            models = []
            for part_approach, part_answers in hybrid_parts:
                part = parts.get(part_approach)
                part_volume = part["requests_per_day"] if part else None
                profile = (
                    _part_profile(part, row or {}) if part and part_approach not in CLOSED else None
                )
                models += shortlist(
                    catalogue, part_approach, {**part_answers, **_licence_answers(answers)},
                    requests_per_day=part_volume, limit=2, profile=profile, **common,
                )  # fmt: skip
        else:
            profile = row if row and row.get("kind") == "profile" else None
            models = shortlist(
                catalogue, key, answers, requests_per_day=volume, profile=profile, **common
            )
        found.append({"approach": key, "label": label, "models": models})
    return found


def _part_profile(part: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """A hybrid part's set-up (its date and source: the hybrid row's)."""
    return {
        "option": part["option"],
        "option_label": part["option_label"],
        "monthly_usd": part["monthly_usd"],
        "prices_as_of": part.get("prices_as_of") or row.get("prices_as_of", ""),
        "source": part.get("source") or row.get("source", ""),
    }


def for_result(
    catalogue: Sequence[Mapping[str, Any]],
    book: PriceBook,
    approaches: Sequence[tuple[str, str]],
    answers: Mapping[str, Any],
    costs: Mapping[str, Any] | None,
    assumptions: Assumptions,
    split: HybridSplit | None,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """``result_shortlist`` with the price book's settings, the assumptions and the hybrid
    split as ``advice.result`` has them."""
    parts = (
        [
            (approach, part_answers)
            for approach, part_answers in (
                (split.closed, split.general_answers),
                (split.open, split.bulk_answers),
            )
            if approach
        ]
        if split is not None
        else []
    )
    return result_shortlist(
        catalogue,
        approaches,
        answers,
        costs,
        input_tokens=assumptions.input_tokens,
        output_tokens=assumptions.output_tokens,
        min_tier=assumptions.min_tier,
        today=today,
        hybrid_parts=parts,
        stale_after_days=book.stale_after_days,
        enterprise_uplift_percent=book.enterprise_uplift_percent,
        enterprise_minimum_monthly_usd=book.enterprise_minimum_monthly_usd,
    )


def _licence_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: answers[k] for k in ("jurisdiction",) if k in answers}


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _listed(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return ()


def price_changes(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The shortlisted models whose price moved between two results (a report and its
    re-run): ``{"name", "where", "old", "new"}`` with each price and its date."""

    def prices(groups: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (model["model"], model["price"]["where"]): {"name": model["name"], **model["price"]}
            for group in groups
            for model in group.get("models", [])
            if model.get("price")
        }

    before, after = prices(old), prices(new)
    found = []
    for key, now in after.items():
        was = before.get(key)
        amounts = ("input_usd_per_mtok", "output_usd_per_mtok")
        if was and any(was[a] != now[a] for a in amounts):
            found.append(
                {
                    "name": now["name"],
                    "where": now["where"],
                    "old": {k: was[k] for k in (*amounts, "as_of")},
                    "new": {k: now[k] for k in (*amounts, "as_of")},
                }
            )
    return found
