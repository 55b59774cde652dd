"""Templates' csrf_token() (elearn/core/templating.CsrfTokens): signed at most once a minute
per session token and key, and still one session's token only."""

from __future__ import annotations

import re

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(browser) -> str:
    found = TOKEN.search(browser.get("/").get_data(as_text=True))
    assert found is not None
    return found.group(1)


def test_a_session_keeps_its_token_and_it_works(app) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    first = _token(browser)
    assert _token(browser) == first  # the next page: the same signed token
    answer = browser.post("/lingua", data={"csrf_token": first, "language": "en", "next": "/"})
    assert answer.status_code == 302


def test_a_token_belongs_to_its_session_and_key(app) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    one, other = app.test_client(), app.test_client()
    token = _token(one)
    assert _token(other) != token
    refused = other.post("/lingua", data={"csrf_token": token, "language": "en", "next": "/"})
    assert refused.status_code == 400
    app.secret_key = app.config["SECRET_KEY"] = "a new key"
    assert _token(one) != token  # the same session token, signed with the new key
