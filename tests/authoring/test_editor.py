"""Trainers edit modules with a preview, publish only valid courses, restore versions."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import CourseMedia, ModuleProgress, QuizFirstAnswer
from tests.learning.access import FIXTURES


@pytest.fixture
def trainer(app, client, make_user, login):
    from elearn.authoring.services import import_courses

    with app.app_context():
        import_courses(FIXTURES)
    user_id = make_user("trainer")
    login(user_id)
    return user_id


def _source(client, module="01-spese"):
    page = client.get(f"/editor/prova/{module}").get_data(as_text=True)
    start = page.index('name="source"')
    start = page.index(">", start) + 1
    import html

    return html.unescape(page[start : page.index("</textarea>", start)])


def test_editor_shows_source_and_rendered_preview(client, trainer):
    page = client.get("/editor/prova/01-spese").get_data(as_text=True)
    assert "title: Le spese" in page
    assert 'class="callout callout-tip"' in page  # the preview
    assert "Nessun problema trovato." in page


def test_preview_without_javascript_shows_errors_beside_their_line(client, trainer):
    source = _source(client).replace(
        "    correct: true\n  - text: La cena",
        "    correct: true\n  - text: La cena\n    correct: true\n  - text: X",
    )
    response = client.post("/editor/prova/01-spese", data={"source": source, "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Riga 17" in page  # the `choices:` line of the quiz
    assert "richiede esattamente una scelta corretta (trovate 2)" in page


def test_live_preview_endpoint_returns_sanitised_html_and_errors(client, trainer):
    response = client.post(
        "/editor/prova/01-spese/anteprima",
        data={
            "source": "---\ntitle: T\nminutes: 5\n---\n\n"
            "Ciao <script>alert(1)</script> [x](javascript:alert(1))\n"
        },
    )
    data = response.get_json()
    assert "<script" not in data["html"] and 'href="javascript' not in data["html"]
    assert data["errors"] == []


def test_draft_is_invisible_to_learners_until_published(app, client, trainer, make_user, login):
    source = _source(client).replace("Una spesa fissa torna ogni mese.", "TESTO NUOVO DELLA BOZZA.")
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})
    learner = app.test_client()
    login(make_user("worker"), learner)
    assert "TESTO NUOVO" not in learner.get("/corsi/prova/01-spese").get_data(as_text=True)
    assert "Una spesa fissa torna" in learner.get("/corsi/prova/01-spese").get_data(as_text=True)
    response = client.post("/editor/prova/pubblica", data={})
    assert response.status_code == 302
    assert "TESTO NUOVO" in learner.get("/corsi/prova/01-spese").get_data(as_text=True)


def test_publish_refuses_a_course_with_errors(app, client, trainer, make_user, login):
    source = _source(client).replace("minutes: 10", "minutes: dieci")
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})
    client.post("/editor/prova/pubblica", data={})
    page = client.get("/editor/prova/").get_data(as_text=True)
    assert "Non si può pubblicare" in page
    learner = app.test_client()
    login(make_user("worker"), learner)
    assert "<h1>Le spese</h1>" in learner.get("/corsi/prova/01-spese").get_data(as_text=True)


def test_history_and_restore_of_an_earlier_version(app, client, trainer):
    original = _source(client)
    client.post(
        "/editor/prova/01-spese",
        data={"source": original.replace("Le spese", "Le uscite"), "action": "save"},
    )
    client.post("/editor/prova/pubblica", data={})
    history = client.get("/editor/prova/01-spese/versioni").get_data(as_text=True)
    assert "Versione 2" in history and "Versione 1" in history
    client.post("/editor/prova/01-spese/versioni/1/ripristina", data={})
    assert _source(client) == original
    client.post("/editor/prova/pubblica", data={})
    assert "Versione 3" in client.get("/editor/prova/01-spese/versioni").get_data(as_text=True)
    assert client.post("/editor/prova/01-spese/versioni/99/ripristina", data={}).status_code == 404


def test_new_course_and_module_from_the_web(client, trainer):
    response = client.post(
        "/editor/nuovo",
        data={"slug": "nuovo-corso", "title": "Nuovo corso", "summary": "Prova.", "language": "it"},
    )
    assert response.status_code == 302
    client.post("/editor/nuovo-corso/moduli", data={"slug": "02-secondo", "title": "Secondo"})
    client.post("/editor/nuovo-corso/pubblica", data={})
    page = client.get("/corsi/nuovo-corso/").get_data(as_text=True)
    assert "Introduzione" in page and "Secondo" in page
    duplicate = client.post(
        "/editor/nuovo",
        data={"slug": "nuovo-corso", "title": "X", "summary": "Y", "language": "it"},
    )
    assert duplicate.status_code == 422 and "Esiste già un corso" in duplicate.get_data(
        as_text=True
    )


def test_zip_download_and_upload_round_trip(app, client, trainer):
    data = client.get("/editor/prova/esporta.zip").data
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "prova/course.yml" in names and "prova/01-spese.md" in names
    renamed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(renamed, "w") as target:
        for name in source.namelist():
            target.writestr(name.replace("prova/", "prova-due/", 1), source.read(name))
    response = client.post(
        "/editor/importa",
        data={"file": (io.BytesIO(renamed.getvalue()), "prova-due.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Corso di prova" in client.get("/corsi/prova-due/").get_data(as_text=True)


def test_zip_with_path_traversal_is_refused(client, trainer):
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../etc/passwd", "x")
    response = client.post(
        "/editor/importa",
        data={"file": (io.BytesIO(evil.getvalue()), "evil.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "etc/passwd" in response.get_data(as_text=True)


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    image.save(buffer, kind, exif=exif) if kind == "JPEG" else image.save(buffer, kind)
    return buffer.getvalue()


def test_image_upload_is_checked_by_content_and_stripped(app, client, trainer):
    jpeg = _image("JPEG")
    assert b"SecretCamera" in jpeg
    client.post(
        "/editor/prova/media",
        data={"file": (io.BytesIO(jpeg), "Foto Vacanze.JPG")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        item = db.session.scalar(select(CourseMedia))
        assert item.filename == "foto-vacanze.jpg" and item.content_type == "image/jpeg"
        assert b"SecretCamera" not in item.data
    served = client.get("/corsi/prova/media/foto-vacanze.jpg")
    assert served.mimetype == "image/jpeg" and served.headers["X-Content-Type-Options"] == "nosniff"
    # An HTML file renamed to .png is refused.
    client.post(
        "/editor/prova/media",
        data={"file": (io.BytesIO(b"<html><script>x</script>"), "x.png")},
        content_type="multipart/form-data",
    )
    page = client.get("/editor/prova/").get_data(as_text=True)
    assert "Si possono caricare solo immagini" in page


def test_statistics_hide_groups_under_five(app, client, trainer, make_user):
    with app.app_context():
        for index in range(6):
            user_id = make_user("worker")
            db.session.add(
                ModuleProgress(
                    user_id=user_id, course_slug="prova", module_slug="01-spese", completed_at=None
                )
            )
            db.session.add(
                QuizFirstAnswer(
                    user_id=user_id,
                    course_slug="prova",
                    module_slug="01-spese",
                    quiz_id="spesa-fissa",
                    correct=index < 2,
                )
            )
        user_id = make_user("worker")
        db.session.add(ModuleProgress(user_id=user_id, course_slug="prova", module_slug="02-rate"))
        db.session.commit()
    page = client.get("/editor/prova/statistiche").get_data(as_text=True)
    assert "<td>5</td>" in page  # 6 learners, published rounded to the nearest 5
    assert "meno di 5" in page  # module 2 has a single learner
    # 4 of 6 wrong: the 4 is hidden, and so is the share (4/6 = 67 % would give both away).
    row = page.split("Quale di queste è una spesa fissa?")[1].split("</tr>")[0]
    assert "<td>5</td>" in row and "meno di 5" in row and "67" not in row
