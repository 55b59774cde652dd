"""Templates' links are kept once built (elearn/core/templating.TemplateUrls), but a link kept
for one address (a proxy's prefix, another host) never shows on a page served under another."""

from __future__ import annotations

from flask import render_template_string

TEMPLATE = (
    "{{ url_for('static', filename='css/app.css') }}|{{ url_for('learning.catalogue') }}"
    "|{{ url_for('learning.course', slug='x y') }}|{{ url_for('learning.catalogue', level=1) }}"
    "|{{ url_for('learning.catalogue', _external=True) }}"
)


def test_links_follow_the_address_the_page_is_served_under(app) -> None:
    pages = {}
    for base in ("http://localhost/", "http://localhost/coop/", "https://127.0.0.1/"):
        for _ in range(2):  # the second render reads what the first one kept
            with app.test_request_context("/", base_url=base):
                pages.setdefault(base, set()).add(render_template_string(TEMPLATE))
    assert pages == {
        "http://localhost/": {
            "/static/css/app.css|/corsi/|/corsi/x%20y/|/corsi/?level=1|http://localhost/corsi/"
        },
        "http://localhost/coop/": {
            "/coop/static/css/app.css|/coop/corsi/|/coop/corsi/x%20y/|/coop/corsi/?level=1"
            "|http://localhost/coop/corsi/"
        },
        "https://127.0.0.1/": {
            "/static/css/app.css|/corsi/|/corsi/x%20y/|/corsi/?level=1|https://127.0.0.1/corsi/"
        },
    }


def test_a_page_served_under_a_prefix_links_under_it(client) -> None:
    # The menu's links (kept from earlier requests) follow SCRIPT_NAME, whichever came first.
    plain = client.get("/login").get_data(as_text=True)
    prefixed = client.get("/login", base_url="http://localhost/coop/").get_data(as_text=True)
    again = client.get("/login").get_data(as_text=True)
    assert 'href="/coop/static/css/app.css' in prefixed
    assert 'href="/coop/corsi/"' in prefixed
    assert "/coop/" not in plain and "/coop/" not in again
    assert 'href="/corsi/"' in again
