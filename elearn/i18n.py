"""Language choice and locale-aware formatting of money, numbers and dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol, parse_pattern
from flask import Flask, current_app, has_app_context, request, session
from flask_babel import format_date, format_decimal, format_time, get_locale, get_timezone
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from elearn.extensions import babel
from elearn.paths import PACKAGE_DIR
from elearn.privacy import disclosure

DEFAULT_TIMEZONE = "Europe/Rome"


def local_zone() -> ZoneInfo:
    """The cooperatives' time zone, from the one TIMEZONE setting: the dates pages show, the
    wall-clock times of slots and Welfare days, "tomorrow", today's date and quiet hours."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def local_today() -> date:
    """Today's date where the cooperatives are."""
    return datetime.now(local_zone()).date()


def supported_language(code: str | None) -> str:
    """`code` when the site speaks it, else the site's first language (Italian): the language
    an account, an e-mail or a certificate is written in."""
    languages = current_app.config["LANGUAGES"]
    return code if code in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


_CENT = Decimal("0.01")


@lru_cache(maxsize=16)
def _euro_pattern(locale_name: str) -> tuple[str, str, str, str, str, str]:
    """Prefixes, suffixes and separators of the locale's standard currency pattern, for euros.

    Read from Babel once per locale: a results table formats hundreds of amounts, and Babel's
    `format_currency` re-derives all of this (plural rules included) on every call.
    """
    locale = Locale.parse(locale_name)
    pattern = parse_pattern(locale.currency_formats["standard"])
    if pattern.grouping != (3, 3) or pattern.frac_prec != (2, 2):  # pragma: no cover
        raise ValueError(f"unexpected currency pattern for {locale_name}")
    symbol = get_currency_symbol("EUR", locale)
    (positive_prefix, negative_prefix), (positive_suffix, negative_suffix) = (
        pattern.prefix,
        pattern.suffix,
    )
    return (
        positive_prefix.replace("¤", symbol),
        negative_prefix.replace("¤", symbol),
        positive_suffix.replace("¤", symbol),
        negative_suffix.replace("¤", symbol),
        get_decimal_symbol(locale),
        get_group_symbol(locale),
    )


def format_euros(value: float | Decimal | int, locale_name: str) -> str:
    """Exactly what Babel's `format_currency(value, "EUR")` prints, at a fraction of the cost.

    Same conversion (``Decimal(str(value))``), same rounding (half-even, Babel's default) and the
    same sign rule; a test compares the two on many values in both languages.
    """
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite():
        return "–"
    # Enough precision for any finite amount: a huge figure typed in a form is shown, not a 500.
    with localcontext() as context:
        context.prec = max(28, amount.adjusted() + 4)
        amount = amount.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    pos_prefix, neg_prefix, pos_suffix, neg_suffix, decimal_sign, group_sign = _euro_pattern(
        locale_name
    )
    digits = f"{abs(amount):,.2f}"
    if decimal_sign != "." or group_sign != ",":
        digits = digits.replace(",", "\x00").replace(".", decimal_sign).replace("\x00", group_sign)
    if amount.is_signed():
        return f"{neg_prefix}{digits}{neg_suffix}"
    return f"{pos_prefix}{digits}{pos_suffix}"


def money(value: float | Decimal | int | None) -> str:
    if value is None:
        return "–"
    return format_euros(value, str(get_locale()))


@pass_context
def _money_filter(context: Context, value: float | Decimal | int | None) -> str:
    """The `money` filter: the locale is read once per page (see `init_app`), not per amount."""
    if value is None:
        return "–"
    locale_name = context.get("page_locale")
    return format_euros(value, locale_name if locale_name else str(get_locale()))


def number(value: float | Decimal | int | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if not exact.is_finite():
        return "–"
    # Enough precision for any finite figure (a TAEG when the fees eat the loan is 1e38 %):
    # Babel rounds in the current decimal context, 28 digits by default.
    with localcontext() as context:
        context.prec = max(28, exact.adjusted() + digits + 4)
        return format_decimal(exact, format=pattern)


# Beyond this a percentage says nothing more (a TAEG when the fees eat the loan reaches 1e38 %)
# and its digits would run off a phone's screen: "> 100.000 %".
PERCENT_SHOWN_UP_TO = 100_000


def percent(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    if abs(value) > PERCENT_SHOWN_UP_TO:
        bound = PERCENT_SHOWN_UP_TO if value > 0 else -PERCENT_SHOWN_UP_TO
        return f"{'>' if value > 0 else '<'}\u00a0{number(bound, 0)}\u00a0%"
    return number(value, digits) + "\u00a0%"  # never split from its number


# --- dates and times: one format per context --------------------------------------------------
#
# "long": a date that matters on its own line (an appointment, a Welfare day):
#         "giovedì 3 dicembre 2026, 10:00" / "Thursday, December 3, 2026, 10:00 AM".
# "list": a date among others (tables, histories, "asked on ..."):
#         "03/12/2026, 10:00" / "12/3/2026, 10:00 AM".
# Never seconds, never an ISO string; months as the locale writes them (lower case in Italian).
# Every Jinja date filter (`when`, `dateformat`, `timeformat`, `datetimeformat`) lands here.

DATE_CONTEXTS = ("long", "list")
_LONG_STYLES = ("full", "long")


@lru_cache(maxsize=16)
def _list_date_pattern(locale_name: str) -> str:
    """The locale's numeric date with a four-digit year (Babel's "short" has two)."""
    return re.sub(r"y+", "y", Locale.parse(locale_name).date_formats["short"].pattern)


def _date_pattern(context: str) -> str:
    if context == "long":
        return "full"
    return _list_date_pattern(str(get_locale() or "it"))


def format_when(value: datetime | date | None, context: str = "list") -> str:
    """A date, or a date and a time (hours and minutes), for `context` ("long" or "list")."""
    if value is None:
        return "–"
    if context not in DATE_CONTEXTS:
        raise ValueError(f"unknown date context {context!r}")
    return _formatted_when(value, context, str(get_locale() or "it"), str(get_timezone()))


@lru_cache(maxsize=4096)
def _formatted_when(value: datetime | date, context: str, locale: str, zone: str) -> str:
    """format_when's text, kept: Babel takes tens of microseconds a date, and pages show the
    same dates again and again (a Welfare day, a list). The text depends only on the value, the
    context and the request's locale and time zone, which are the key (Babel reads the last two
    from the request; an aware datetime equal to another is the same instant, the same text)."""
    day = format_date(value, _date_pattern(context))
    if isinstance(value, datetime):
        return f"{day}, {format_time(value, 'short')}"
    return day


def _context_of(style: str | None) -> str:
    return "long" if style in (*_LONG_STYLES, "long") else "list"


def when(value: datetime | date | None, style: str = "list") -> str:
    """The `when` filter: `|when` for lists, `|when('long')` (or 'full') for a date that stands
    on its own."""
    return format_when(value, _context_of(style))


def date_only(value: datetime | date | None, style: str | None = "list") -> str:
    """The `dateformat` filter: the date without its time, in the same two contexts."""
    if value is None:
        return "–"
    return format_date(value, _date_pattern(_context_of(style)))


def time_only(value: datetime | None, style: str | None = None) -> str:
    """The `timeformat` filter: hours and minutes, whatever style is asked (no seconds)."""
    if value is None:
        return "–"
    return format_time(value, "short")


def date_and_time(value: datetime | date | None, style: str | None = "list") -> str:
    """The `datetimeformat` filter."""
    return format_when(value, _context_of(style))


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    # Registered after Flask-Babel's own `dateformat`/`timeformat`/`datetimeformat`, which they
    # replace: Babel's "medium" time shows seconds and its "short" date a two-digit year.
    app.jinja_env.filters.update(
        money=_money_filter,
        number=number,
        percent=percent,
        when=when,
        dateformat=date_only,
        timeformat=time_only,
        datetimeformat=date_and_time,
    )

    @app.context_processor
    def page_locale() -> dict[str, str]:
        return {"page_locale": str(get_locale() or "it")}

    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "it")
    # The privacy guard's rule, for the note every report shows (templates/_disclosure.html).
    app.jinja_env.globals.update(
        disclosure_min_group=disclosure.MIN_GROUP, disclosure_rounding=disclosure.ROUNDING_BASE
    )
