"""The editor preview answers pathological texts at once with a clear message (the outside probe
kept it busy 10-22 s with 100-150 KB of nested links)."""

from __future__ import annotations

import pytest

from tests.learning.access import FIXTURES

HEAD = "---\ntitle: Le spese\nminutes: 5\n---\n\n"


@pytest.fixture
def trainer(app, client, make_user, login):
    from elearn.authoring.services import import_courses

    with app.app_context():
        import_courses(FIXTURES)
    user_id = make_user("trainer")
    login(user_id)
    return user_id


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The bounds are in the Markdown layer: one database is enough."""
    return request.param


def preview(client, source: str):
    return client.post("/editor/prova/01-spese/anteprima", data={"source": source})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 100_000, "caratteri, al massimo 50000: dividilo in due moduli"),
        ("[a](" * 30_000, "caratteri, al massimo 50000: dividilo in due moduli"),
        ("[" * 20_000, "il modulo ha più di 500 '['"),
        ("[" * 5_000 + "a" + "](b)" * 5_000, "il modulo ha più di 500 '['"),
    ],
)
def test_live_preview_of_a_pathological_text_is_a_422_with_the_reason(
    client, trainer, body: str, message: str
) -> None:
    response = preview(client, HEAD + body)
    assert response.status_code == 422
    data = response.get_json()
    assert data["html"] == ""
    assert [e["line"] for e in data["errors"]] and message in data["errors"][0]["message"]


def test_live_preview_beyond_the_form_limit_says_the_limit_in_the_same_shape(client, trainer):
    response = preview(client, "x" * 200_001)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"line": 1, "message": "Il testo è troppo lungo (al massimo 200000 caratteri)."}
    ]


def test_the_editor_page_shows_the_reason_beside_the_text(client, trainer) -> None:
    response = client.post(
        "/editor/prova/01-spese", data={"source": HEAD + "[" * 20_000, "action": "preview"}
    )
    assert response.status_code == 422
    assert "il modulo ha più di 500 &#39;[&#39;" in response.get_data(as_text=True)


def test_a_normal_text_with_links_still_previews(client, trainer) -> None:
    body = "\n\n".join(f"Vedi [la pagina {n}](https://example.org/{n})." for n in range(100))
    response = preview(client, HEAD + body)
    assert response.status_code == 200
    assert response.get_json()["html"].count('href="https://example.org/') == 100
