"""Password and code guessing is throttled per account and per address, in the database."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import AuthAttempt, OutboxMessage, User
from elearn.models.base import utcnow
from tests.conftest import PASSWORD, TOTP_SECRET, totp_code


def _email(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


def _login(client, email, password, address="127.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _age_attempts(app, minutes):
    """Move every recorded attempt `minutes` into the past (time passing, without waiting)."""
    with app.app_context():
        for row in db.session.scalars(select(AuthAttempt)):
            row.created_at -= timedelta(minutes=minutes)
        db.session.commit()


def test_five_wrong_passwords_pause_the_account_even_for_the_right_one(app, client, make_user):
    email = _email(app, make_user("worker"))
    statuses = [_login(client, email, "not my password at all").status_code for _ in range(5)]
    assert statuses == [422] * 5
    blocked = _login(client, email, PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) == 15 * 60
    page = blocked.get_data(as_text=True)
    assert "Troppi tentativi sbagliati per questo account" in page
    assert "sospeso per 15 minuti" in page
    # Nobody is logged in by the blocked attempt.
    assert client.get("/profilo").status_code == 302
    # The lockout ends by itself when the failures are older than the window.
    _age_attempts(app, 16)
    assert _login(client, email, PASSWORD).status_code == 302


def test_the_remaining_minutes_are_shown(app, client, make_user):
    email = _email(app, make_user("worker"))
    for _ in range(5):
        _login(client, email, "not my password at all")
    _age_attempts(app, 11)
    page = _login(client, email, PASSWORD).get_data(as_text=True)
    assert "sospeso per 4 minuti" in page


def test_a_right_password_starts_the_count_afresh(app, client, make_user):
    email = _email(app, make_user("worker"))
    for _ in range(4):
        assert _login(client, email, "not my password at all").status_code == 422
    assert _login(client, email, PASSWORD).status_code == 302
    assert client.post("/logout", data={}).status_code == 302
    assert client.get("/profilo").status_code == 302  # logged out
    for _ in range(4):
        assert _login(client, email, "not my password at all").status_code == 422
    assert _login(client, email, PASSWORD).status_code == 302


def test_a_paused_account_does_not_pause_the_others(app, client, make_user):
    victim = _email(app, make_user("worker"))
    other = _email(app, make_user("worker"))
    for _ in range(6):
        _login(client, victim, "not my password at all")
    assert _login(client, other, PASSWORD).status_code == 302


def test_one_address_cannot_try_many_accounts(app, client, make_user):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 8
    emails = [f"nobody{n}@example.org" for n in range(8)]
    assert [_login(client, e, "guessing a password", "10.0.0.7").status_code for e in emails] == [
        422
    ] * 8
    blocked = _login(client, "nobody99@example.org", "guessing a password", "10.0.0.7")
    assert blocked.status_code == 429
    assert "Troppi tentativi sbagliati da questa connessione" in blocked.get_data(as_text=True)
    # The same person from their own connection is not affected.
    email = _email(app, make_user("worker"))
    assert _login(client, email, PASSWORD, "10.0.0.8").status_code == 302


def test_the_table_keeps_no_address_or_email_in_clear(app, client, make_user):
    _login(client, "giulia.bianchi@example.org", "guessing a password", "203.0.113.9")
    with app.app_context():
        rows = db.session.scalars(select(AuthAttempt)).all()
    assert {row.scope for row in rows} == {"account", "address"}
    for row in rows:
        assert re.fullmatch(r"[0-9a-f]{64}", row.key)
        assert "giulia" not in row.key and "203.0.113.9" not in row.key


def test_wrong_codes_pause_the_second_step(app, client, make_user):
    email = _email(app, make_user("manager"))
    assert _login(client, email, PASSWORD).headers["Location"] == "/login/codice"
    right = totp_code(TOTP_SECRET)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert client.post("/login/codice", data={"code": wrong}).status_code == 422
    blocked = client.post("/login/codice", data={"code": right})
    assert blocked.status_code == 429
    assert "Troppi tentativi sbagliati per questo account" in blocked.get_data(as_text=True)
    assert client.get("/profilo").status_code == 302


def test_invite_codes_cannot_be_guessed_from_one_address(app, client, make_org):
    make_org(invite_code="INVITE0001")
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3

    def register(code, email):
        return client.post(
            "/registrazione",
            data={
                "invite_code": code,
                "full_name": "Giulia Rossi",
                "email": email,
                "password": "una frase lunga e sicura",
                "password_again": "una frase lunga e sicura",
                "language": "it",
            },
        )

    guesses = [register(f"GUESS{n:04d}", f"g{n}@example.org").status_code for n in range(3)]
    assert guesses == [422] * 3
    # Even the right code waits now: the address has used its budget.
    blocked = register("INVITE0001", "giulia@example.org")
    assert blocked.status_code == 429
    assert "Troppi tentativi sbagliati da questa connessione" in blocked.get_data(as_text=True)


def test_reset_emails_are_capped_without_telling_who_has_an_account(app, client, make_user):
    email = _email(app, make_user("worker"))
    pages = [client.post("/password/dimenticata", data={"email": email}) for _ in range(5)]
    # Every answer looks the same (no account enumeration, no visible lockout)...
    assert {page.status_code for page in pages} == {200}
    texts = {re.sub(r"[\w-]+\.[\w-]+\.[\w-]+", "TOKEN", p.get_data(as_text=True)) for p in pages}
    assert len(texts) == 1  # (CSRF tokens carry a timestamp: compared without them)
    # ...but only three e-mails went out: nobody can flood a mailbox.
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_a_password_reset_lifts_the_lockout(app, client, make_user):
    email = _email(app, make_user("worker"))
    for _ in range(5):
        _login(client, email, "not my password at all")
    assert _login(client, email, PASSWORD).status_code == 429
    client.post("/password/dimenticata", data={"email": email})
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage)).one().body_text
    link = re.search(r"http://127\.0\.0\.1:5000(/password/nuova/\S+)", body).group(1)
    new = "una nuova frase segreta"
    assert client.post(link, data={"password": new, "password_again": new}).status_code == 302
    assert _login(client, email, new).status_code == 302


def test_failures_older_than_a_day_are_removed(app, client, make_user):
    _login(client, "old@example.org", "guessing a password")
    _age_attempts(app, 25 * 60)
    _login(client, "new@example.org", "guessing a password")
    with app.app_context():
        assert db.session.scalar(select(func.count(AuthAttempt.id))) == 2  # the new pair only
        oldest = db.session.scalar(select(func.min(AuthAttempt.created_at)))
        assert utcnow() - oldest < timedelta(minutes=5)


def _form_login(base_url, email, password):
    """Log in like a browser: fetch the form (cookie + CSRF token), then post it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(base_url + "/login").read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    try:
        return opener.open(base_url + "/login", data=body.encode()).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def test_the_limit_holds_across_gunicorn_workers(app, database_url, make_user, tmp_path, backend):
    """Three worker processes share one budget: memory counters would allow 5 per worker."""
    from tests.servers import gunicorn

    email = _email(app, make_user("worker"))
    with app.app_context():
        db.engine.dispose()
    # The coarse per-process limiter is off, to show the database throttle alone.
    with gunicorn(database_url, tmp_path, workers=3, env={"RATELIMIT_ENABLED": "false"}) as server:
        statuses = [_form_login(server.base_url, email, "not my password") for _ in range(9)]
        right = _form_login(server.base_url, email, PASSWORD)
    assert statuses == [422] * 5 + [429] * 4
    assert right == 429
