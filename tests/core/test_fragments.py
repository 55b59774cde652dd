"""Rendered fragments kept between requests (elearn/core/fragments.py, `{% cache %}`): a kept
fragment is the text the template would draw now, for every value it shows, every language
and every address the page is served under."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import update

from elearn.extensions import db
from elearn.models import Course

FRAGMENT = (
    "{% cache n %}{{ _('Courses') }} {{ url_for('learning.catalogue') }} {{ n }}{% endcache %}"
)


def _render(app, base: str = "http://localhost/", locale: str = "it", **values) -> str:
    with app.test_request_context("/", base_url=base), force_locale(locale):
        return render_template_string(FRAGMENT, **values)


def test_a_kept_fragment_follows_its_key_language_and_address(app) -> None:
    assert _render(app, n=1) == "Corsi /corsi/ 1"
    assert _render(app, n=1) == "Corsi /corsi/ 1"  # kept
    assert _render(app, n=2) == "Corsi /corsi/ 2"
    assert _render(app, locale="en", n=1) == "Courses /corsi/ 1"
    assert _render(app, base="http://localhost/coop/", n=1) == "Corsi /coop/corsi/ 1"
    assert _render(app, n=1) == "Corsi /corsi/ 1"


def test_a_fragment_is_drawn_outside_a_request(app) -> None:
    with app.app_context(), force_locale("en"):
        page = "{% cache n %}{{ _('Courses') }} {{ n }}{% endcache %}"
        assert render_template_string(page, n=3) == "Courses 3"
        assert render_template_string(page, n=4) == "Courses 4"


def test_catalogue_cards_show_progress_language_and_edits_at_once(
    app, client, course, make_user, login
) -> None:
    anonymous = client.get("/corsi/").get_data(as_text=True)
    assert "2 moduli" in anonymous and "Non iniziato" not in anonymous
    login(make_user("worker"))
    client.post("/consenso", data={"progress_sharing": "yes"})
    client.get("/")  # the consent page's thank-you notice
    first = client.get("/corsi/").get_data(as_text=True)
    assert first == client.get("/corsi/").get_data(as_text=True)  # drawn, then kept: the same
    assert "Non iniziato" in first

    # Progress: the card of a course in progress says how far the learner is.
    client.get("/corsi/prova/01-spese")
    assert "0 di 2 moduli fatti" in client.get("/corsi/").get_data(as_text=True)
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    client.post("/corsi/prova/01-spese/letto", data={})
    assert "1 di 2 moduli fatti" in client.get("/corsi/").get_data(as_text=True)

    # A course edited in the database shows with its new title on the next request.
    with app.app_context():
        db.session.execute(update(Course).where(Course.slug == course).values(title="Nuovo nome"))
        db.session.commit()
    page = client.get("/corsi/").get_data(as_text=True)
    assert "Nuovo nome" in page and "Corso di prova" not in page

    # Another language: the same card in English.
    client.post("/lingua", data={"language": "en", "next": "/corsi/"})
    english = client.get("/corsi/").get_data(as_text=True)
    assert "2 modules" in english and "moduli" not in english

    # Another address: links under the proxy's prefix.
    prefixed = client.get("/corsi/", base_url="http://localhost/coop/").get_data(as_text=True)
    assert 'href="/coop/corsi/prova/"' in prefixed
    assert 'href="/corsi/prova/"' not in prefixed
