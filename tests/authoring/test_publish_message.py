"""The refusal to publish counts its problems in words that agree with the number."""

from __future__ import annotations

from tests.authoring.test_editor import _source, trainer  # noqa: F401


def test_one_problem_is_named_in_the_singular(client, trainer):  # noqa: F811
    source = _source(client).replace("minutes: 10", "minutes: dieci")
    client.post("/editor/prova/01-spese", data={"source": source, "action": "save"})
    page = client.post("/editor/prova/pubblica", data={}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Non pubblicato: prima correggi il problema elencato." in text
    assert "i 1 problemi" not in text
