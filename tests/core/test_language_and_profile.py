"""Language choice, locale formatting and the profile page."""

from __future__ import annotations

from elearn.extensions import db
from elearn.models import User
from tests.conftest import PASSWORD


def test_italian_is_the_default_language(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="it" ' in page
    assert "I tuoi soldi, spiegati semplice" in page


def test_browser_language_english_gives_english_pages(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en" ' in page
    assert "Your money, explained simply" in page


def test_language_switch_works_for_visitors(client):
    response = client.post("/lingua", data={"language": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Forgot your password?" in client.get("/login").get_data(as_text=True)


def test_language_switch_is_saved_in_the_profile(app, client, make_user, login):
    user_id = make_user("worker", email="anna@example.org")
    login(user_id)
    client.post("/lingua", data={"language": "en", "next": "/"})
    with app.app_context():
        assert db.session.get(User, user_id).language == "en"
    # A new browser session (another device) gets English from the profile.
    other = app.test_client()
    other.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    assert "What to learn next" in other.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/lingua", data={"language": "xx", "next": "/"})
    assert '<html lang="it" ' in client.get("/").get_data(as_text=True)


def test_money_and_numbers_follow_the_locale(app):
    from flask_babel import force_locale

    from elearn.i18n import money, number

    with app.test_request_context():
        with force_locale("it"):
            assert money(1234.56).replace("\xa0", " ") == "1.234,56 €"
            assert number(0.5) == "0,50"
        with force_locale("en"):
            assert money(1234.56) == "€1,234.56"


def test_profile_saves_name_and_language(app, client, make_user, login):
    user_id = make_user("worker")
    login(user_id)
    response = client.post(
        "/profilo", data={"profile-full_name": "Anna Maria Verdi", "profile-language": "en"}
    )
    assert response.status_code == 302
    page = client.get("/profilo").get_data(as_text=True)
    assert "Anna Maria Verdi" in page
    assert "Your profile" in page


def test_profile_refuses_an_overlong_name_and_keeps_the_old_one(app, client, make_user, login):
    user_id = make_user("worker", name="Anna Verdi")
    login(user_id)
    response = client.post(
        "/profilo", data={"profile-full_name": "A" * 10_000, "profile-language": "it"}
    )
    assert response.status_code == 422
    assert "Usa al massimo 120 caratteri." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).full_name == "Anna Verdi"


def test_password_change_logs_out_other_devices(app, client, make_user, login):
    user_id = make_user("worker", email="anna@example.org")
    login(user_id)
    other = app.test_client()
    other.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    assert other.get("/profilo").status_code == 200
    new_password = "un'altra frase molto lunga"
    response = client.post(
        "/profilo",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": new_password,
            "password-new_password_again": new_password,
        },
    )
    assert response.status_code == 302
    assert client.get("/profilo").status_code == 200
    assert other.get("/profilo").status_code == 302


def test_wrong_current_password_is_refused(client, make_user, login):
    login(make_user("worker"))
    response = client.post(
        "/profilo",
        data={
            "password-current_password": "not the password",
            "password-new_password": "un nuovo segreto lungo",
            "password-new_password_again": "un nuovo segreto lungo",
        },
    )
    assert response.status_code == 422
    assert "La password attuale non è corretta." in response.get_data(as_text=True)


def test_home_page_shows_a_section_per_role(client, make_user, login):
    login(make_user("worker", "trainer"))
    page = client.get("/").get_data(as_text=True)
    assert "Cosa imparare adesso" in page
    assert "I tuoi corsi" in page
    assert "Amministrazione" not in page


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # localhost over HTTP


def test_hsts_is_sent_on_https_outside_localhost(app):
    from elearn import create_app

    public = create_app({**app.config, "PUBLIC_BASE_URL": "https://welfare3.example.org"})
    response = public.test_client().get("/", base_url="https://welfare3.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_error_pages_are_in_the_users_language(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.get_data(as_text=True)
    response = client.get("/does-not-exist", headers={"Accept-Language": "en"})
    assert "Page not found" in response.get_data(as_text=True)


def test_pages_take_the_organizations_colour_made_readable(app, client, make_user, login):
    from elearn.core.services import _luminance, readable_accent
    from elearn.models import Organization

    user_id = make_user("worker")
    with app.app_context():
        org = db.session.get(Organization, db.session.get(User, user_id).organization_id)
        org.accent_color = "#ffdd00"  # yellow: unreadable as is
        db.session.commit()
    login(user_id)
    page = client.get("/").get_data(as_text=True)
    assert "/theme.css?v=ffdd00" in page
    css = client.get("/theme.css?v=ffdd00").get_data(as_text=True)
    darker = readable_accent("#ffdd00")
    assert f"--pico-primary: {darker};" in css
    assert 1.05 / (_luminance(darker) + 0.05) >= 4.5


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_proxy_headers_are_trusted_only_when_configured(app):
    from elearn import create_app

    proxied = create_app(
        {**app.config, "PROXY_FIX_HOPS": 1, "PUBLIC_BASE_URL": "https://welfare3.example.org"}
    )
    client = proxied.test_client()
    response = client.get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "welfare3.example.org"}
    )
    assert "Strict-Transport-Security" in response.headers
    plain = app.test_client().get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "welfare3.example.org"}
    )
    assert "Strict-Transport-Security" not in plain.headers


def test_bodies_over_the_limit_get_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "troppo grande" in response.get_data(as_text=True)
