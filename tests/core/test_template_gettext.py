"""Templates translate with the locale in force at each `_()`, even though the translations
are looked up once per request (elearn/core/templating.py)."""

from __future__ import annotations

from flask import render_template_string, session
from flask_babel import force_locale, refresh
from jinja2.ext import _gettext_alias

TEMPLATE = "{{ _('Log in') }}|{{ ngettext('%(num)d question', '%(num)d questions', 2) }}"


def test_a_locale_forced_or_changed_inside_a_request_changes_the_template_words(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        assert render_template_string(TEMPLATE) == "Accedi|2 domande"
        with force_locale("en"):
            assert render_template_string(TEMPLATE) == "Log in|2 questions"
        assert render_template_string(TEMPLATE) == "Accedi|2 domande"
        # What the language switch does: the choice changes, then Flask-Babel's refresh().
        session["language"] = "en"
        refresh()
        assert render_template_string(TEMPLATE) == "Log in|2 questions"
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        assert render_template_string(TEMPLATE) == "Accedi|2 domande"


def test_an_application_context_shared_by_two_requests_keeps_no_language(app, client) -> None:
    # Tests (and CLI code) may hold one application context around several requests: `g`
    # then outlives each request, and nothing of the first request's language may stay.
    with app.app_context():
        client.post("/lingua", data={"language": "en", "next": "/"})
        assert "Log in" in client.get("/").get_data(as_text=True)
        client.post("/lingua", data={"language": "it", "next": "/"})
        assert "Accedi" in client.get("/").get_data(as_text=True)


def test_template_translations_escape_and_format_like_jinjas_own(app) -> None:
    # `_()`, `gettext()` and `ngettext()` are direct callables (fewer layers than Jinja's
    # newstyle ones): same escaping, same `%`, same `num`, also inside `{% trans %}`.
    from elearn.core import templating

    template = (
        "{{ _('Log in') }}|{{ _('%(name)s', name='<b>&') }}|{{ _('100%%') }}"
        "|{{ gettext('Log in') }}|{{ ngettext('%(num)d question', '%(num)d questions', 2) }}"
        "|{{ ngettext('%(num)d of %(x)s', '%(num)d of %(x)s', 1, x='<x>') }}"
        "|{% trans n=3 %}{{ n }} item{% pluralize %}{{ n }} items{% endtrans %}"
        "{% autoescape false %}|{{ _('%(name)s', name='<i>') }}{% endautoescape %}"
    )
    env = app.jinja_env
    fast = {name: env.globals[name] for name in ("_", "gettext", "ngettext")}
    assert fast["_"] is templating.underscore
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        quick = render_template_string(template)
        env.install_gettext_callables(
            gettext=templating.gettext, ngettext=templating.ngettext, newstyle=True
        )
        env.globals["_"] = _gettext_alias
        try:
            plain = render_template_string(template)
        finally:
            env.globals.update(fast)
    assert quick == plain
    assert quick == "Accedi|&lt;b&gt;&amp;|100%|Accedi|2 domande|1 of &lt;x&gt;|3 items|<i>"
