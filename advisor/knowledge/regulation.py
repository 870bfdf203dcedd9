"""Regulation as part of the knowledge snapshot: obligations and provider assurances as plain,
immutable data (what ``advisor.advice.obligations`` reads), and the shipped seed's loader."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import F

SEED_PATH = Path(__file__).resolve().parent / "seed" / "regulation.json"


@dataclass(frozen=True, slots=True)
class ObligationInfo:
    key: str
    title: str
    law: str
    article: str
    url: str
    applies_from: datetime.date
    status: str
    summary: str
    requires: str
    checked_on: datetime.date
    #: Question key -> the options that trigger it (all questions must match).
    triggers: Mapping[str, frozenset[str]]
    #: Approach key -> (effect, condition); approaches not listed are "allowed".
    effects: Mapping[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class AssuranceInfo:
    provider: str
    service: str
    approaches: tuple[str, ...]
    dpa: str
    baa: str
    baa_scope: str
    zero_retention: str
    eu_processing: str
    uk_processing: str
    regional_uplift_percent: float | None
    trains_by_default: str
    notes: str
    source_url: str
    verified_on: datetime.date

    def meets(self, requirement: str) -> bool:
        """Whether this service offers what an obligation needs (on request counts)."""
        if requirement == "no_training":
            return self.trains_by_default == "no"
        return getattr(self, requirement, "") in {"yes", "on_request"}


@dataclass(frozen=True, slots=True)
class Regulation:
    obligations: tuple[ObligationInfo, ...]
    assurances: tuple[AssuranceInfo, ...]


def load_rows() -> dict[str, Any]:
    """Four queries: obligations, their triggers and effects, and the assurances."""
    from advisor.knowledge.models import (
        Obligation,
        ObligationEffect,
        ObligationTrigger,
        ProviderAssurance,
    )

    return {
        "obligations": list(Obligation.objects.values()),
        "triggers": list(ObligationTrigger.objects.values("obligation_id", "question", "option")),
        "effects": list(
            ObligationEffect.objects.values("obligation_id", "approach", "effect", "condition")
        ),
        "assurances": list(ProviderAssurance.objects.values()),
    }


def build(rows: dict[str, Any]) -> Regulation:
    triggers: dict[int, dict[str, set[str]]] = {}
    for t in rows["triggers"]:
        triggers.setdefault(t["obligation_id"], {}).setdefault(t["question"], set()).add(
            t["option"]
        )
    effects: dict[int, dict[str, tuple[str, str]]] = {}
    for e in rows["effects"]:
        effects.setdefault(e["obligation_id"], {})[e["approach"]] = (e["effect"], e["condition"])
    obligations = sorted(rows["obligations"], key=lambda o: (o["order"], o["key"]))
    return Regulation(
        obligations=tuple(
            ObligationInfo(
                key=o["key"],
                title=o["title"],
                law=o["law"],
                article=o["article"],
                url=o["url"],
                applies_from=o["applies_from"],
                status=o["status"],
                summary=o["summary"],
                requires=o["requires"],
                checked_on=o["checked_on"],
                triggers={q: frozenset(opts) for q, opts in triggers.get(o["id"], {}).items()},
                effects=dict(effects.get(o["id"], {})),
            )
            for o in obligations
        ),
        assurances=tuple(
            AssuranceInfo(
                provider=a["provider"],
                service=a["service"],
                approaches=tuple(k.strip() for k in a["approaches"].split(",") if k.strip()),
                dpa=a["dpa"],
                baa=a["baa"],
                baa_scope=a["baa_scope"],
                zero_retention=a["zero_retention"],
                eu_processing=a["eu_processing"],
                uk_processing=a["uk_processing"],
                regional_uplift_percent=(
                    None
                    if a["regional_uplift_percent"] is None
                    else float(a["regional_uplift_percent"])
                ),
                trains_by_default=a["trains_by_default"],
                notes=a["notes"],
                source_url=a["source_url"],
                verified_on=a["verified_on"],
            )
            for a in sorted(rows["assurances"], key=lambda a: (a["provider"], a["service"]))
        ),
    )


def read_seed() -> dict[str, Any]:
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


def load_regulation(
    apps: Any = global_apps, document: dict[str, Any] | None = None, *, bump: bool = True
) -> None:
    """Replace the obligations and provider assurances with the shipped ones (or
    ``document``'s), in one transaction and one version bump (none with ``bump=False``, for
    a caller that bumps once for a larger load)."""
    from advisor.knowledge.signals import versioning_suspended

    document = document or read_seed()
    obligation = apps.get_model("knowledge", "Obligation")
    trigger = apps.get_model("knowledge", "ObligationTrigger")
    effect = apps.get_model("knowledge", "ObligationEffect")
    assurance = apps.get_model("knowledge", "ProviderAssurance")
    with transaction.atomic(), versioning_suspended():
        obligation.objects.all().delete()
        assurance.objects.all().delete()
        for order, item in enumerate(document["obligations"]):
            row = obligation.objects.create(
                order=order,
                **{k: v for k, v in item.items() if k not in {"triggers", "effects"}},
            )
            trigger.objects.bulk_create(
                trigger(obligation=row, question=q, option=o) for q, o in item["triggers"]
            )
            effect.objects.bulk_create(
                effect(obligation=row, approach=a, effect=e, condition=c)
                for a, e, c in item["effects"]
            )
        assurance.objects.bulk_create(assurance(**item) for item in document["assurances"])
        if bump:  # one version for the whole load: every cached result is recomputed once
            state = apps.get_model("knowledge", "RulesetState")
            state.objects.filter(pk=1).update(version=F("version") + 1)
