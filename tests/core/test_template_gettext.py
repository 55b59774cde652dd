"""Templates translate with the locale in force at each `_()`, even though the translations
are looked up once per request (elearn/core/templating.py)."""

from __future__ import annotations

from flask import render_template_string, session
from flask_babel import force_locale, refresh

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


def test_underscore_escapes_variables_and_formats_like_jinjas_own(app) -> None:
    # `_()` is a direct callable (fewer layers than Jinja's alias): same escaping, same `%`.
    from jinja2.ext import _gettext_alias

    template = (
        "{{ _('Log in') }}|{{ _('%(name)s', name='<b>&') }}|{{ _('100%%') }}"
        "{% autoescape false %}|{{ _('%(name)s', name='<i>') }}{% endautoescape %}"
    )
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        fast = render_template_string(template)
        app.jinja_env.globals["_"] = _gettext_alias
        try:
            plain = render_template_string(template)
        finally:
            app.jinja_env.globals.pop("_")
            from elearn.core.templating import underscore

            app.jinja_env.globals["_"] = underscore
    assert fast == plain == "Accedi|&lt;b&gt;&amp;|100%|<i>"
