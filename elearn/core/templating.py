"""Template helpers on the hot path: `_()` and `ngettext()` with the translations looked up once.

Flask-Babel's template callables find the request's domain, locale and translations again on
every `_()` (a page has 30 to 60 of them: four lookups in `g` each, a `str(locale)` and a
dictionary probe): about a third of a module page's rendering. Here the translations object is
kept beside Flask-Babel's own per-request locale (`g._flask_babel.babel_locale`) and used while
that locale is the same object: `refresh()`, `force_locale()` or another request replace the
locale, and the next call looks the translations up again. Same strings out, same rules.
"""

from __future__ import annotations

import time
from typing import Any

import flask_babel
from flask import Flask, g, session
from flask.globals import _cv_app, _cv_request
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import generate_csrf
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


class CsrfTokens:
    """Templates' `csrf_token()`: Flask-WTF's token, signed at most once a minute per session.

    Flask-WTF signs the session's token anew at every request (a serializer built, an HMAC, a
    timestamp): a twentieth of a light page. A token signed less than a minute ago for the
    same session token and key is as good: it is checked against its own signing time
    (WTF_CSRF_TIME_LIMIT, an hour) and the session's token, which this key holds. It is put
    where Flask-WTF keeps the request's token (`g`), so the page's forms carry the same one.
    A session with no token yet, or another field name or key setting, gets Flask-WTF's own.
    """

    reuse_for = 60.0
    limit = 4096

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.kept: dict[tuple[Any, str], tuple[str, float]] = {}

    def __call__(self) -> str:
        config = self.app.config
        if "csrf_token" in g or config.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token":
            return str(generate_csrf())
        raw = session.get("csrf_token")
        if not isinstance(raw, str):
            return str(generate_csrf())
        key = (config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key, raw)
        now = time.time()
        kept = self.kept.get(key)
        if kept is not None and 0 <= now - kept[1] < self.reuse_for:
            g.csrf_token = kept[0]
            return kept[0]
        token = str(generate_csrf())
        if len(self.kept) >= self.limit:
            self.kept.clear()
        self.kept[key] = (token, now)
        return token


def init_app(app: Flask) -> None:
    """After Flask-Babel's init_app: replace the callables it installed in Jinja."""
    app.jinja_env.globals["url_for"] = TemplateUrls(app)
    # After CSRFProtect's init_app, which also puts Flask-WTF's own `csrf_token` in every
    # template's context (a context processor, run at every render, that would hide this one).
    app.jinja_env.globals["csrf_token"] = CsrfTokens(app)
    processors = app.template_context_processors[None]
    processors[:] = [f for f in processors if "CSRFProtect.init_app" not in f.__qualname__]
    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.install_gettext_callables(
        gettext=gettext, ngettext=ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    app.jinja_env.globals.update(_=underscore, gettext=underscore, ngettext=template_ngettext)
