"""Template helpers on the hot path: `_()` and `ngettext()` with the translations looked up once.

Flask-Babel's template callables find the request's domain, locale and translations again on
every `_()` (a page has 30 to 60 of them: four lookups in `g` each, a `str(locale)` and a
dictionary probe): about a third of a module page's rendering. Here the translations object is
kept beside Flask-Babel's own per-request locale (`g._flask_babel.babel_locale`) and used while
that locale is the same object: `refresh()`, `force_locale()` or another request replace the
locale, and the next call looks the translations up again. Same strings out, same rules.
"""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import Flask
from flask.globals import _cv_app, _cv_request
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from elearn.core.fragments import FragmentCache


def _translations() -> Any:
    app_context = _cv_app.get(None)
    if app_context is not None:
        babel = app_context.g.__dict__.get("_flask_babel")
        if babel is not None:
            kept = babel.__dict__.get("elearn_translations")
            if kept is not None and kept[0] is babel.__dict__.get("babel_locale", False):
                return kept[1]
    translations = get_translations()
    if app_context is not None:
        babel = app_context.g.__dict__.get("_flask_babel")
        locale = babel.__dict__.get("babel_locale") if babel is not None else None
        if locale is not None:
            babel.elearn_translations = (locale, translations)
    return translations


def text(value: Any) -> str:
    """str() of a string marked with lazy_gettext, translated through the kept translations."""
    if (
        type(value) is LazyString
        and value._func is flask_babel.gettext
        and len(value._args) == 1
        and not value._kwargs
    ):
        return gettext(value._args[0])
    return str(value)


def gettext(string: str, **variables: Any) -> str:
    """flask_babel.gettext with the kept translations: same text, same `%` of the variables."""
    value = _translations().ugettext(string)
    return value % variables if variables else value


def ngettext(singular: str, plural: str, number: int) -> str:
    return _translations().ungettext(singular, plural, number)


def pgettext(context: str, string: str) -> str:
    return _translations().upgettext(context, string)


def npgettext(context: str, singular: str, plural: str, number: int) -> str:
    return _translations().unpgettext(context, singular, plural, number)


@pass_context
def underscore(context: Context, string: str, **variables: Any) -> str:
    """Jinja's `_()`: what the i18n extension's alias and its newstyle `gettext` do together
    (Markup when autoescaping, then always `%` the variables), without the two extra
    `context.call` layers; a page has 20 to 60 of them."""
    value = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        # The catalogue's text, as Jinja's own newstyle callables do.
        value = Markup(value)  # noqa: S704  # nosec B704
    return value % variables


@pass_context
def template_ngettext(
    context: Context, singular: str, plural: str, number: int, **variables: Any
) -> str:
    """Jinja's newstyle `ngettext()` (also what `{% trans count=... %}` calls), one layer."""
    variables.setdefault("num", number)
    value = _translations().ungettext(singular, plural, number)
    if context.eval_ctx.autoescape:
        # The catalogue's text, as Jinja's own newstyle callables do.
        value = Markup(value)  # noqa: S704  # nosec B704
    return value % variables


class TemplateUrls:
    """Templates' `url_for`: a link built once is kept for the next requests made under the same
    address (menu links, static files, course links: 15 to 25 per page, each a werkzeug build).

    The key holds what werkzeug's build depends on besides the endpoint and its values: the
    request's script root (SCRIPT_NAME, a proxy's prefix), host, scheme and subdomain. Kept only
    for plain calls: values that are exact `str` or `int`, no underscore options (external
    links, scheme, anchor, method), no blueprint-relative endpoint, no `url_defaults` functions
    registered, and within a request; anything else (and every miss) is Flask's own `url_for`,
    so the text is the same. Rules cannot change once the app has served a request. Values
    come from pages (slugs, ids), but the kept set is bounded all the same.
    """

    limit = 4096

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.kept: dict[tuple[Any, ...], str] = {}

    def __call__(self, endpoint: str, /, **values: Any) -> str:
        request_context = _cv_request.get(None)
        if request_context is None or endpoint[:1] == "." or self.app.url_default_functions:
            return self.app.url_for(endpoint, **values)
        for name, value in values.items():
            kind = type(value)
            if (kind is not str and kind is not int) or name[:1] == "_":
                return self.app.url_for(endpoint, **values)
        adapter = request_context.url_adapter
        if adapter is None:
            return self.app.url_for(endpoint, **values)
        key = (
            endpoint,
            adapter.script_name,
            adapter.server_name,
            adapter.url_scheme,
            adapter.subdomain,
            *values.items(),
        )
        url = self.kept.get(key)
        if url is None:
            url = self.app.url_for(endpoint, **values)
            if len(self.kept) >= self.limit:
                self.kept.clear()
            self.kept[key] = url
        return url


def init_app(app: Flask) -> None:
    """After Flask-Babel's init_app: replace the callables it installed in Jinja."""
    app.jinja_env.globals["url_for"] = TemplateUrls(app)
    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.install_gettext_callables(
        gettext=gettext, ngettext=ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    app.jinja_env.globals.update(_=underscore, gettext=underscore, ngettext=template_ngettext)
