"""The break-even chart: both monthly bills against daily volume, as a small static SVG.

Drawn with :class:`matplotlib.figure.Figure` directly (no pyplot, so no global figure state).
The SVG backend still reads a few global rcParams when saving, so rendering holds a lock
while they are set; that also keeps the output byte-for-byte deterministic. The page
embeds the result as an ``<img>`` through :attr:`Chart.data_uri`, because the site's
Content-Security-Policy forbids the inline styles matplotlib writes into SVG.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from advisor.costs.breakeven import BreakEven, CurvePoint, round_cents

API_COLOUR = "#1d4ed8"
SELF_HOSTED_COLOUR = "#c2410c"
BREAK_EVEN_COLOUR = "#15803d"
USER_COLOUR = "#374151"

_RC = {
    "svg.hashsalt": "advisor-costs",  # fixed ids, so the same chart gives the same bytes
    "svg.fonttype": "none",  # real <text>, not glyph outlines: several times smaller
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "Liberation Sans"],
    "font.size": 10,
    "axes.titlesize": 11,
    # Labels are editors' text: a "$" is a dollar, never the start of mathtext (which
    # raised on "$_$" and took the result page down).
    "text.parse_math": False,
}
_LOCK = threading.Lock()
WIDE_SIZE = (6.4, 4.4)  # inches at 100 dpi: 640 x 440 px
NARROW_SIZE = (3.6, 4.6)  # for a phone: about the width it is shown at, so text stays ~10 px


class ChartRow(NamedTuple):
    """One line of the chart's accessible data table; money rounded to cents."""

    requests_per_day: int
    api_usd: Decimal
    self_hosted_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart with its text alternatives (description and table)."""

    svg: str
    title: str
    description: str
    table: list[ChartRow]

    @property
    def data_uri(self) -> str:
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


def format_usd(amount: Decimal) -> str:
    """``$1,234.50``: dollars with thousands separators, rounded to cents."""
    return f"${round_cents(amount):,.2f}"


def _compact(value: float, prefix: str = "") -> str:
    """Axis tick text: 500, 5k, 50k, 5M, 5B."""
    for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= divisor:
            return f"{prefix}{value / divisor:g}{suffix}"
    return f"{prefix}{value:g}"


def render_chart(
    series: Sequence[CurvePoint],
    user_requests_per_day: int,
    break_even: BreakEven,
    title: str,
    *,
    api_label: str = "API (pay per token)",
    self_hosted_label: str = "Self-hosted (rented GPUs)",
    names: tuple[str, str] = ("the API", "self-hosting"),
    narrow: bool = False,
) -> Chart:
    """Draw the cost curves from :func:`advisor.costs.breakeven.curve` as an SVG chart;
    ``narrow``: for a phone's width, where the wide chart's labels would shrink to a few
    pixels (taller, the title and legend on more lines, fewer ticks).

    When the user's volume is above zero, ``series`` must contain a point at exactly that
    volume (``curve`` guarantees it).
    """
    if not series:
        raise ValueError("series is empty")
    series = sorted(series, key=lambda point: point.requests_per_day)
    by_volume = {point.requests_per_day: point for point in series}
    user_point = by_volume.get(user_requests_per_day)
    if user_requests_per_day > 0 and user_point is None:
        raise ValueError(f"series has no point at the user's volume ({user_requests_per_day})")

    be_volume = break_even.requests_per_day if break_even.kind == "at" else None
    description = _describe(user_requests_per_day, user_point, break_even, names)
    table = _table(series, by_volume, user_requests_per_day, be_volume)
    with _LOCK, mpl.rc_context(_RC):  # type: ignore[arg-type]  # keys are rcParams names
        svg = _draw(
            series,
            user_point,
            be_volume,
            title,
            api_label=api_label,
            sh_label=self_hosted_label,
            narrow=narrow,
        )
    return Chart(svg=svg, title=title, description=description, table=table)


def _describe(
    user: int,
    user_point: CurvePoint | None,
    break_even: BreakEven,
    names: tuple[str, str] = ("the API", "self-hosting"),
) -> str:
    one, two = names
    if user_point is None:
        first = "No daily volume was given"
    elif user_point.self_hosted_usd is None:
        first = (
            f"At {user:,} requests a day {one} costs {format_usd(user_point.api_usd)} a month,"
            f" a volume {two} cannot serve"
        )
    else:
        first = (
            f"At {user:,} requests a day {one} costs {format_usd(user_point.api_usd)} a month"
            f" and {two} {format_usd(user_point.self_hosted_usd)}"
        )
    if break_even.kind == "at":
        volume = break_even.requests_per_day
        second = f"{two} becomes cheaper from about {volume:,} requests a day"
    elif break_even.kind == "always":
        second = (
            f"{two} costs no more than {one} at any volume up to "
            f"{break_even.checked_up_to:,} requests a day"
        )
    else:
        second = f"{two} does not become cheaper up to {break_even.checked_up_to:,} requests a day"
    return f"{first}; {second}."


def _table(
    series: Sequence[CurvePoint],
    by_volume: dict[int, CurvePoint],
    user: int,
    be_volume: int | None,
) -> list[ChartRow]:
    """Rows at each power of ten in the series, the user's volume and the break-even."""
    wanted = {v for v in by_volume if v >= 10 and str(v).rstrip("0") == "1"}
    wanted.update(v for v in (user, be_volume) if v in by_volume)
    if not wanted:
        wanted = {series[0].requests_per_day, series[-1].requests_per_day}
    rows = []
    for volume in sorted(wanted):
        point = by_volume[volume]
        self_hosted = point.self_hosted_usd
        rows.append(
            ChartRow(
                volume,
                round_cents(point.api_usd),
                None if self_hosted is None else round_cents(self_hosted),
            )
        )
    return rows


def _draw(
    series: Sequence[CurvePoint],
    user_point: CurvePoint | None,
    be_volume: int | None,
    title: str,
    *,
    api_label: str,
    sh_label: str,
    narrow: bool = False,
) -> str:
    # Fixed margins: a constrained layout measures every label several times, and text
    # measurement is most of the drawing time.
    if narrow:
        fig = Figure(figsize=NARROW_SIZE, dpi=100)
        fig.subplots_adjust(left=0.2, right=0.95, top=0.82, bottom=0.27)
    else:
        fig = Figure(figsize=WIDE_SIZE, dpi=100)
        fig.subplots_adjust(left=0.13, right=0.97, top=0.86, bottom=0.2)
    ax = fig.add_subplot()
    volumes = [p.requests_per_day for p in series]
    api = [float(p.api_usd) for p in series]
    hosted = [p for p in series if p.self_hosted_usd is not None]
    hosted_usd = [float(p.self_hosted_usd) for p in hosted if p.self_hosted_usd is not None]
    ax.plot(volumes, api, color=API_COLOUR, linewidth=2.2, label=api_label)
    if hosted:
        hosted_volumes = [p.requests_per_day for p in hosted]
        ax.plot(hosted_volumes, hosted_usd, color=SELF_HOSTED_COLOUR, linewidth=2.2, label=sh_label)

    ax.set_xscale("log")
    ax.set_xlim(volumes[0], volumes[-1])
    ax.set_xlabel("Requests per day (log scale)")
    ax.xaxis.set_major_locator(LogLocator(base=10))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _compact(v)))
    # Empty bands are kept above and below the curves for the marker labels, so a label
    # never hides part of a line.
    bottom, top = min(api + hosted_usd), max(api + hosted_usd)
    if bottom > 0:
        # A log y-axis keeps both small and large bills legible and the API line straight.
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylabel("US dollars per month (log scale)")
        decades = max(math.log10(top / bottom), 1.0)
        ax.set_ylim(bottom / 10 ** (0.1 * decades), top * 10 ** (0.22 * decades))
        be_label_y, user_label_y = 0.03, 0.97
    else:  # something is free: a log axis cannot show zero
        ax.set_ylabel("US dollars per month")
        ax.set_ylim(0, (top or 1) * 1.4)
        be_label_y, user_label_y = 0.87, 0.97
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _compact(v, "$")))
    ax.grid(visible=True, which="major", color="#d1d5db", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(
        "\n".join(textwrap.wrap(title, 34 if narrow else 70)), fontsize=10 if narrow else None
    )
    if narrow:
        ax.xaxis.set_major_locator(LogLocator(base=100))

    if be_volume is not None:
        ax.axvline(be_volume, color=BREAK_EVEN_COLOUR, linestyle="--", linewidth=1.4)
        label = f"Break-even: {be_volume:,}/day"
        _marker_label(ax, be_volume, label, BREAK_EVEN_COLOUR, be_label_y)
    if len(hosted) < len(series) and hosted:
        _capacity_label(ax, hosted[-1])
    if user_point is not None:
        user = user_point.requests_per_day
        ax.axvline(user, color=USER_COLOUR, linestyle=":", linewidth=1.6)
        _marker_label(ax, user, f"Your volume: {user:,}/day", USER_COLOUR, user_label_y)
        self_hosted = user_point.self_hosted_usd
        api_higher = self_hosted is None or user_point.api_usd >= self_hosted
        _point_label(ax, user, user_point.api_usd, API_COLOUR, higher=api_higher)
        if self_hosted is not None:
            _point_label(ax, user, self_hosted, SELF_HOSTED_COLOUR, higher=not api_higher)

    fig.legend(loc="lower center", ncols=1 if narrow else 2, frameon=False)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Title": title})
    return buffer.getvalue()


def _capacity_label(ax: Axes, last: CurvePoint) -> None:
    """End a capped profile's line with a bar and say why it stops."""
    x, y = last.requests_per_day, float(last.self_hosted_usd or 0)
    ax.plot([x], [y], "|", color=SELF_HOSTED_COLOUR, markersize=12, markeredgewidth=2)
    right_half = _in_right_half(ax, x)
    ax.annotate(
        f"Capacity limit: {x:,}/day",
        xy=(x, y),
        xytext=(-5 if right_half else 5, -6),
        textcoords="offset points",
        ha="right" if right_half else "left",
        va="top",
        color=SELF_HOSTED_COLOUR,
        fontsize=8.5,
    )


def _in_right_half(ax: Axes, x: float) -> bool:
    low, high = ax.get_xlim()
    return math.log(x / low) > math.log(high / low) / 2


def _point_label(ax: Axes, x: int, amount: Decimal, colour: str, *, higher: bool) -> None:
    """Dot a curve at the user's volume and write its monthly cost beside it.

    Both curves only rise to the right, so above-left of the higher dot and below-right of
    the lower one are clear of both lines (above-right near the left edge, to stay inside).
    """
    ax.plot([x], [float(amount)], "o", color=colour, markersize=5)
    low, high = ax.get_xlim()
    near_left_edge = math.log(x / low) < 0.2 * math.log(high / low)
    to_left = higher and not near_left_edge
    ax.annotate(
        f"{format_usd(amount)}/month",
        xy=(x, float(amount)),
        xytext=(-5 if to_left else 5, 4 if higher else -4),
        textcoords="offset points",
        ha="right" if to_left else "left",
        va="bottom" if higher else "top",
        color=colour,
        fontsize=8.5,
    )


def _marker_label(ax: Axes, x: int, text: str, colour: str, y: float) -> None:
    """Label a vertical marker beside its line, on the side facing the middle of the plot.

    Horizontal text, so browsers place it with ``text-anchor`` whatever font they use.
    """
    right_half = _in_right_half(ax, x)
    ax.annotate(
        text,
        xy=(x, y),
        xycoords=("data", "axes fraction"),
        xytext=(-4 if right_half else 4, 0),
        textcoords="offset points",
        ha="right" if right_half else "left",
        va="top" if y > 0.5 else "bottom",
        color=colour,
        fontsize=9,
        fontweight="bold",
        bbox={
            "boxstyle": "square,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )


@dataclass(frozen=True, slots=True)
class Bar:
    """One uncertain input: the monthly cost at its low and high value."""

    label: str
    low_label: str
    high_label: str
    low_usd: Decimal
    high_usd: Decimal


def render_tornado(
    title: str, base_usd: Decimal, bars: Sequence[Bar], *, narrow: bool = False
) -> Chart:
    """A small tornado chart: for each input, a bar from the monthly cost at its low value to
    the cost at its high value, across a line at today's estimate (``narrow``: for a
    phone, the inputs' names above their bars)."""
    if not bars:
        raise ValueError("bars is empty")
    description = "; ".join(
        f"{bar.label}: {format_usd(bar.low_usd)} a month ({bar.low_label}) to "
        f"{format_usd(bar.high_usd)} ({bar.high_label})"
        for bar in bars
    )
    description = f"Today's estimate {format_usd(base_usd)} a month. {description}."
    with _LOCK, mpl.rc_context(_RC):  # type: ignore[arg-type]  # keys are rcParams names
        # A long option name ("GPT-5 mini + Llama 4 Maverick on ...") wraps; the title is set
        # over the whole figure and the plot starts below however many lines it takes.
        # ``narrow``: a phone's width, the inputs' names above their bars.
        lines = textwrap.wrap(title, 34 if narrow else 70)
        width = NARROW_SIZE[0] if narrow else WIDE_SIZE[0]
        per_bar = 0.9 if narrow else 0.75
        height = (1.0 if narrow else 0.9) + per_bar * len(bars) + 0.2 * (len(lines) - 1)
        fig = Figure(figsize=(width, height), dpi=100)
        left, right = (0.06, 0.94) if narrow else (0.34, 0.95)
        fig.subplots_adjust(
            left=left, right=right, top=1 - (0.16 + 0.2 * len(lines)) / height, bottom=0.45 / height
        )
        fig.suptitle("\n".join(lines), fontsize=11, y=1 - 0.06 / height, va="top")
        ax = fig.add_subplot()
        for row, bar in enumerate(reversed(bars)):
            low, high = float(bar.low_usd), float(bar.high_usd)
            ax.barh(row, high - low, left=low, height=0.5, color=API_COLOUR, alpha=0.75)
            ax.annotate(
                bar.low_label,
                (low, row),
                xytext=(-3, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=7.5,
                color=USER_COLOUR,
            )
            ax.annotate(
                bar.high_label,
                (high, row),
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=7.5,
                color=USER_COLOUR,
            )
        ax.axvline(float(base_usd), color=USER_COLOUR, linestyle=":", linewidth=1.4)
        if narrow:  # the names above the bars, not in a left margin the phone lacks
            ax.set_yticks([])
            for row, bar in enumerate(reversed(bars)):
                ax.annotate(
                    bar.label,
                    (0, row + 0.32),
                    xycoords=("axes fraction", "data"),
                    va="bottom",
                    fontsize=8.5,
                )
            ax.set_ylim(-0.5, len(bars) - 0.1)
        else:
            ax.set_yticks(range(len(bars)), [bar.label for bar in reversed(bars)])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _compact(v, "$")))
        lows = [float(bar.low_usd) for bar in bars] + [float(base_usd)]
        highs = [float(bar.high_usd) for bar in bars] + [float(base_usd)]
        span = max(highs) - min(lows) or max(highs) or 1.0
        ax.set_xlim(max(0.0, min(lows) - 0.45 * span), max(highs) + 0.45 * span)
        ax.set_xlabel("US dollars per month")
        ax.grid(visible=True, axis="x", color="#d1d5db", linewidth=0.6)
        ax.set_axisbelow(True)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Title": title})
    return Chart(svg=buffer.getvalue(), title=title, description=description, table=[])
