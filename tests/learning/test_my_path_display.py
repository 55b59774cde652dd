"""«Il mio percorso» for a new learner and on a phone."""

from __future__ import annotations


def test_a_new_learner_reads_no_activity_yet_instead_of_an_empty_chart(client, make_user, login):
    login(make_user("worker"))
    page = client.get("/il-mio-percorso").get_data(as_text=True)
    assert "Ancora nessuna attività" in page
    assert "/il-mio-percorso/attivita.svg" not in page


def test_after_some_activity_the_chart_is_shown(client, course, make_user, login):
    login(make_user("worker"))
    client.get("/corsi/prova/01-spese")
    page = client.get("/il-mio-percorso").get_data(as_text=True)
    assert "/il-mio-percorso/attivita.svg" in page
    assert "Ancora nessuna attività" not in page
