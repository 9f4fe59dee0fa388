"""The dashboard's two charts as static SVG, drawn here without a library: a funnel plot of
every inspection and a trend over time. Both scale to their container (viewBox), carry a
text alternative, and sit beside a data table on the page. Also the colours of a rating
scale (`scale_colours`), one per level, for the stacked bars and their legends.

Hand-written rather than Altair + vl-convert: the charts are two, small and fixed; a
Vega-Lite SVG of the same funnel is about 10 times larger (each mark styled inline), which
the 1.5 MB budget at 120 inspections cannot afford, and the page must render with no script
but its own.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from markupsafe import Markup, escape

Z95 = 1.959963984540054
INK, MUTED, ACCENT, RIBBON, FLAG = "#0b0c0c", "#505a5f", "#1d5fa8", "#c6dbef", "#a8155d"


# A rating scale's colours lie on one fixed diverging ramp, best (dark blue) to worst (dark
# wine), through light amber: ColorBrewer's RdBu ends, colour-blind safe, and told apart by
# lightness as well as hue. A 3-level scale gets the stops at 0, 1/2 and 1 exactly.
RAMP = ("#2166ac", "#92c5de", "#f4b183", "#d6604d", "#67001f")
WHITE, BLACK = "#ffffff", "#000000"
AA = 4.5  # WCAG AA contrast for normal text


def scale_colours(levels: int) -> tuple[tuple[str, str], ...]:
    """Fill and text colour of each level of a scale of `levels` levels, best first: the
    fill by the level's position on RAMP (interpolated in OKLab, so the steps look even),
    the text white or ink, whichever reads better on it (black if neither meets AA)."""
    fills = [_on_ramp(i / (levels - 1) if levels > 1 else 0.0) for i in range(levels)]
    return tuple((fill, _ink(fill)) for fill in fills)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _ink(fill: str) -> str:
    best = max((WHITE, INK), key=lambda ink: contrast(fill, ink))
    return best if contrast(fill, best) >= AA else BLACK


def _on_ramp(at: float) -> str:
    where = at * (len(RAMP) - 1)
    stop = min(int(where), len(RAMP) - 2)
    part = where - stop
    if part in (0.0, 1.0):
        return RAMP[stop + int(part)]
    low, high = _oklab(RAMP[stop]), _oklab(RAMP[stop + 1])
    return _from_oklab(tuple(a + (b - a) * part for a, b in zip(low, high, strict=True)))


def _linear(colour: str) -> tuple[float, float, float]:
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def _luminance(colour: str) -> float:
    r, g, b = _linear(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _oklab(colour: str) -> tuple[float, float, float]:
    r, g, b = _linear(colour)
    lms = (
        (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3),
        (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3),
        (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3),
    )
    l_, m_, s_ = lms
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _from_oklab(lab: tuple[float, ...]) -> str:
    lightness, a, b = lab
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    linear = (
        4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
        -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
        -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_,
    )
    encoded = (
        12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        for c in (min(1.0, max(0.0, c)) for c in linear)
    )
    return "#" + "".join(f"{round(255 * c):02x}" for c in encoded)


@dataclass(frozen=True)
class Axis:
    """A linear scale from data (`low`..`high`) to pixels (`start`..`end`)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def zoomed(low: float, high: float, step: float = 10.0) -> tuple[float, float]:
    """A percentage axis around the data, in whole `step`s, within 0-100."""
    bottom = max(0.0, math.floor((low - 2) / step) * step)
    top = min(100.0, math.ceil((high + 2) / step) * step)
    return (bottom, top) if top > bottom else (max(0.0, bottom - step), min(100.0, top + step))


def funnel_limits(pooled: float, n: float) -> tuple[float, float]:
    """The 95% control limits (percent) of a share of n cases around `pooled` (a proportion)."""
    spread = Z95 * math.sqrt(pooled * (1 - pooled) / n)
    return 100 * max(0.0, pooled - spread), 100 * min(1.0, pooled + spread)


@dataclass(frozen=True)
class FunnelPoint:
    inspection_id: str
    force: str
    cases: float  # the share's denominator
    counted: float  # its numerator

    @property
    def pct(self) -> float:
        return 100 * self.counted / self.cases


def position(point: FunnelPoint, pooled: float) -> str:
    """Where the point lies against the 95% limits, in words."""
    low, high = funnel_limits(pooled, point.cases)
    if point.pct > high:
        return "above the upper limit"
    if point.pct < low:
        return "below the lower limit"
    return "within the limits"


def funnel_plot(
    points: list[FunnelPoint], pooled: float, title: str, pooled_label: str = "all inspections"
) -> Markup:
    """% not good against cases audited, one dot per inspection, with the pooled share (its
    line named `pooled_label`) and its 95% control limits; dots outside the limits are
    squares and named. The axes are zoomed to the inspections (cases from a round number
    below the smallest)."""
    width, height, left, right, top, bottom = 640, 330, 52, 16, 26, 44
    fewest, most = min(p.cases for p in points), max(p.cases for p in points)
    first = _nice_ticks(0, fewest)[-2] if fewest > 10 else 0.0
    x = Axis(first, most * 1.06 + 1, left, width - right)
    sizes = [max(first + (x.high - first) * i / 60, 2.0) for i in range(61)]
    limits = [funnel_limits(pooled, n) for n in sizes]
    visible = [p.pct for p in points] + [lim for pair in limits[1:] for lim in pair]
    y = Axis(*zoomed(min(visible), max(visible)), height - bottom, top)
    parts = [
        _frame(width, height, title),
        _y_ticks(y, left, width - right),
        f'<text x="{left - 44}" y="14">% not rated good</text>'
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 6}" '
        f'text-anchor="middle">Cases audited</text>',
    ]
    for tick in _nice_ticks(x.low, x.high):
        parts.append(
            f'<text x="{x(tick):.0f}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{tick:,.0f}</text>'
        )
    for side in (0, 1):  # each limit drawn where it lies on the axis
        line = " ".join(
            f"{x(n):.0f},{y(pair[side]):.0f}"
            for n, pair in zip(sizes, limits, strict=True)
            if y.low <= pair[side] <= y.high
        )
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-dasharray="5 4"/>'
        )
    mean = y(100 * pooled)
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{mean:.0f}" y2="{mean:.0f}" '
        f'stroke="{MUTED}"/><text x="{left + 4}" y="{mean - 4:.0f}">'
        f"{escape(pooled_label)} {100 * pooled:.1f}%</text>"
    )
    named = []
    for point in sorted(points, key=lambda p: p.pct, reverse=True):
        cx, cy = x(point.cases), y(point.pct)
        label = f"{point.inspection_id} ({point.force}): {point.pct:.1f}% of {point.cases:.0f}"
        title = f"<title>{escape(label)}</title>"
        if position(point, pooled) == "within the limits":
            parts.append(
                f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="4.5" fill="{ACCENT}" '
                f'fill-opacity="0.75">{title}</circle>'
            )
            continue
        # a square, so the flag does not rest on colour alone; named beside it
        parts.append(
            f'<rect x="{cx - 5:.0f}" y="{cy - 5:.0f}" width="10" height="10" '
            f'fill="{FLAG}">{title}</rect>'
        )
        named.append((cx, cy, point.inspection_id))
    parts += _labels(named, width)
    parts.append("</svg>")
    return Markup("".join(parts))


def _labels(named: list[tuple[float, float, str]], width: int) -> list[str]:
    """Names beside flagged points, top to bottom, each moved down until it clears the one
    above it on its side of the chart."""
    texts, last = [], {"start": -100.0, "end": -100.0}
    for cx, cy, name in sorted(named, key=lambda n: n[1]):
        anchor = "end" if cx > width / 2 else "start"
        at = max(cy + 4, last[anchor] + 13)
        last[anchor] = at
        dx = -8 if anchor == "end" else 8
        texts.append(
            f'<text x="{cx + dx:.0f}" y="{at:.0f}" text-anchor="{anchor}">{escape(name)}</text>'
        )
    return texts


@dataclass(frozen=True)
class TrendPoint:
    inspection_id: str
    date: dt.date
    pct: float
    low: float
    high: float


def trend_chart(points: list[TrendPoint], title: str) -> Markup:
    """The share at each inspection on a time axis (spaced by date), its 95% interval as a
    ribbon, on an axis zoomed to the data. Needs two points or more."""
    width, height, left, right, top, bottom = 420, 190, 46, 30, 22, 34
    days = [p.date.toordinal() for p in points]
    pad = max((days[-1] - days[0]) * 0.04, 1)
    x = Axis(days[0] - pad, days[-1] + pad, left, width - right)
    y = Axis(*zoomed(min(p.low for p in points), max(p.high for p in points)), height - bottom, top)
    upper = [f"{x(d):.0f},{y(p.high):.0f}" for d, p in zip(days, points, strict=True)]
    lower = [f"{x(d):.0f},{y(p.low):.0f}" for d, p in zip(days, points, strict=True)]
    line = " ".join(f"{x(d):.0f},{y(p.pct):.0f}" for d, p in zip(days, points, strict=True))
    parts = [
        _frame(width, height, title),
        _y_ticks(y, left, width - right),
        f'<polygon points="{" ".join(upper + lower[::-1])}" fill="{RIBBON}"/>',
        f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>',
    ]
    for i, (day, point) in enumerate(zip(days, points, strict=True)):
        anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
        cx, cy = x(day), y(point.pct)
        parts.append(
            f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="4" fill="{ACCENT}"><title>'
            f"{escape(point.inspection_id)}: {point.pct:.1f}% (95% interval "
            f"{point.low:.1f}–{point.high:.1f}%)</title></circle>"
            f'<text x="{cx:.0f}" y="{cy - 8:.0f}" text-anchor="{anchor}">'
            f"{point.pct:.1f}%</text>"
            f'<text x="{cx:.0f}" y="{height - bottom + 16}" text-anchor="{anchor}">'
            f"{point.date:%b %Y}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _frame(width: int, height: int, title: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet">'
    )


def _y_ticks(y: Axis, left: float, right: float) -> str:
    ticks = []
    for tick in _nice_ticks(y.low, y.high):
        at = y(tick)
        ticks.append(
            f'<line x1="{left}" x2="{right}" y1="{at:.0f}" y2="{at:.0f}" '
            f'stroke="#e5e6e7"/><text x="{left - 6}" y="{at + 4:.0f}" '
            f'text-anchor="end">{tick:.0f}%</text>'
        )
    return "".join(ticks)


def _nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Up to `most` round values between low and high."""
    span = high - low or 1.0
    step = 10 ** math.floor(math.log10(span / 4))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= most - 1:
            step *= factor
            break
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
