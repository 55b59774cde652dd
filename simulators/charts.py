"""SVG charts for the simulators, legible on a 360 px phone, each with a text alternative.

matplotlib is used through ``Figure`` objects on the Agg canvas, never pyplot, so no global
figure state exists in the web process. Rendering holds a lock because matplotlib's rcParams
(needed for the deterministic SVG hash salt) and font cache are process-global. Results are
cached by input (the inputs are frozen, hashable dataclasses), so a repeated chart is a dict
lookup. Output is deterministic: fixed hash salt and no date in the metadata.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from html import escape
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from simulators.budget import compute_budget
from simulators.budget_catalogue import GROUP_LABELS
from simulators.budget_model import BudgetInput
from simulators.debt import DebtInput, compute_debt
from simulators.loans import (
    EarlyRepaymentInput,
    LoanInput,
    amortization_schedule,
    compute_loan,
    early_repayment,
)
from simulators.numbers import format_eur, format_number, format_pct
from simulators.registry import UnknownSimulator, get
from simulators.savings import SavingsInput, compute_savings

CACHE_SIZE = 128
# 4 in wide: shown at 360 px that is 1.25 px per pt, so 13 pt text reads as about 16 px.
WIDTH_IN = 4.0
FONT_PT = 13
# Colour-blind safe (Okabe-Ito), with enough contrast on white.
BLUE, ORANGE, GREEN, GREY, PURPLE = "#0072B2", "#D55E00", "#009E73", "#555555", "#CC79A7"
_RC = {
    "svg.hashsalt": "welfare3-simulators",
    "svg.fonttype": "none",  # real <text>: smaller files, selectable and readable by screen readers
    "font.family": "sans-serif",
    "font.size": FONT_PT,
    "axes.titlesize": FONT_PT + 1,
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": FONT_PT - 1,
    "ytick.labelsize": FONT_PT - 1,
    "legend.fontsize": FONT_PT - 1,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LOCK = threading.Lock()

_STRATEGY_NAMES = {
    "avalanche": ("valanga", "avalanche"),
    "snowball": ("palla di neve", "snowball"),
}


@dataclass(frozen=True)
class Chart:
    """An SVG chart with its title and a one-sentence text alternative in both languages.

    The drawing (matplotlib, about 100 ms) happens the first time `svg` is read: a page that
    only needs the title and the text alternative (to link to the chart) does not pay for it.
    """

    render: Callable[[], str] = field(repr=False, compare=False)  # draws the SVG document
    title: str  # in the requested language
    alt_it: str
    alt_en: str
    lang: str = "it"

    @cached_property
    def svg(self) -> str:
        """A complete SVG document (with <title> and <desc>), drawn once."""
        return self.render()

    @property
    def alt(self) -> str:
        """The text alternative in the chart's language."""
        return self.alt_en if self.lang == "en" else self.alt_it

    @property
    def inline_svg(self) -> str:
        """The <svg> element alone, for embedding in HTML (no XML declaration or DOCTYPE)."""
        return self.svg[self.svg.index("<svg") :]


def _t(lang: str, italian: str, english: str) -> str:
    return english if lang == "en" else italian


def _money_axis(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_number(round(value), lang, 0))


def _euros_over_time(ax: Any, title: str, lang: str, x_max: float, x_label: str) -> None:
    """The axes of a balance over time: the title above, euros up from zero, months (or years)
    across from zero to ``x_max``."""
    ax.set_title(title, loc="left")
    ax.yaxis.set_major_formatter(_money_axis(lang))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.set_xlim(0, x_max)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(x_label)


def _new_figure(
    height_in: float, rows: int = 1, *, left_in: float = 0.85, bottom_in: float = 0.65
) -> tuple[Figure, list[Any]]:
    """A figure with fixed margins (in inches, so they do not shrink with the height).

    Fixed margins instead of constrained layout halve the render time, and our labels are
    short and known in advance.
    """
    figure = Figure(figsize=(WIDTH_IN, height_in))
    FigureCanvasAgg(figure)
    figure.subplots_adjust(
        left=left_in / WIDTH_IN,
        right=1 - 0.2 / WIDTH_IN,
        # The page's caption names the chart (no title drawn in it): room for the axes title only.
        top=1 - 0.4 / height_in,
        bottom=bottom_in / height_in,
        hspace=0.75 if rows > 1 else 0.2,
    )
    axes = [figure.add_subplot(rows, 1, row + 1) for row in range(rows)]
    for ax in axes:
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    return figure, axes


def _render(draw: Callable[[], Figure], title: str, alt: str) -> str:
    """Draw and serialise under the lock and rc settings, then add accessible title/desc."""
    with _LOCK, matplotlib.rc_context(_RC), warnings.catch_warnings():
        # A label in a script the font lacks is drawn as a box; that is no reason to fail.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        figure = draw()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    start = svg.index("<svg")
    end = svg.index(">", start)
    opening = svg[start:end]
    accessible = (
        f'{opening} role="img" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(alt)}</desc>'
    )
    return svg[:start] + accessible + svg[end + 1 :]


def _time_axis(months: int, lang: str) -> tuple[float, str]:
    """Years on the x axis from two years up (easier to read), months below."""
    if months >= 24:
        return 12.0, _t(lang, "Anni", "Years")
    return 1.0, _t(lang, "Mesi", "Months")


# -- loan -----------------------------------------------------------------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def loan_chart(data: LoanInput, lang: str = "it") -> Chart:
    """Residual balance over time (top) and each instalment split into principal and interest."""
    result = compute_loan(data)
    schedule = result.schedule
    title = _t(lang, "Il tuo prestito nel tempo", "Your loan over time")
    alt_it = (
        f"Grafico del prestito di {format_eur(data.principal, 'it')} in {data.months} rate: "
        f"il debito residuo scende da {format_eur(data.principal, 'it')} a zero; in totale si "
        f"pagano {format_eur(result.total_interest, 'it')} di interessi e "
        f"{format_eur(data.principal, 'it')} di capitale."
    )
    alt_en = (
        f"Chart of the {format_eur(data.principal, 'en')} loan over {data.months} instalments: "
        f"the balance falls from {format_eur(data.principal, 'en')} to zero; in total "
        f"{format_eur(result.total_interest, 'en')} of interest and "
        f"{format_eur(data.principal, 'en')} of principal are paid."
    )

    def draw() -> Figure:
        figure, (top, bottom) = _new_figure(6.0, rows=2, bottom_in=1.2)
        scale, unit = _time_axis(data.months, lang)
        x = np.arange(data.months + 1) / scale
        top.plot(x, np.concatenate([[data.principal], schedule.balance]), color=BLUE, lw=2.5)
        top.set_title(_t(lang, "Debito residuo (€)", "Balance left (€)"), loc="left")
        top.yaxis.set_major_formatter(_money_axis(lang))
        top.set_ylim(bottom=0)
        xs = np.arange(1, data.months + 1) / scale
        bottom.stackplot(
            xs,
            schedule.principal,
            schedule.interest,
            colors=[BLUE, ORANGE],
            labels=[_t(lang, "Capitale", "Principal"), _t(lang, "Interessi", "Interest")],
            step="pre" if data.months < 24 else None,
        )
        bottom.set_title(_t(lang, "Ogni rata (€)", "Each instalment (€)"), loc="left")
        bottom.yaxis.set_major_formatter(_money_axis(lang))
        bottom.set_xlabel(unit)
        bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=2, frameon=False)
        for ax in (top, bottom):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            ax.set_xlim(0, data.months / scale)
        return figure

    return Chart(
        partial(_render, draw, title, _t(lang, alt_it, alt_en)), title, alt_it, alt_en, lang
    )


@lru_cache(maxsize=CACHE_SIZE)
def early_repayment_chart(data: EarlyRepaymentInput, lang: str = "it") -> Chart:
    """The balance left month by month without and with the early repayment."""
    loan = data.loan
    result = early_repayment(data)
    original = amortization_schedule(loan.principal, loan.annual_rate, loan.months, loan.method)
    before = np.concatenate([[loan.principal], original.balance])
    left = max(result.balance_before - data.amount, 0.0)
    # The repayment is a vertical drop right after instalment `month`.
    after = np.concatenate([before[: data.month + 1], [left], result.schedule_after.balance])
    end = data.month + result.new_months_left
    months_after = np.concatenate(
        [np.arange(data.month + 1), [data.month], np.arange(data.month + 1, end + 1)]
    )
    title = _t(lang, "Prima e dopo il rimborso", "Before and after repaying")
    if result.new_months_left:
        then_it = f"scende subito a {format_eur(left, 'it')} e arriva a zero alla rata {end}"
        then_en = (
            f"it drops at once to {format_eur(left, 'en')} and reaches zero at instalment {end}"
        )
    else:
        then_it, then_en = "il debito è chiuso", "the debt is closed"
    alt_it = (
        f"Grafico del debito residuo: senza rimborso anticipato scende a zero in {loan.months} "
        f"rate; pagando {format_eur(data.amount, 'it')} dopo la rata {data.month} {then_it}."
    )
    alt_en = (
        f"Chart of the balance left: without early repayment it falls to zero in {loan.months} "
        f"instalments; paying {format_eur(data.amount, 'en')} after instalment {data.month} "
        f"{then_en}."
    )

    def draw() -> Figure:
        figure, (ax,) = _new_figure(4.2)
        scale, unit = _time_axis(loan.months, lang)
        ax.plot(
            np.arange(loan.months + 1) / scale,
            before,
            color=GREY,
            lw=2,
            ls="--",
            label=_t(lang, "Senza rimborso", "Without repaying"),
        )
        ax.plot(
            months_after / scale,
            after,
            color=BLUE,
            lw=2.5,
            label=_t(lang, "Con il rimborso", "With the repayment"),
        )
        _euros_over_time(
            ax, _t(lang, "Debito residuo (€)", "Balance left (€)"), lang, loan.months / scale, unit
        )
        ax.legend(loc="upper right", frameon=False)
        return figure

    return Chart(
        partial(_render, draw, title, _t(lang, alt_it, alt_en)), title, alt_it, alt_en, lang
    )


# -- savings --------------------------------------------------------------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def savings_chart(data: SavingsInput, lang: str = "it", show_real: bool = True) -> Chart:
    """Balance over the months, split into what was deposited and the interest earned; with
    ``show_real`` and non-zero inflation, also the balance in today's euros (dashed)."""
    result = compute_savings(data)
    title = _t(lang, "Come crescono i tuoi risparmi", "How your savings grow")
    real_it = real_en = ""
    if data.inflation:
        real_it = f", pari a {format_eur(result.real_final_balance, 'it')} di oggi"
        real_en = f", worth {format_eur(result.real_final_balance, 'en')} in today's money"
    alt_it = (
        f"Grafico dei risparmi in {data.months} mesi: il saldo arriva a "
        f"{format_eur(result.total_deposits + result.interest_gross, 'it')} prima delle tasse, "
        f"di cui {format_eur(result.total_deposits, 'it')} versati e "
        f"{format_eur(result.interest_gross, 'it')} di interessi; dopo le tasse "
        f"{format_eur(result.final_balance, 'it')}{real_it}."
    )
    alt_en = (
        f"Chart of savings over {data.months} months: the balance reaches "
        f"{format_eur(result.total_deposits + result.interest_gross, 'en')} before tax, of which "
        f"{format_eur(result.total_deposits, 'en')} deposited and "
        f"{format_eur(result.interest_gross, 'en')} interest; after tax "
        f"{format_eur(result.final_balance, 'en')}{real_en}."
    )

    def draw() -> Figure:
        figure, (ax,) = _new_figure(4.2)
        scale, unit = _time_axis(data.months, lang)
        months = np.arange(data.months + 1)
        x = months / scale
        ax.fill_between(x, 0, result.deposits, color=BLUE, alpha=0.35, lw=0)
        ax.fill_between(x, result.deposits, result.balances, color=GREEN, alpha=0.45, lw=0)
        ax.plot(x, result.balances, color=GREEN, lw=2.5, label=_t(lang, "Saldo", "Balance"))
        ax.plot(x, result.deposits, color=BLUE, lw=2, label=_t(lang, "Versato", "Deposited"))
        if show_real and data.inflation:
            real = result.balances / (1 + data.inflation / 100.0) ** (months / 12.0)
            ax.plot(x, real, color=GREY, lw=2, ls="--", label=_t(lang, "Valore reale", "Real"))
        _euros_over_time(
            ax,
            _t(lang, "Saldo lordo (€)", "Balance before tax (€)"),
            lang,
            data.months / scale,
            unit,
        )
        ax.legend(loc="upper left", frameon=False)
        return figure

    return Chart(
        partial(_render, draw, title, _t(lang, alt_it, alt_en)), title, alt_it, alt_en, lang
    )


# -- budget ---------------------------------------------------------------------------------------

_MAX_BARS = 8
_GROUP_COLOURS = {"needs": BLUE, "wants": ORANGE, "debts": PURPLE, "savings": GREEN}


@lru_cache(maxsize=CACHE_SIZE)
def budget_chart(data: BudgetInput, lang: str = "it") -> Chart:
    """Horizontal bars of the expense shares (largest first; beyond eight, the rest is 'Altro')."""
    result = compute_budget(data)
    shares = list(result.expense_shares)
    title = _t(lang, "Dove vanno le tue spese", "Where your money goes")
    if shares:
        top = shares[0]
        alt_it = (
            "Grafico delle spese mensili per categoria: la voce più grande è "
            f"{top.label('it')} con "
            f"{format_eur(top.amount, 'it')} ({format_pct(top.share, 'it', 1)} delle spese); "
            f"in totale {format_eur(result.total_expenses, 'it')} al mese."
        )
        alt_en = (
            f"Chart of monthly expenses by category: the largest is {top.label('en')} at "
            f"{format_eur(top.amount, 'en')} ({format_pct(top.share, 'en', 1)} of expenses); "
            f"{format_eur(result.total_expenses, 'en')} a month in total."
        )
    else:
        alt_it = "Grafico delle spese: nessuna spesa inserita."
        alt_en = "Expenses chart: no expenses entered."

    if len(shares) > _MAX_BARS:
        rest = shares[_MAX_BARS - 1 :]
        shown = [
            (s.label(lang), s.share, _GROUP_COLOURS[s.group or "wants"])
            for s in shares[: _MAX_BARS - 1]
        ]
        shown.append((_t(lang, "Altro", "Other"), sum(s.share for s in rest), GREY))
    else:
        shown = [(s.label(lang), s.share, _GROUP_COLOURS[s.group or "wants"]) for s in shares]

    def draw() -> Figure:
        wide_legend = any(s.group == "debts" for s in shares)
        figure, (ax,) = _new_figure(
            1.8 + 0.45 * max(len(shown), 1) + (0.3 if wide_legend else 0),
            left_in=1.75,
            bottom_in=1.0 if wide_legend else 0.7,
        )
        ax.grid(False)
        labels = [label if len(label) <= 18 else label[:17] + "…" for label, _, _ in shown]
        values = [value for _, value, _ in shown]
        y = np.arange(len(shown))
        ax.barh(y, values, color=[colour for _, _, colour in shown], height=0.7)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        for row, value in zip(y, values, strict=True):
            ax.text(value, row, " " + format_pct(value, lang, 0), va="center")
        ax.set_xlim(0, max(values, default=1.0) * 1.35 or 1.0)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.set_title(_t(lang, "Quota delle spese (%)", "Share of expenses (%)"), loc="left")
        # The colour says which 50/30/20 group a category belongs to.
        groups = [
            Patch(color=_GROUP_COLOURS[key], label=GROUP_LABELS[key][1 if lang == "en" else 0])
            for key in ("needs", "wants", "debts", "savings")
            if key != "debts" or any(s.group == "debts" for s in shares)
        ]
        ax.legend(
            handles=groups,
            loc="upper center",
            bbox_to_anchor=(0.3, -0.02),
            ncols=2 if len(groups) > 3 else 3,
            frameon=False,
            handlelength=1,
            columnspacing=0.8,
        )
        return figure

    return Chart(
        partial(_render, draw, title, _t(lang, alt_it, alt_en)), title, alt_it, alt_en, lang
    )


# -- debt -----------------------------------------------------------------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def debt_chart(data: DebtInput, lang: str = "it") -> Chart:
    """Total balance of all debts over the months of the plan."""
    result = compute_debt(data)
    strategy_it, strategy_en = _STRATEGY_NAMES[data.strategy]
    start = float(result.balances[0])
    title = _t(lang, "Il tuo piano per estinguere i debiti", "Your debt payoff plan")
    alt_it = (
        f"Grafico del debito totale: scende da {format_eur(start, 'it')} a zero in "
        f"{result.months_to_payoff} mesi con la strategia {strategy_it}; interessi totali "
        f"{format_eur(result.total_interest, 'it')}."
    )
    alt_en = (
        f"Chart of total debt: it falls from {format_eur(start, 'en')} to zero in "
        f"{result.months_to_payoff} months with the {strategy_en} strategy; total interest "
        f"{format_eur(result.total_interest, 'en')}."
    )

    def draw() -> Figure:
        figure, (ax,) = _new_figure(4.0)
        months = np.arange(len(result.balances))
        ax.fill_between(months, 0, result.balances, color=PURPLE, alpha=0.3, lw=0)
        ax.plot(months, result.balances, color=PURPLE, lw=2.5)
        _euros_over_time(
            ax,
            _t(lang, "Debito totale (€)", "Total debt (€)"),
            lang,
            max(result.months_to_payoff, 1),
            _t(lang, "Mesi", "Months"),
        )
        return figure

    return Chart(
        partial(_render, draw, title, _t(lang, alt_it, alt_en)), title, alt_it, alt_en, lang
    )


# -- by name --------------------------------------------------------------------------------------

CHARTS: dict[str, Callable[..., Chart]] = {
    "loan": loan_chart,
    "savings": savings_chart,
    "budget": budget_chart,
    "debt": debt_chart,
    "loan-early-repayment": early_repayment_chart,
}


def render_chart(name: str, mapping: Mapping[str, Any], lang: str = "it") -> Chart:
    """Parse ``mapping`` with the simulator's rules (raises InvalidInput) and draw its chart.

    Raises UnknownSimulator (a KeyError) for a simulator without a chart.
    """
    if name not in CHARTS:
        raise UnknownSimulator(name)
    return CHARTS[name](get(name).parse(mapping), "en" if lang == "en" else "it")


def clear_cache() -> None:
    """Forget cached charts (used by the benchmark to time cold renders)."""
    for chart in CHARTS.values():
        chart.cache_clear()  # type: ignore[attr-defined]
