"""NUL characters never reach PostgreSQL (it cannot store them in text: that would be a 500).

The app refuses a NUL in a form or query value early (elearn/security.py), but a form can carry
a name twice, a NUL can hide in a field *name*, and uploads carry their own text. This sends, on
PostgreSQL, every form the pages show with each field repeated ([a valid value, "x\\x00y"]) and an
extra field whose name holds a NUL, and imports a course zip with NUL inside its files.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from werkzeug.datastructures import MultiDict

from tests.learning.access import FIXTURES
from tests.security.strategies import hints
from tests.security.world import build_world


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
def test_nul_in_repeated_fields_and_field_names_is_never_a_500(app, world_snapshot) -> None:
    world = build_world(app, crawl=False)
    world.forms = world_snapshot.world.forms  # the same pages on SQLite show the same forms
    problems = []
    for (role, endpoint), form in sorted(world.forms.items()):
        if endpoint == "auth.logout":
            continue
        data: MultiDict = MultiDict()
        for name, info in form.fields.items():
            if name == "csrf_token" or name.endswith("-csrf_token"):
                data.add(name, world.csrf[role])
            elif info.kind != "file":
                good = [v for v in info.values if v] or hints(name, info.kind, world.invite_code)
                data.add(name, good[0])
                data.add(name, "x\x00y")
        data.add("extra\x00name", "value")
        response = world.clients[role].post(form.action, data=data, csrf=False)
        if response.status_code >= 500:
            problems.append(f"{role} POST {form.action}: {response.status_code}")
    assert not problems, "\n".join(problems)


def _zip_with_nul(where: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((FIXTURES / "prova").iterdir()):
            data = path.read_bytes()
            if where == "module" and path.name == "01-spese.md":
                data = data.replace(b"Una spesa fissa", b"Una spesa\x00 fissa")
            if where == "course.yml" and path.name == "course.yml":
                data = data.replace(b"Corso di prova", b"Corso\x00di prova")
            archive.writestr(f"nul/{path.name}", data)
    return buffer.getvalue()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("where", ["course.yml", "module"])
def test_a_course_zip_with_nul_inside_is_refused_not_a_500(app, where) -> None:
    world = build_world(app, crawl=False)
    response = world.clients["trainer"].post(
        "/editor/importa",
        data={
            "file": (io.BytesIO(_zip_with_nul(where)), "nul.zip"),
            "csrf_token": world.csrf["trainer"],
        },
        content_type="multipart/form-data",
        csrf=False,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert "notice-error" in page and f"nul/{where}".replace("module", "01-spese.md") in page


def test_a_multipart_part_with_an_unreadable_name_is_a_400_not_a_500(client) -> None:
    """Found by the form fuzzer: a part named "\\n" reaches the app with the key None."""
    fields = MultiDict([("email", "a@b.it"), ("\n", ""), ("file", (io.BytesIO(b"x"), "a.txt"))])
    fields.add("csrf_token", client.csrf_token())
    response = client.post("/login", data=fields, content_type="multipart/form-data")
    assert response.status_code == 400
