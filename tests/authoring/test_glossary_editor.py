"""Trainers edit the shared glossary.yml on the web: saved as typed, exported byte for byte,
kept by a later import of the course folders, refused when a module would lose a term."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, GlossaryFile
from tests.learning.access import FIXTURES

NEW_GLOSSARY = (
    "TAEG: Tasso Annuo Effettivo Globale, tutto compreso (definizione dal web).\n"
    "Rata: La somma che paghi ogni mese.\n"
    "# un commento resta com'è\n"
    "Spread: 'La differenza fra due tassi: 1,5 %.'\n"
)


@pytest.fixture
def trainer(app, client, make_user, login):
    from elearn.authoring.services import import_courses

    with app.app_context():
        import_courses(FIXTURES)
    user_id = make_user("trainer")
    login(user_id)
    return user_id


def _stored(app) -> str:
    with app.app_context():
        return db.session.get(GlossaryFile, 1).raw


def _export(runner, target: Path) -> dict[str, bytes]:
    result = runner.invoke(args=["courses", "export", "prova", "--to", str(target)])
    assert result.exit_code == 0, result.output
    return {
        p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()
    }


def test_the_glossary_page_shows_the_current_file(client, trainer):
    page = client.get("/editor/glossario").get_data(as_text=True)
    assert "Glossario" in page and "TAEG: Tasso Annuo Effettivo Globale" in page


def test_a_glossary_edit_round_trips_through_export_and_import(
    app, client, trainer, runner, tmp_path, make_user, login
):
    # A browser sends CRLF line ends; the file keeps the author's LF ones.
    response = client.post("/editor/glossario", data={"source": NEW_GLOSSARY.replace("\n", "\r\n")})
    assert response.status_code == 302
    assert _stored(app) == NEW_GLOSSARY
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action)) == "course.glossary_edited"

    # Published modules show the new definition at once.
    learner = app.test_client()
    login(make_user("worker"), learner)
    assert "definizione dal web" in learner.get("/corsi/prova/02-rate").get_data(as_text=True)

    first = _export(runner, tmp_path / "one")
    assert first["glossary.yml"] == NEW_GLOSSARY.encode("utf-8")
    # Importing the export changes nothing, and exporting again gives the same bytes.
    result = runner.invoke(args=["courses", "import", str(tmp_path / "one")])
    assert result.exit_code == 0, result.output
    assert "skipped glossary.yml" not in result.output
    assert _stored(app) == NEW_GLOSSARY
    assert _export(runner, tmp_path / "two") == first


def test_an_import_keeps_the_glossary_edited_on_the_web_unless_told_to_overwrite(
    app, client, trainer, runner
):
    client.post("/editor/glossario", data={"source": NEW_GLOSSARY})
    rerun = runner.invoke(args=["courses", "import", str(FIXTURES)])
    assert rerun.exit_code == 0, rerun.output
    assert "skipped glossary.yml" in rerun.output
    assert _stored(app) == NEW_GLOSSARY
    overwrite = runner.invoke(
        args=["courses", "import", str(FIXTURES), "--overwrite", "glossary.yml"]
    )
    assert overwrite.exit_code == 0, overwrite.output
    assert _stored(app) == (FIXTURES / "glossary.yml").read_text(encoding="utf-8")


def test_a_glossary_that_drops_a_term_a_module_uses_is_refused(app, client, trainer):
    before = _stored(app)
    response = client.post("/editor/glossario", data={"source": "Rata: La somma mensile.\n"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "prova/02-rate.md:6" in page and "il termine &#39;TAEG&#39; non è definito" in page
    assert _stored(app) == before


def test_a_glossary_with_a_yaml_mistake_names_its_line(app, client, trainer):
    before = _stored(app)
    broken = "TAEG: Tasso.\nRata: La somma che paghi ogni mese.\nTAN: [aperta\n"
    response = client.post("/editor/glossario", data={"source": broken})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Non salvato" in page and "Riga 3" in page
    assert _stored(app) == before


def test_a_save_over_someone_elses_newer_glossary_is_refused(app, client, trainer):
    import re

    page = client.get("/editor/glossario").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([0-9a-f]+)"', page).group(1)
    client.post("/editor/glossario", data={"source": NEW_GLOSSARY, "base": base})
    late = NEW_GLOSSARY.replace("tutto compreso", "versione vecchia")
    response = client.post("/editor/glossario", data={"source": late, "base": base})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Qualcuno ha salvato il glossario mentre lo modificavi" in page
    assert "versione vecchia" in page  # the late text is still there to copy
    assert _stored(app) == NEW_GLOSSARY
