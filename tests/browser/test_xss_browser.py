"""Hostile Markdown typed into the course editor renders inert in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import demo_login
from tests.coursefmt.test_xss import PAYLOADS

pytestmark = pytest.mark.browser


def test_xss_corpus_is_inert_in_the_editor_preview(page, base_url):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    demo_login(page, "formatore@demo.it")
    page.goto("/editor/bilancio-familiare/01-entrate-e-busta-paga")
    body = "\n\n".join(PAYLOADS)
    source = f"---\ntitle: Prova XSS\nminutes: 5\n---\n\n{body}\n"
    page.locator("#source").fill(source)
    page.get_by_role("button", name="Aggiorna l'anteprima").click()
    preview = page.locator("#preview")
    assert preview.count() == 1
    # Nothing ran, and nothing that could run reached the page.
    assert dialogs == []
    active = "script, iframe, object, embed, svg, form, base, meta, link"
    selector = ", ".join(f"#preview {tag}" for tag in active.split(", "))
    assert page.evaluate(f"document.querySelectorAll('{selector}').length") == 0
    handlers = page.evaluate(
        """Array.from(document.querySelectorAll('#preview *')).flatMap(el =>
             Array.from(el.attributes)
               .filter(a => a.name.startsWith('on') || a.name === 'style'
                 || /^\\s*(javascript|data|vbscript):/i.test(a.value))
               .map(a => el.tagName + ' ' + a.name))"""
    )
    assert handlers == []
