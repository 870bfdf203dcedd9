"""Template helpers for pages that show advice (``{% load advice %}``).

Registered as a template library in the settings (``TEMPLATES[...]["OPTIONS"]["libraries"]``),
so this plain package needs no Django app of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from advisor.advice import summary
from advisor.advice.charts import chart_image, tornado_image

register = template.Library()


@register.simple_tag
def cost_chart(chart: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The drawn chart of a cost analysis (``{% cost_chart c.chart as chart %}``)."""
    return chart_image(chart) if chart else None


@register.simple_tag
def sensitivity_chart(entry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The tornado chart of one approach's sensitivity (``{% sensitivity_chart s as t %}``)."""
    return tornado_image(entry) if entry else None


@register.filter
def executive_summary(outcome: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The executive summary of a result or plan (``{% with s=outcome|executive_summary %}``)."""
    return summary.executive_summary(outcome)


@register.filter
def lower_first(text: object) -> str:
    """Text to go mid-sentence, its capitals kept (``{{ label|lower_first }}``)."""
    return summary.lower_first(str(text))
