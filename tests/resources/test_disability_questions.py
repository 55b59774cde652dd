"""The questions added for the Assegno unico increases of INPS circ. 7/2026 (Allegato n. 1): a
child's disability (special-category data, asked only under a consent whose text mentions it) and
a mother under 21 (not special-category)."""

from __future__ import annotations

from elearn.extensions import db
from elearn.models import ResourceProfile


def _family(client, **extra):
    data = {"children-0-age": "5", "children-1-age": "19", "other_parent": "not_working", **extra}
    assert client.post("/risorse/questionario/famiglia", data=data).status_code == 302
    isee = {"has_isee": "yes", "isee": "20.000"}
    assert client.post("/risorse/questionario/isee", data=isee).status_code == 302


def test_a_childs_disability_is_asked_after_consent_and_raises_the_assegno_unico(
    app, client, coops, login
):
    login(coops.worker)
    _family(client)
    # Before consent a direct post stores nothing.
    client.post("/risorse/questionario/salute", data={"children_disability-0-disability": "grave"})
    consent = client.get("/risorse/questionario/consenso").get_data(as_text=True)
    assert "disabilità dei figli" in consent
    client.post("/risorse/questionario/consenso", data={"consent": "yes"})
    page = client.get("/risorse/questionario/salute").get_data(as_text=True)
    assert "Figli con disabilità" in page and "dati particolari" in page
    # One row per child declared in the family step, with the child's age.
    assert "Figlio 1 (5 anni)" in page and "Figlio 2 (19 anni)" in page
    assert "children_disability-2-disability" not in page
    response = client.post(
        "/risorse/questionario/salute",
        data={
            "children_disability-0-disability": "grave",
            "children_disability-1-disability": "media",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        special = db.session.get(ResourceProfile, coops.worker).special_answers
        assert special["children_disability"] == ["grave", "media"]
    page = client.get("/risorse").get_data(as_text=True)
    # Allegato n. 1: +110,60 € (grave) and +99,10 € (media) for children under 21.
    assert "disabilità grave (come ai fini ISEE): +110,60" in page
    assert "disabilità media (come ai fini ISEE): +99,10" in page
    # Withdrawing the consent deletes the answer and the increase.
    client.post("/risorse/questionario/consenso", data={"consent": "no"})
    page = client.get("/risorse").get_data(as_text=True)
    assert "+110,60" not in page
    with app.app_context():
        assert db.session.get(ResourceProfile, coops.worker).special_answers == {}


def test_a_consent_given_to_the_older_text_does_not_cover_a_childs_disability(
    app, client, coops, login
):
    login(coops.worker)
    _family(client)
    client.post("/risorse/questionario/consenso", data={"consent": "yes"})
    with app.app_context():
        # As if the consent had been given before the text mentioned a child's disability.
        profile = db.session.get(ResourceProfile, coops.worker)
        profile.answers = {k: v for k, v in profile.answers.items() if k != "special_scope"}
        db.session.commit()
    page = client.get("/risorse/questionario/salute").get_data(as_text=True)
    assert "children_disability-0-disability" not in page
    assert "rileggi il consenso" in page
    client.post(
        "/risorse/questionario/salute",
        data={"children_disability-0-disability": "grave", "relative_104": "grave"},
    )
    with app.app_context():
        special = db.session.get(ResourceProfile, coops.worker).special_answers
        assert special["relative_104"] == "grave" and "children_disability" not in special
    # Reading and accepting the new text again opens the question.
    client.post("/risorse/questionario/consenso", data={"consent": "yes"})
    page = client.get("/risorse/questionario/salute").get_data(as_text=True)
    assert "children_disability-0-disability" in page


def test_changing_the_children_asks_their_disability_again(app, client, coops, login):
    login(coops.worker)
    _family(client)
    client.post("/risorse/questionario/consenso", data={"consent": "yes"})
    client.post("/risorse/questionario/salute", data={"children_disability-1-disability": "grave"})
    # The first child is no longer listed: the rows would not match any more.
    client.post(
        "/risorse/questionario/famiglia",
        data={"children-0-age": "19", "other_parent": "not_working"},
    )
    with app.app_context():
        profile = db.session.get(ResourceProfile, coops.worker)
        assert "children_disability" not in profile.special_answers
        assert "salute" not in profile.completed_steps


def test_a_mother_under_21_gets_the_increase_for_each_child(client, coops, login):
    login(coops.worker)
    _family(client, mother_under_21="y")
    page = client.get("/risorse").get_data(as_text=True)
    # Allegato n. 1, column "Maggiorazione figli per madre di età < 21 anni": 23,3 for each child.
    assert "Madre con meno di 21 anni: +23,30\u00a0€ al mese per ogni figlio (2)" in page
    # The answer is shown with the others at the top of the map.
    assert "<strong>La madre dei figli ha meno di 21 anni</strong>: sì" in page
    form = client.get("/risorse/questionario/famiglia").get_data(as_text=True)
    assert "La madre dei figli ha meno di 21 anni" in form
