"""List filters shared by the knowledge admin: entries older than the staleness setting."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from advisor.knowledge.models import RulesetState


def stale_cutoff() -> datetime.date:
    """Entries dated before this day are past the editors' staleness setting."""
    days = RulesetState.objects.values_list("price_stale_after_days", flat=True).first() or 90
    return timezone.now().date() - datetime.timedelta(days=days)


class StaleFilter(admin.SimpleListFilter):
    """Prices (or, in subclasses, other dated entries) past the staleness setting or not."""

    title = "price age"
    parameter_name = "age"
    field = "as_of"
    labels = ("Possibly out of date", "Recent")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("stale", self.labels[0]), ("fresh", self.labels[1])]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "stale":
            return queryset.filter(**{f"{self.field}__lt": stale_cutoff()})
        if self.value() == "fresh":
            return queryset.filter(**{f"{self.field}__gte": stale_cutoff()})
        return queryset
