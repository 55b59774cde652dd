"""Every chart the site draws (dashboards, the worker's activity, each simulator) is legible
where the page shows it: no text cut at the edge, no legend lying over a bar, no title drawn
inside that the page's caption already says, and type at the page's scale.

The figures are caught as they are saved, and measured with matplotlib's own renderer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from elearn.charts import bar_chart, funnel_chart
from simulators.charts import CHARTS, clear_cache, render_chart
from tests.simulators.test_charts import REQUESTS

LONG_TITLES = (
    "Bilancio familiare: entrate, uscite e busta paga spiegate bene",
    "Risparmio",
    "Credito, prestiti e TAEG senza sorprese",
    "Pianificare la famiglia",
)


def _titles() -> Iterator[tuple[str, str, object]]:
    """(name, caption the page shows, callable drawing the chart)."""
    weeks = tuple(f"{day} nov" for day in range(1, 13))
    yield (
        "active",
        "Lavoratori attivi per settimana",
        lambda: bar_chart(
            weeks, tuple(float(n) for n in range(12)), "Lavoratori attivi per settimana"
        ),
    )
    yield (
        "courses",
        "Lavoratori per corso",
        lambda: funnel_chart(
            LONG_TITLES, (30.0, 25.0, 20.0, 10.0), (29.0, 10.0, 5.0, 0.0),
            "Lavoratori per corso", "iniziato", "completato",
        ),
    )  # fmt: skip
    for name in sorted(CHARTS):
        for lang in ("it", "en"):
            title = render_chart(name, REQUESTS[name], lang).title
            # Drawn anew in the test, after the chart cache is emptied: the chart made here
            # is kept by that cache and may have been drawn already by another test.
            yield (
                f"{name}-{lang}",
                title,
                lambda name=name, lang=lang: render_chart(name, REQUESTS[name], lang).svg,
            )


@pytest.fixture
def saved_figures(monkeypatch) -> list[Figure]:
    caught: list[Figure] = []
    original = Figure.savefig

    def catch(self: Figure, *args, **kwargs):
        caught.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", catch)
    bar_chart.cache_clear()
    funnel_chart.cache_clear()
    clear_cache()
    return caught


def _texts(figure: Figure) -> list[Text]:
    """The texts drawn: matplotlib keeps labels of ticks beyond the axis limits, undrawn."""
    undrawn: set[int] = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    undrawn.update({id(tick.label1), id(tick.label2)})
    return [
        t
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in undrawn
    ]


@pytest.mark.parametrize("case", list(_titles()), ids=lambda case: case[0])
def test_the_chart_is_legible_where_the_page_shows_it(case, saved_figures) -> None:
    name, caption, draw = case
    draw()
    assert len(saved_figures) == 1, name
    figure = saved_figures[0]
    renderer = figure.canvas.get_renderer()
    width_in, _height = figure.get_size_inches()
    # Drawn at most 4.5 in wide and shown at most 26rem: text keeps the page's scale.
    assert width_in <= 4.5, f"{name}: {width_in} in wide, its text shrinks on a phone"
    box = figure.bbox
    for text in _texts(figure):
        assert text.get_text().strip() != caption, f"{name}: the title repeats the caption"
        assert text.get_fontsize() >= 10.5, f"{name}: {text.get_text()!r} too small"
        extent = text.get_window_extent(renderer)
        inside = (
            extent.x0 >= box.x0 - 1
            and extent.y0 >= box.y0 - 1
            and extent.x1 <= box.x1 + 1
            and extent.y1 <= box.y1 + 1
        )
        assert inside, f"{name}: {text.get_text()!r} is cut at the edge"
    legends = [a for a in figure.findobj(Legend)]
    bars = [
        p.get_window_extent(renderer)
        for axes in figure.axes
        for p in axes.patches
        if isinstance(p, Rectangle) and p.get_width() and p.get_height()
    ]
    for legend in legends:
        frame = legend.get_window_extent(renderer)
        covered = [bar for bar in bars if bar.overlaps(frame)]
        assert not covered, f"{name}: the legend lies over a bar"
