"""Flask-Login's "strong" session protection (elearn/extensions.py PersonLoginManager): a login
used from another browser ends; a visitor's session is left alone (no cookie rewritten at every
page)."""

from __future__ import annotations


def test_a_login_carried_to_another_browser_ends(client, make_user, login) -> None:
    login(make_user("worker"))
    client.post("/consenso", data={"progress_sharing": "yes"})
    assert "Esci" in client.get("/").get_data(as_text=True)
    home = client.get("/", headers={"User-Agent": "Mozilla/5.0 elsewhere"})
    assert "Log out" not in home.get_data(as_text=True)
    assert "Esci" not in home.get_data(as_text=True)


def test_a_visitor_gets_the_session_cookie_once(client) -> None:
    first = client.get("/")
    assert first.headers.get("Set-Cookie", "").startswith("session=")
    for path in ("/", "/corsi/", "/simulatori", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
