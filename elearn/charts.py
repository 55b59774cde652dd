"""Small matplotlib charts (Agg, SVG) for dashboards, with a text alternative alongside."""

from __future__ import annotations

import io
import textwrap
import warnings
from functools import lru_cache
from html import escape

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Served as an image with its own policy: matplotlib writes inline style attributes.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
ACCENT = "#1f6f5c"
LIGHT = "#9ccfc1"
# The same scale as the simulators' charts: 4 in wide, shown at most 26rem (static/css/app.css),
# so 13 pt text reads like the page's 17 px body text on a phone and on a laptop.
WIDTH_IN = 4.0
FONT_PT = 13


def _svg(figure: Figure, title: str) -> str:
    """The SVG, named by `title` for screen readers. The title is not drawn: every page shows
    the chart in a <figure> whose caption names it, and a drawn title would repeat it."""
    FigureCanvasAgg(figure)
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Labels in scripts the font lacks (course titles, names) are drawn as boxes.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    start = svg.index("<svg")
    end = svg.index(">", start)
    return f"{svg[: end + 1]}<title>{escape(title)}</title>{svg[end + 1 :]}"


@lru_cache(maxsize=256)
def bar_chart(
    labels: tuple[str, ...], values: tuple[float, ...], title: str, ylabel: str = ""
) -> str:
    """A vertical bar chart readable on a phone (large fonts, few ticks)."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "welfare3"
    figure = Figure(figsize=(WIDTH_IN, 2.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(values))
    axes.bar(positions, values, color=ACCENT)
    step = max(1, -(-len(labels) // 4))  # at most 4 dates under the bars
    axes.set_xticks(list(positions)[::step], labels[::step], fontsize=FONT_PT - 1)
    axes.tick_params(axis="y", labelsize=FONT_PT - 1)
    if ylabel:
        axes.set_ylabel(ylabel, fontsize=FONT_PT - 1)
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.get_major_locator().set_params(integer=True, nbins=4)
    axes.set_ylim(bottom=0, top=max(max(values, default=0), 1) * 1.1)
    return _svg(figure, title)


@lru_cache(maxsize=256)
def funnel_chart(
    labels: tuple[str, ...],
    started: tuple[float, ...],
    completed: tuple[float, ...],
    title: str,
    started_label: str,
    completed_label: str,
) -> str:
    """Horizontal paired bars: started and completed per item; the legend above the bars, so
    that it never covers one."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "welfare3"
    wrapped = [textwrap.shorten(label, 40, placeholder="…") for label in labels]
    wrapped = ["\n".join(textwrap.wrap(label, 16)[:2]) or label for label in wrapped]
    height = 1.0 + 0.7 * max(len(labels), 1)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    rows = list(range(len(labels)))
    axes.barh([r - 0.2 for r in rows], started, height=0.4, color=LIGHT, label=started_label)
    axes.barh([r + 0.2 for r in rows], completed, height=0.4, color=ACCENT, label=completed_label)
    axes.set_yticks(rows, wrapped, fontsize=FONT_PT - 2)
    axes.tick_params(axis="x", labelsize=FONT_PT - 2)
    axes.xaxis.get_major_locator().set_params(integer=True, nbins=4)
    axes.invert_yaxis()
    figure.legend(loc="outside upper center", ncols=2, fontsize=FONT_PT - 1, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title)
