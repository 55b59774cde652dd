"""The admins' form of a cooperative's own resources: what is typed wrong gets a message under
its field and a 422 (the typed values stay in the form, nothing is saved), never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import CoopResource

GOOD = {
    "title": "Buono libri",
    "who_qualifies": "Soci con figli a scuola",
    "amount": "fino a 150 € l'anno",
    "how_to_ask": "Ufficio personale",
    "active": "y",
}


@pytest.fixture
def admin_form(app, client, make_org, make_user, login):
    """An admin logged in, one resource saved; returns (form data, the resource's id)."""

    def setup(language: str = "it") -> tuple[dict[str, str], int]:
        form = {"organization": str(make_org()), **GOOD}
        login(make_user("admin", language=language))
        assert client.post("/admin/risorse-cooperative", data=form).status_code == 302
        with app.app_context():
            return form, db.session.scalar(select(func.max(CoopResource.id)))

    return setup


def _saved(app, resource_id: int) -> tuple[int, str, str]:
    with app.app_context():
        resource = db.session.get(CoopResource, resource_id)
        count = db.session.scalar(select(func.count(CoopResource.id)))
        return count, resource.title, resource.who_qualifies


@pytest.mark.parametrize("blank", ["   ", "\u00a0", " \t "])
def test_a_title_of_spaces_is_asked_for_again_keeping_the_rest(app, client, admin_form, blank):
    form, resource_id = admin_form()
    changed = {**form, "title": blank, "who_qualifies": "Tutti i soci lavoratori"}
    created = client.post("/admin/risorse-cooperative", data=changed)
    edited = client.post(f"/admin/risorse-cooperative/{resource_id}", data=changed)
    for page in (created, edited):
        assert page.status_code == 422
        text = page.get_data(as_text=True)
        assert "Scrivi un titolo." in text
        assert "Tutti i soci lavoratori" in text  # what was typed is still in the form
    assert _saved(app, resource_id) == (1, "Buono libri", "Soci con figli a scuola")


def test_the_message_is_in_the_admins_language(app, client, admin_form):
    form, resource_id = admin_form(language="en")
    page = client.post(f"/admin/risorse-cooperative/{resource_id}", data={**form, "title": " "})
    assert (page.status_code, "Write a title." in page.get_data(as_text=True)) == (422, True)


def test_spaces_around_a_title_do_not_count_towards_its_limit(app, client, admin_form):
    form, resource_id = admin_form()
    title = "T" * 160
    edited = client.post(
        f"/admin/risorse-cooperative/{resource_id}", data={**form, "title": f"  {title}  "}
    )
    assert edited.status_code == 302
    assert _saved(app, resource_id)[1] == title


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("title", "T" * 161, "Usa al massimo 160 caratteri."),
        ("amount", "1" * 201, "Usa al massimo 200 caratteri."),
        ("who_qualifies", "w" * 2001, "Usa al massimo 2000 caratteri."),
        ("how_to_ask", "h" * 2001, "Usa al massimo 2000 caratteri."),
        # Invisible control characters (a NUL byte is refused before any view): the textareas
        # are checked like the title and the amount.
        ("who_qualifies", "Soci\x1b lavoratori", "Togli i caratteri di controllo invisibili."),
        ("how_to_ask", "Ufficio\x08", "Togli i caratteri di controllo invisibili."),
        ("amount", "150\x7f €", "Togli i caratteri di controllo invisibili."),
    ],
)
def test_too_long_or_invisible_characters_get_a_message(
    app, client, admin_form, name, value, message
):
    form, resource_id = admin_form()
    created = client.post("/admin/risorse-cooperative", data={**form, name: value})
    edited = client.post(f"/admin/risorse-cooperative/{resource_id}", data={**form, name: value})
    assert [
        (page.status_code, message in page.get_data(as_text=True)) for page in (created, edited)
    ] == [
        (422, True),
        (422, True),
    ]
    assert _saved(app, resource_id) == (1, "Buono libri", "Soci con figli a scuola")
