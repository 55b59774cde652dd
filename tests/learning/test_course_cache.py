"""The course and module pages keep a published course in memory between requests
(elearn.learning.catalogue.course_for_reading), checked against the content version that
database triggers change at every write to a course or module (elearn.models.content).

The writes here go through plain SQL on the database, as another process, an import or an
operator in psql would make them: the app learns about them only through the triggers.
"""

from __future__ import annotations

from sqlalchemy import text

from elearn.extensions import db


def _sql(app, statement: str) -> None:
    with app.app_context():
        db.session.execute(text(statement))
        db.session.commit()


def _stamp(app) -> tuple[int, int] | None:
    with app.app_context():
        row = db.session.execute(text("SELECT epoch, n FROM content_version")).first()
        return None if row is None else tuple(row)


def test_every_write_to_a_course_or_module_changes_the_stamp(app, course) -> None:
    writes = [
        "UPDATE course SET title = 'A' WHERE slug = 'prova'",
        "UPDATE course_module SET minutes = 7 WHERE slug = '02-rate'",
        "INSERT INTO course (slug, title, summary, language, level, audience, pass_score,"
        " course_yml, created_at, updated_at) VALUES ('altro', 'Altro', '', 'it', 'base',"
        " 'tutti', 80, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "DELETE FROM course WHERE slug = 'altro'",
    ]
    seen = {_stamp(app)}
    for statement in writes:
        _sql(app, statement)
        seen.add(_stamp(app))
    assert None not in seen and len(seen) == len(writes) + 1
    # Reading changes nothing.
    before = _stamp(app)
    _sql(app, "SELECT count(*) FROM course_module")
    assert _stamp(app) == before


def test_pages_show_each_change_on_the_next_request(app, client, course, make_user, login) -> None:
    login(make_user("worker"))
    client.post("/consenso", data={"progress_sharing": "yes"})
    outline = client.get("/corsi/prova/").get_data(as_text=True)
    assert "Le spese" in outline and "Le rate" in outline
    assert "Le spese" in client.get("/corsi/prova/01-spese").get_data(as_text=True)

    _sql(app, "UPDATE course_module SET title = 'Spese di casa' WHERE slug = '01-spese'")
    assert "Spese di casa" in client.get("/corsi/prova/").get_data(as_text=True)
    module = client.get("/corsi/prova/02-rate").get_data(as_text=True)
    assert "Spese di casa" in module  # the link back to the previous module

    _sql(app, "UPDATE course SET title = 'Prova rinominata' WHERE slug = 'prova'")
    assert "Prova rinominata" in client.get("/corsi/prova/01-spese").get_data(as_text=True)

    # Archived: gone from the outline, and its page is not found.
    _sql(app, "UPDATE course_module SET archived = TRUE WHERE slug = '02-rate'")
    outline = client.get("/corsi/prova/").get_data(as_text=True)
    assert "Le rate" not in outline
    assert client.get("/corsi/prova/02-rate").status_code == 404

    # Withdrawn from publication: both pages are not found.
    _sql(app, "UPDATE course SET published_at = NULL WHERE slug = 'prova'")
    assert client.get("/corsi/prova/").status_code == 404
    assert client.get("/corsi/prova/01-spese").status_code == 404


def test_an_emptied_version_row_comes_back_with_a_new_epoch(app, client, course) -> None:
    assert "Le spese" in client.get("/corsi/prova/").get_data(as_text=True)
    _sql(app, "DELETE FROM content_version")  # a database emptied by hand: nothing is kept
    assert "Le spese" in client.get("/corsi/prova/").get_data(as_text=True)
    _sql(app, "UPDATE course_module SET title = 'Spese nuove' WHERE slug = '01-spese'")
    stamp = _stamp(app)
    assert stamp is not None and stamp[1] == 1
    assert "Spese nuove" in client.get("/corsi/prova/").get_data(as_text=True)
