"""Registration, login, logout and password reset as a worker experiences them."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import OutboxMessage, PasswordResetToken, User
from elearn.models.base import utcnow
from tests.conftest import PASSWORD


def _register(client, **overrides):
    data = {
        "invite_code": "INVITE0001",
        "full_name": "Giulia Rossi",
        "email": "giulia@example.org",
        "password": "una frase lunga e sicura",
        "password_again": "una frase lunga e sicura",
        "language": "it",
    }
    data.update(overrides)
    return client.post("/registrazione", data=data)


def test_worker_registers_with_invite_code_gets_a_welcome_email_and_logs_in(client, make_org, app):
    make_org(invite_code="INVITE0001")
    response = _register(client, invite_code=" invite0001 ")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    told = client.get("/login").get_data(as_text=True)
    assert "Abbiamo inviato un’e-mail a giulia@example.org" in told
    with app.app_context():
        welcome = db.session.scalar(select(OutboxMessage))
        assert welcome.recipient == "giulia@example.org"
        assert "il tuo account WELFARE³" in welcome.body_text
    client.post(
        "/login", data={"email": "giulia@example.org", "password": "una frase lunga e sicura"}
    )
    # First the privacy choice, explained in plain words; then the home page.
    first = client.get("/")
    assert first.headers["Location"].startswith("/consenso")
    choice = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "solo totali per tutta la cooperativa" in choice
    client.post(first.headers["Location"], data={"progress_sharing": "no"})
    home = client.get("/").get_data(as_text=True)
    assert "Ciao, Giulia" in home
    assert "Cosa imparare adesso" in home
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "giulia@example.org"))
        assert user.roles == {"worker"}
        assert user.organization.invite_code == "INVITE0001"
        assert user.password_hash.startswith("scrypt:")


def test_wrong_invite_code_is_refused_with_a_clear_message(client, make_org, app):
    make_org(invite_code="INVITE0001")
    response = _register(client, invite_code="NOPE1234")
    assert response.status_code == 422
    assert "Questo codice invito non è valido" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_very_long_name_and_empty_fields_get_messages_not_errors(client, make_org):
    make_org(invite_code="INVITE0001")
    response = _register(client, full_name="x" * 10_000, email="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Usa al massimo 120 caratteri." in page
    assert "Scrivi la tua e-mail." in page


def test_short_and_common_passwords_are_refused(client, make_org):
    make_org(invite_code="INVITE0001")
    short = _register(client, password="corta", password_again="corta")
    assert "Usa almeno 12 caratteri" in short.get_data(as_text=True)
    common = _register(client, password="password1234", password_again="password1234")
    assert "Questa password è troppo facile da indovinare" in common.get_data(as_text=True)


def _page_after(client, response) -> str:
    """The page a person sees after a form, with the e-mail address and CSRF token made neutral."""
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    page = re.sub(r'(csrf[^>]*?(?:content|value)=")[^"]+', r"\1TOKEN", page)
    return re.sub(r"[\w.+-]+@example\.org", "ADDRESS", page)


def test_registering_a_known_or_a_new_email_gets_the_same_answer(client, make_org, make_user, app):
    """No "an account already exists": the owner of the address is told by e-mail instead."""
    org = make_org(invite_code="INVITE0001")
    owner = make_user("worker", email="anna@example.org", name="Anna Verdi", org_id=org)
    known = _register(client, email="ANNA@example.org", full_name="Qualcun Altro")
    known_page = _page_after(client, known)
    new = _register(client, email="nuova@example.org")
    new_page = _page_after(client, new)
    assert known.headers["Location"] == new.headers["Location"]
    assert known_page == new_page
    assert "Esiste già" not in known_page
    with app.app_context():
        anna = db.session.get(User, owner)
        assert anna.full_name == "Anna Verdi"  # nothing changed on the account
        mails = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {"anna@example.org", "nuova@example.org"}
    warning = mails["anna@example.org"]
    assert "qualcuno ha provato a creare un nuovo account" in warning.body_text
    assert "Hai dimenticato la password?" in warning.body_text
    assert "Qualcun Altro" not in warning.body_text


def test_registering_twice_with_the_same_email_keeps_one_account(client, make_org, app):
    make_org(invite_code="INVITE0001")
    _register(client)
    _register(
        client,
        email="GIULIA@example.org",
        password="altra frase lunga sicura",
        password_again="altra frase lunga sicura",
    )
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1
    refused = client.post(
        "/login", data={"email": "giulia@example.org", "password": "altra frase lunga sicura"}
    )
    assert refused.status_code == 422


def test_form_without_csrf_token_is_refused_with_explanation(client, make_org):
    make_org(invite_code="INVITE0001")
    response = client.post(
        "/registrazione", data={"invite_code": "INVITE0001", "email": "a@b.it"}, csrf=False
    )
    assert response.status_code == 400
    assert "Il modulo è scaduto" in response.get_data(as_text=True)


def test_login_with_wrong_password_or_unknown_email_gives_the_same_message(client, make_user):
    make_user("worker", email="anna@example.org")
    wrong = client.post("/login", data={"email": "anna@example.org", "password": "sbagliata!!!"})
    unknown = client.post("/login", data={"email": "nessuno@example.org", "password": "x" * 12})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "E-mail o password non corrette." in response.get_data(as_text=True)


def test_login_then_logout(client, make_user):
    make_user("worker", email="anna@example.org", name="Anna Verdi")
    response = client.post("/login", data={"email": "Anna@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "Ciao, Anna" in client.get("/").get_data(as_text=True)
    client.post("/logout", data={})
    assert client.get("/profilo").status_code == 302
    assert "Crea il tuo account" in client.get("/").get_data(as_text=True)


def test_login_redirects_only_to_local_pages(client, make_user):
    make_user("worker", email="anna@example.org")
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": "anna@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client.post("/logout", data={})
    response = client.post(
        "/login?next=/profilo", data={"email": "anna@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profilo"


def test_login_is_rate_limited_with_a_clear_message(app):
    from elearn import create_app
    from tests.conftest import CsrfClient

    limited = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "10 per minute"}
    )
    limited.test_client_class = CsrfClient
    client = limited.test_client()
    # Different accounts each time: the coarse per-address limiter of Flask-Limiter (10 per
    # minute) acts before the database throttle's per-address budget (30 failures).
    statuses = [
        client.post("/login", data={"email": f"x{n}@example.org", "password": "y" * 12}).status_code
        for n in range(10)
    ]
    assert statuses == [422] * 10
    blocked = client.post("/login", data={"email": "x@example.org", "password": "y" * 12})
    assert blocked.status_code == 429
    assert "Troppi tentativi" in blocked.get_data(as_text=True)


def _reset_link(app) -> str:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id.desc())
        ).first()
        match = re.search(r"http://127\.0\.0\.1:5000/password/nuova/(\S+)", message.body_text)
        assert match, message.body_text
        return "/password/nuova/" + match.group(1)


def test_password_reset_link_is_emailed_and_works_once(app, client, make_user, smtp_server, runner):
    make_user("worker", email="anna@example.org", name="Anna Verdi")
    response = client.post("/password/dimenticata", data={"email": "anna@example.org"})
    assert "Controlla la tua e-mail" in response.get_data(as_text=True)

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert len(smtp_server.messages) == 1
    delivered = smtp_server.messages[0]
    assert delivered["To"] == "anna@example.org"
    assert "reimposta la tua password" in delivered["Subject"]
    # PUBLIC_BASE_URL is empty in the tests: the fixed local address, not the request's host.
    link = re.search(r"http://127\.0\.0\.1:5000(/password/nuova/\S+)", delivered.get_content())[1]

    assert client.get(link).status_code == 200
    new_password = "il mio nuovo segreto lungo"
    done = client.post(link, data={"password": new_password, "password_again": new_password})
    assert done.status_code == 302
    reused = client.get(link)
    assert reused.status_code == 410
    assert "Questo link non funziona più" in reused.get_data(as_text=True)
    assert (
        client.post("/login", data={"email": "anna@example.org", "password": PASSWORD}).status_code
        == 422
    )
    assert (
        client.post(
            "/login", data={"email": "anna@example.org", "password": new_password}
        ).status_code
        == 302
    )
    # Nothing is sent twice.
    assert runner.invoke(args=["outbox", "send"]).output.startswith("sent 0")
    assert len(smtp_server.messages) == 1


def test_unknown_email_gets_the_same_answer_and_no_message(app, client):
    response = client.post("/password/dimenticata", data={"email": "ghost@example.org"})
    assert "Controlla la tua e-mail" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_expired_reset_link_is_refused(app, client, make_user):
    make_user("worker", email="anna@example.org")
    client.post("/password/dimenticata", data={"email": "anna@example.org"})
    link = _reset_link(app)
    with app.app_context():
        token = db.session.scalar(select(PasswordResetToken))
        token.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(link, data={"password": "x" * 20, "password_again": "x" * 20})
    assert response.status_code == 410
    assert "Chiedi un nuovo link" in response.get_data(as_text=True)


def test_invalid_reset_token_is_a_410_page(client):
    response = client.get("/password/nuova/" + "a" * 500)
    assert response.status_code == 410


def test_smtp_down_keeps_the_message_for_later(app, client, make_user, runner):
    from tests.conftest import free_port

    make_user("worker", email="anna@example.org")
    client.post("/password/dimenticata", data={"email": "anna@example.org"})
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=2)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    assert "retry later 1" in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "pending"
        assert message.attempts == 1
        assert message.next_attempt_at > utcnow()
        assert "ConnectionRefusedError" in message.last_error


def test_logout_invalidates_the_session_even_for_a_copied_cookie(app, client, make_user, login):
    login(make_user("worker"))
    cookie = client.get_cookie("session").value
    client.post("/logout", data={})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/profilo").status_code == 302


def test_idle_and_absolute_timeouts_end_the_session(app, client, make_user, login):
    from datetime import timedelta

    from sqlalchemy import update

    from elearn.models import UserSession

    login(make_user("worker"))
    assert client.get("/profilo").status_code == 200
    with app.app_context():
        db.session.execute(
            update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=31))
        )
        db.session.commit()
    assert client.get("/profilo").status_code == 302
    login(make_user("worker", email="due@example.org"))
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.revoked_at.is_(None))
            .values(created_at=utcnow() - timedelta(hours=12, minutes=1))
        )
        db.session.commit()
    assert client.get("/profilo").status_code == 302


def test_a_new_session_id_at_every_login(client, make_user, login):
    user_id = make_user("worker")
    client.get("/login")
    before = client.get_cookie("session").value
    login(user_id)
    assert client.get_cookie("session").value != before


def test_nul_bytes_are_refused_with_400(client):
    response = client.post("/login", data={"email": "a\x00@b.it", "password": "x" * 12})
    assert response.status_code == 400
    assert client.get("/corsi/?lingua=it%00").status_code == 400


def test_a_name_of_only_spaces_or_invisible_characters_is_refused(client, make_org):
    make_org(invite_code="INVITE0001")
    blank = _register(client, full_name="   ")
    assert blank.status_code == 422 and "Scrivi il tuo nome." in blank.get_data(as_text=True)
    invisible = _register(client, full_name="Giulia\u0085Rossi")
    assert invisible.status_code == 422
    assert "Togli i caratteri di controllo invisibili." in invisible.get_data(as_text=True)


def test_nul_bytes_in_any_value_key_or_file_name_are_refused(client):
    from io import BytesIO

    from werkzeug.datastructures import MultiDict

    repeated = MultiDict([("email", "a@b.it"), ("email", "x\x00y"), ("password", "x" * 12)])
    repeated.add("csrf_token", client.csrf_token())  # (a plain dict would keep one value only)
    assert client.post("/login", data=repeated).status_code == 400
    assert (
        client.post("/login", data={"e\x00mail": "a@b.it", "password": "x" * 12}).status_code == 400
    )
    upload = {"file": (BytesIO(b"zip"), "corso\x00.zip")}
    assert client.post("/login", data=upload, content_type="multipart/form-data").status_code == 400
