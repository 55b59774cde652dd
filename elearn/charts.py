"""Small matplotlib charts (Agg, SVG) for dashboards, with a text alternative alongside."""

from __future__ import annotations

import io
import warnings
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Served as an image with its own policy: matplotlib writes inline style attributes.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
ACCENT = "#1f6f5c"


def _svg(figure: Figure) -> str:
    FigureCanvasAgg(figure)
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Labels in scripts the font lacks (course titles, names) are drawn as boxes.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


@lru_cache(maxsize=256)
def bar_chart(
    labels: tuple[str, ...], values: tuple[float, ...], title: str, ylabel: str = ""
) -> str:
    """A vertical bar chart readable on a phone (large fonts, few ticks)."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "welfare3"
    figure = Figure(figsize=(6.4, 3.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(values))
    axes.bar(positions, values, color=ACCENT)
    step = max(1, len(labels) // 6)
    axes.set_xticks(list(positions)[::step], labels[::step], fontsize=11)
    axes.tick_params(axis="y", labelsize=11)
    axes.set_title(title, fontsize=14)
    if ylabel:
        axes.set_ylabel(ylabel, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(bottom=0, top=max(max(values, default=0), 1) * 1.1)
    return _svg(figure)


@lru_cache(maxsize=256)
def funnel_chart(
    labels: tuple[str, ...],
    started: tuple[float, ...],
    completed: tuple[float, ...],
    title: str,
    started_label: str,
    completed_label: str,
) -> str:
    """Horizontal paired bars: started and completed per item."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "welfare3"
    height = 1.2 + 0.45 * max(len(labels), 1)
    figure = Figure(figsize=(6.4, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    rows = list(range(len(labels)))
    axes.barh([r + 0.2 for r in rows], started, height=0.4, color="#9ccfc1", label=started_label)
    axes.barh([r - 0.2 for r in rows], completed, height=0.4, color=ACCENT, label=completed_label)
    axes.set_yticks(rows, [label[:38] for label in labels], fontsize=10)
    axes.invert_yaxis()
    axes.set_title(title, fontsize=14)
    axes.legend(fontsize=10, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)
