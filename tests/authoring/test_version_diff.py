"""What changed between two versions of a module, readable without colours."""

from __future__ import annotations

import pytest

from elearn.authoring.diff import diff_texts
from tests.authoring.test_editor import _source
from tests.learning.access import FIXTURES


@pytest.fixture
def trainer(app, client, make_user, login):
    from elearn.authoring.services import import_courses

    with app.app_context():
        import_courses(FIXTURES)
    user_id = make_user("trainer")
    login(user_id)
    return user_id


def _publish_change(client, old: str, new: str) -> None:
    source = _source(client)
    assert old in source
    client.post(
        "/editor/prova/01-spese", data={"source": source.replace(old, new), "action": "save"}
    )
    assert client.post("/editor/prova/pubblica", data={}).status_code == 302


def test_history_shows_what_the_last_publication_changed(client, trainer):
    _publish_change(client, "Una spesa fissa torna ogni mese.", "Una spesa fissa arriva ogni mese.")
    page = client.get("/editor/prova/01-spese/versioni").get_data(as_text=True)
    assert "Versione 1 → Versione 2 (pubblicata)" in page
    assert "1 riga aggiunta" in page and "1 riga tolta" in page
    # The changed word itself is marked, and each line says in words what happened to it.
    assert "<del>torna</del>" in page and "<ins>arriva</ins>" in page
    assert '<span class="visually-hidden">aggiunto</span>' in page
    assert '<span class="visually-hidden">tolto</span>' in page


def test_any_two_versions_and_the_draft_can_be_compared(client, trainer):
    _publish_change(client, "Una spesa fissa torna ogni mese.", "Prima modifica.")
    _publish_change(client, "Prima modifica.", "Seconda modifica.")
    source = _source(client).replace("Seconda modifica.", "Modifica in bozza.")
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})
    # By default: the draft against the newest version.
    page = client.get("/editor/prova/01-spese/versioni").get_data(as_text=True)
    assert "Versione 3 (pubblicata) → Bozza (non pubblicata)" in page
    page = client.get("/editor/prova/01-spese/versioni?da=1&a=3").get_data(as_text=True)
    assert "Una spesa fissa torna ogni mese." in page and "Seconda modifica." in page
    same = client.get("/editor/prova/01-spese/versioni?da=2&a=2").get_data(as_text=True)
    assert "i due testi sono uguali" in same


def test_a_version_that_does_not_exist_is_a_clear_400(client, trainer):
    _publish_change(client, "Una spesa fissa torna ogni mese.", "Altro.")
    response = client.get("/editor/prova/01-spese/versioni?da=7&a=x")
    assert response.status_code == 400
    assert "Scegli due versioni dagli elenchi" in response.get_data(as_text=True)


def test_unchanged_stretches_are_summarised_with_their_length():
    old = "\n".join(f"riga {n}" for n in range(1, 21))
    new = old.replace("riga 10", "riga dieci")
    result = diff_texts(old, new)
    assert (result.added, result.removed) == (1, 1)
    [hunk] = result.hunks
    assert hunk.skipped_before == 6 and result.skipped_after == 7
    assert [row.kind for row in hunk.rows].count("same") == 6
    removed = next(row for row in hunk.rows if row.kind == "removed")
    assert removed.old_number == 10 and [p.text for p in removed.pieces if p.kind != "same"] == [
        "10"
    ]


def test_a_rewritten_line_is_shown_whole_not_word_by_word():
    result = diff_texts("Il TAEG conta.", "Tutt'altro discorso sui mutui.")
    kinds = [[piece.kind for piece in row.pieces] for row in result.hunks[0].rows]
    assert kinds == [["same"], ["same"]]  # the row kind (removed/added) says it all
