"""Language choice and locale-aware formatting of money, numbers and dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, request, session
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from elearn.extensions import babel
from elearn.paths import PACKAGE_DIR
from elearn.privacy import disclosure


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


def money(value: float | Decimal | int | None) -> str:
    if value is None:
        return "–"
    return format_currency(value, "EUR")


def number(value: float | Decimal | int | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def percent(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return number(value, digits) + "\u00a0%"  # never split from its number


def when(value: datetime | date | None, style: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value, style)
    return format_date(value, style)


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    app.jinja_env.filters.update(money=money, number=number, percent=percent, when=when)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "it")
    # The privacy guard's rule, for the note every report shows (templates/_disclosure.html).
    app.jinja_env.globals.update(
        disclosure_min_group=disclosure.MIN_GROUP, disclosure_rounding=disclosure.ROUNDING_BASE
    )
