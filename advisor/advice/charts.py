"""The break-even chart of a cost analysis, drawn from the figures the analysis keeps.

A result (and a saved report) keeps the chart as data: its volumes and both monthly bills.
Drawing it takes a while (matplotlib), so the picture is drawn when a page shows it and
remembered by its data: the same figures are drawn once, whichever page or report asks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from advisor import costs

CHART_CACHE_SECONDS = 24 * 60 * 60


def chart_image(chart: Mapping[str, Any]) -> dict[str, Any]:
    """``{"data_uri", "title", "description", "table"}`` for a cost analysis's ``chart``."""
    key = "chart:v2:" + hashlib.sha256(json.dumps(chart, sort_keys=True).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    from advisor.costs.chart import render_chart  # matplotlib: only when a chart is drawn

    series = [
        costs.CurvePoint(volume, Decimal(api), None if hosted is None else Decimal(hosted))
        for volume, api, hosted in chart["series"]
    ]
    be = chart["break_even"]
    drawn, narrow = (
        render_chart(
            series,
            chart["user_requests_per_day"],
            costs.BreakEven(be["kind"], be["requests_per_day"], be["checked_up_to"]),
            chart["title"],
            api_label=chart["first_label"],
            self_hosted_label=chart["second_label"],
            names=(chart["first_label"], chart["second_label"]),
            narrow=is_narrow,
        )
        for is_narrow in (False, True)
    )
    image = {
        "data_uri": drawn.data_uri,
        "narrow_data_uri": narrow.data_uri,
        "title": drawn.title,
        "description": drawn.description,
        "table": [
            {
                "requests_per_day": row.requests_per_day,
                "api_usd": float(row.api_usd),
                "self_hosted_usd": None
                if row.self_hosted_usd is None
                else float(row.self_hosted_usd),
            }
            for row in drawn.table
        ],
    }
    cache.set(key, image, CHART_CACHE_SECONDS)
    return image


def tornado_image(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """``{"data_uri", "title", "description"}`` for one approach's sensitivity entry."""
    inputs = [
        row
        for row in entry["inputs"]
        if row["low_usd"] is not None
        and row["high_usd"] is not None
        and row["low_usd"] != row["high_usd"]  # an input that moves nothing is left out
    ]
    if not inputs:
        return None
    key = "tornado:v2:" + hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    from advisor.costs.chart import Bar, render_tornado  # matplotlib: only when drawn

    title = f"What moves the monthly cost of {entry['option_label']}"
    bars = [
        Bar(
            row["input"],
            row["low_label"],
            row["high_label"],
            Decimal(str(row["low_usd"])),
            Decimal(str(row["high_usd"])),
        )
        for row in inputs
    ]
    base = Decimal(str(entry["monthly_usd"]))
    drawn = render_tornado(title, base, bars)
    narrow = render_tornado(title, base, bars, narrow=True)
    image = {
        "data_uri": drawn.data_uri,
        "narrow_data_uri": narrow.data_uri,
        "title": drawn.title,
        "description": drawn.description,
    }
    cache.set(key, image, CHART_CACHE_SECONDS)
    return image
