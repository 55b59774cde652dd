"""The session cookie's signing serializer is made once per set of keys (elearn.security
SessionCookies): a new SECRET_KEY still logs everyone out at once, and a key moved to
SECRET_KEY_FALLBACKS still opens the cookies it signed."""

from __future__ import annotations


def test_a_new_secret_key_ends_the_sessions_signed_with_the_old_one(app, client, make_user, login):
    login(make_user("worker"))
    assert client.get("/il-mio-percorso").status_code == 200
    old = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "another key, after a leak"
    response = client.get("/il-mio-percorso")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # With the old key kept as a fallback (a planned rotation), the same cookie opens again.
    login(make_user("worker"))
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = app.config["SECRET_KEY"] = old + " rotated"
    assert client.get("/il-mio-percorso").status_code == 200
