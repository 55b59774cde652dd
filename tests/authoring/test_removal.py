"""Trainers delete modules and images after a confirmation page, and nothing learners earned is
lost: a published module is archived (hidden, restorable), an image in use is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from elearn import coursefmt
from elearn.extensions import db
from elearn.models import AuditEntry, CourseCompletion, CourseMedia, CourseModule, ModuleProgress
from tests.authoring.test_editor import _source
from tests.learning.access import FIXTURES
from tests.learning.test_progress import _complete_course


@pytest.fixture
def trainer(app, client, make_user, login):
    from elearn.authoring.services import import_courses

    with app.app_context():
        import_courses(FIXTURES)
    user_id = make_user("trainer")
    login(user_id)
    return user_id


@pytest.fixture
def learner(app, make_user, login):
    """A worker who completed the course `prova`: progress in both modules and a certificate."""
    client = app.test_client()
    user_id = make_user("worker")
    login(user_id, client)
    _complete_course(client)
    with app.app_context():
        completion = db.session.scalar(select(CourseCompletion))
        assert completion is not None
    return client, user_id, completion.verification_code


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _exported(runner, tmp_path: Path, name: str) -> dict[str, bytes]:
    result = runner.invoke(args=["courses", "export", "prova", "--to", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / name / "prova"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_deleting_a_module_with_learner_progress_keeps_completions_and_certificates(
    app, client, trainer, learner, runner, tmp_path
):
    worker, worker_id, code = learner
    page = client.get("/editor/prova/02-rate/elimina")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Eliminare il modulo «Le rate»?" in text
    assert "nulla di ciò che hanno ottenuto va perso" in text
    assert "meno di 5" in text  # one learner: the count goes through the privacy guard

    response = client.post("/editor/prova/02-rate/elimina", data={})
    assert response.status_code == 302
    assert "Modulo «Le rate» eliminato" in client.get(response.location).get_data(as_text=True)

    # Learners no longer see it...
    assert "Le rate" not in worker.get("/corsi/prova/").get_data(as_text=True)
    assert worker.get("/corsi/prova/02-rate").status_code == 404
    # ...and keep everything they earned.
    with app.app_context():
        rows = db.session.scalars(
            select(ModuleProgress).where(ModuleProgress.user_id == worker_id)
        ).all()
        assert {row.module_slug for row in rows if row.completed_at} == {"01-spese", "02-rate"}
        assert db.session.scalar(select(CourseCompletion.verification_code)) == code
    certificate = worker.get("/certificati/prova.pdf")
    assert certificate.status_code == 200 and certificate.mimetype == "application/pdf"
    assert worker.get(f"/verifica/{code}").status_code == 200
    assert "course.module_archived" in _audit_actions(app)

    # The published course stays a valid course folder without it.
    files = _exported(runner, tmp_path, "after-delete")
    assert "02-rate.md" not in files and b"02-rate" not in files["course.yml"]
    parsed, errors = coursefmt.course_from_files(
        files,
        "prova",
        glossary=coursefmt.parse_glossary((FIXTURES / "glossary.yml").read_bytes())[0],
    )
    assert errors == [] and [m.slug for m in parsed.modules] == ["01-spese"]

    # Restoring brings it back, with the learner's progress attached again.
    course_page = client.get("/editor/prova/").get_data(as_text=True)
    assert "Moduli eliminati" in course_page
    assert (
        client.post("/editor/prova/moduli-eliminati/02-rate/ripristina", data={}).status_code == 302
    )
    assert worker.get("/corsi/prova/02-rate").status_code == 200
    assert "02-rate.md" in _exported(runner, tmp_path, "after-restore")
    assert "course.module_restored" in _audit_actions(app)


def test_a_module_deleted_on_the_web_is_not_brought_back_by_an_import(app, client, trainer, runner):
    client.post("/editor/prova/02-rate/elimina", data={})
    result = runner.invoke(args=["courses", "import", str(FIXTURES)])
    assert result.exit_code == 0 and "skipped prova" in result.output
    with app.app_context():
        assert db.session.scalar(
            select(CourseModule.archived).where(CourseModule.slug == "02-rate")
        )


def test_a_module_never_published_is_deleted_for_good(app, client, trainer):
    client.post("/editor/prova/moduli", data={"slug": "03-bozza", "title": "Solo bozza"})
    page = client.get("/editor/prova/03-bozza/elimina").get_data(as_text=True)
    assert "non è mai stato pubblicato" in page
    assert client.post("/editor/prova/03-bozza/elimina", data={}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(CourseModule.slug == "03-bozza")) == 0
    # The draft course.yml no longer names it, so the course can still be published.
    assert "03-bozza" not in client.get("/editor/prova/").get_data(as_text=True)
    assert client.post("/editor/prova/pubblica", data={}).status_code == 302
    assert "Non si può pubblicare" not in client.get("/editor/prova/").get_data(as_text=True)
    assert "course.module_deleted" in _audit_actions(app)


def test_the_only_module_of_a_course_cannot_be_deleted(app, client, trainer):
    client.post(
        "/editor/nuovo",
        data={"slug": "solo", "title": "Un modulo", "summary": "Prova.", "language": "it"},
    )
    page = client.get("/editor/solo/01-introduzione/elimina")
    assert "un corso ne deve avere almeno uno" in page.get_data(as_text=True)
    assert client.post("/editor/solo/01-introduzione/elimina", data={}).status_code == 409
    assert client.get("/editor/solo/01-introduzione").status_code == 200


def test_delete_without_the_confirmation_token_is_refused(app, client, trainer):
    response = client.post("/editor/prova/02-rate/elimina", data={}, csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert not db.session.scalar(
            select(CourseModule.archived).where(CourseModule.slug == "02-rate")
        )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(client, name="grafico.png"):
    return client.post(
        "/editor/prova/media",
        data={"file": (io.BytesIO(_png()), name)},
        content_type="multipart/form-data",
    )


def test_an_image_a_module_shows_cannot_be_deleted(app, client, trainer):
    _upload(client)
    source = _source(client).replace(
        "Una spesa fissa torna ogni mese.",
        "Una spesa fissa torna ogni mese.\n\n![Grafico](media/grafico.png)",
    )
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})

    page = client.get("/editor/prova/immagini/grafico.png/elimina").get_data(as_text=True)
    assert "non si può eliminare: la mostrano questi moduli" in page and "01-spese.md" in page
    assert client.post("/editor/prova/immagini/grafico.png/elimina", data={}).status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(CourseMedia.id))) == 1

    # Once no module shows it, it goes (after the confirmation page).
    client.post(
        "/editor/prova/01-spese",
        data={
            "source": _source(client).replace("\n\n![Grafico](media/grafico.png)", ""),
            "action": "save",
        },
    )
    page = client.get("/editor/prova/immagini/grafico.png/elimina").get_data(as_text=True)
    assert "Nessun modulo del corso mostra questa immagine" in page
    assert client.post("/editor/prova/immagini/grafico.png/elimina", data={}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(CourseMedia.id))) == 0
    assert "course.image_deleted" in _audit_actions(app)
    assert client.get("/editor/prova/immagini/grafico.png/elimina").status_code == 404


def test_an_uploaded_image_survives_a_rerun_import(app, client, trainer, runner):
    _upload(client)
    runner.invoke(args=["courses", "import", str(FIXTURES)])
    with app.app_context():
        assert db.session.scalar(select(func.count(CourseMedia.id))) == 1


def test_learners_who_finished_every_other_module_complete_the_course_when_one_is_deleted(
    app, client, trainer, make_user, login
):
    worker = app.test_client()
    worker_id = make_user("worker")
    login(worker_id, worker)
    worker.get("/corsi/prova/01-spese")
    worker.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "0"})
    worker.post("/corsi/prova/01-spese/letto", data={})
    assert worker.get("/certificati/prova.pdf").status_code == 404  # 02-rate still to do
    client.post("/editor/prova/02-rate/elimina", data={})
    assert worker.get("/certificati/prova.pdf").status_code == 200


def test_a_deleted_module_whose_image_is_gone_is_not_restored(app, client, trainer):
    _upload(client)
    source = _source(client, "02-rate").replace(
        "Il [[TAEG]] conta anche le spese.",
        "Il [[TAEG]] conta anche le spese.\n\n![Grafico](media/grafico.png)",
    )
    client.post("/editor/prova/02-rate", data={"source": source, "action": "save"})
    client.post("/editor/prova/pubblica", data={})
    client.post("/editor/prova/02-rate/elimina", data={})
    # Only a deleted module shows the image: deleting it is allowed, with a warning.
    page = client.get("/editor/prova/immagini/grafico.png/elimina").get_data(as_text=True)
    assert "La mostrano moduli eliminati" in page and "02-rate.md" in page
    client.post("/editor/prova/immagini/grafico.png/elimina", data={})
    response = client.post("/editor/prova/moduli-eliminati/02-rate/ripristina", data={})
    page = client.get(response.location).get_data(as_text=True)
    assert "Non ripristinato" in page and "media/grafico.png" in page
    with app.app_context():
        assert db.session.scalar(
            select(CourseModule.archived).where(CourseModule.slug == "02-rate")
        )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "modules:\n  - 01-a.md\n  - 02-b.md\n  - 03-c.md\n",
            "modules:\n  - 01-a.md\n  - 03-c.md\n",
        ),
        ("modules:\n- '01-a.md'\n- \"02-b\"  # due\n", "modules:\n- '01-a.md'\n"),
        ("modules: [01-a.md, 02-b.md, 03-c.md]\n", "modules: [01-a.md, 03-c.md]\n"),
        ("modules: [01-a.md, 02-b.md]\n", "modules: [01-a.md]\n"),
        ("title: T\n", "title: T\n"),
    ],
)
def test_a_module_leaves_the_module_list_of_course_yml_and_nothing_else_changes(before, after):
    from elearn.authoring.upkeep import with_module_entry, without_module_entry

    assert without_module_entry(before, "02-b.md") == after
    if "02-b" in before and "03-c" not in before:
        assert without_module_entry(with_module_entry(after, "02-b.md"), "02-b.md") == after
