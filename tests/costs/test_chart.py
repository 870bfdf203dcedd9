"""The break-even chart: a small, deterministic, script-free SVG with text alternatives."""

from __future__ import annotations

import base64
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from advisor.costs import (
    BreakEven,
    Chart,
    ChartRow,
    InfraProfile,
    Offering,
    break_even,
    curve,
    format_usd,
    render_chart,
)
from tests.costs import PLAIN, make_offering, make_profile, workload

SVG_NS = "{http://www.w3.org/2000/svg}"


def chart_for(
    requests: int,
    offering: Offering | None = None,
    profile: InfraProfile | None = None,
    title: str = "Frontier API or one rented GPU",
) -> Chart:
    offering = offering or make_offering()
    profile = profile or make_profile()
    shape = workload(requests)
    be = break_even(shape, offering, profile, PLAIN)
    return render_chart(curve(shape, offering, profile, PLAIN, be), requests, be, title)


@pytest.fixture(scope="module")
def chart() -> Chart:
    return chart_for(500)


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    return ["".join(node.itertext()) for node in root.iter(f"{SVG_NS}text")]


def test_valid_svg_without_script(chart: Chart) -> None:
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{SVG_NS}svg"
    assert "<script" not in chart.svg.lower()
    assert "onload" not in chart.svg.lower()


def test_marker_and_legend_labels(chart: Chart) -> None:
    labels = texts(chart.svg)
    assert "Break-even: 21,738/day" in labels
    assert "Your volume: 500/day" in labels
    assert "API (pay per token)" in labels
    assert "Self-hosted (rented GPUs)" in labels
    assert "$54.38/month" in labels
    assert "$2,364.00/month" in labels


def test_log_axis_tick_labels(chart: Chart) -> None:
    labels = texts(chart.svg)
    assert {"10", "100", "1k", "10k", "100k"} <= set(labels)
    assert {"$10", "$100", "$1k"} <= set(labels)


def test_deterministic(chart: Chart) -> None:
    assert chart_for(500).svg == chart.svg
    assert chart_for(600).svg != chart.svg


def test_deterministic_across_threads(chart: Chart) -> None:
    results: list[str] = []

    def render() -> None:
        results.append(chart_for(500).svg)

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [chart.svg] * 4


def test_small(chart: Chart) -> None:
    assert len(chart.svg.encode()) < 60_000
    big = chart_for(10**9)
    assert len(big.svg.encode()) < 60_000


def test_description_mentions_the_figures(chart: Chart) -> None:
    assert chart.description == (
        "At 500 requests a day the API costs $54.38 a month and self-hosting $2,364.00;"
        " self-hosting becomes cheaper from about 21,738 requests a day."
    )


def test_description_when_never() -> None:
    chart = chart_for(500, offering=make_offering("0.0125", "0.1"))
    assert "does not become cheaper up to 1,000,000,000 requests a day" in chart.description
    assert "$0.54" in chart.description
    assert not any(label.startswith("Break-even") for label in texts(chart.svg))


def test_description_when_always() -> None:
    chart = chart_for(500, profile=make_profile(hourly="0", fixed="0", cap=5000))
    assert chart.description.endswith(
        "; self-hosting costs no more than the API at any volume up to 5,000 requests a day."
    )


def test_description_over_capacity() -> None:
    local = make_profile(hourly="0", fixed="100", cap=2000)
    chart = chart_for(3000, profile=local)
    assert "cannot serve" in chart.description
    assert "$326.25" in chart.description
    ET.fromstring(chart.svg)  # noqa: S314 - our own output, not untrusted input


def test_table_rows(chart: Chart) -> None:
    assert ChartRow(500, Decimal("54.38"), Decimal("2364.00")) in chart.table
    assert ChartRow(21_738, Decimal("2364.01"), Decimal("2364.00")) in chart.table
    volumes = [row.requests_per_day for row in chart.table]
    assert volumes == sorted(volumes)
    assert {10, 100, 1000, 10_000, 100_000} <= set(volumes)
    assert len(volumes) <= 10


def test_title_and_data_uri(chart: Chart) -> None:
    assert chart.title == "Frontier API or one rented GPU"
    assert "Frontier API or one rented GPU" in texts(chart.svg)
    prefix = "data:image/svg+xml;base64,"
    assert chart.data_uri.startswith(prefix)
    assert base64.b64decode(chart.data_uri.removeprefix(prefix)).decode() == chart.svg


def test_series_must_contain_the_users_volume() -> None:
    shape = workload(500)
    be = break_even(shape, make_offering(), make_profile(), PLAIN)
    points = curve(shape, make_offering(), make_profile(), PLAIN, be)
    without_user = [p for p in points if p.requests_per_day != 500]
    with pytest.raises(ValueError, match="user's volume"):
        render_chart(without_user, 500, be, "t")


def test_unsorted_series_draws_the_same_chart(chart: Chart) -> None:
    shape = workload(500)
    be = break_even(shape, make_offering(), make_profile(), PLAIN)
    points = curve(shape, make_offering(), make_profile(), PLAIN, be)
    title = "Frontier API or one rented GPU"
    assert render_chart(points[::-1], 500, be, title).svg == chart.svg


def test_zero_volume_has_no_user_marker() -> None:
    be = BreakEven("at", 21_738, 10**9)
    points = curve(workload(0), make_offering(), make_profile(), PLAIN, be)
    chart = render_chart(points, 0, be, "t")
    assert not any(label.startswith("Your volume") for label in texts(chart.svg))
    assert chart.description.startswith("No daily volume was given;")


def test_format_usd() -> None:
    assert format_usd(Decimal("1234.5")) == "$1,234.50"
    assert format_usd(Decimal("0.005")) == "$0.01"
