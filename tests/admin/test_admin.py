"""Administrators manage organizations, Social points, users and roles."""

from __future__ import annotations

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, Organization, OutboxMessage, SocialPoint, User


def test_admin_creates_an_organization_with_an_invite_code(app, client, make_user, login):
    login(make_user("admin"))
    response = client.post(
        "/admin/organizzazioni/nuova",
        data={"name": "Cooperativa Aurora", "slug": "aurora", "accent_color": "#aa3300"},
    )
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.slug == "aurora"))
        assert len(org.invite_code) == 8
    listing = client.get("/admin/organizzazioni").get_data(as_text=True)
    assert "Cooperativa Aurora" in listing and org.invite_code in listing


def test_duplicate_or_malformed_organization_data_is_refused(client, make_user, make_org, login):
    make_org(name="Cooperativa Uno")
    login(make_user("admin"))
    duplicate = client.post(
        "/admin/organizzazioni/nuova",
        data={"name": "cooperativa uno", "slug": "uno", "accent_color": "#aa3300"},
    )
    assert duplicate.status_code == 422
    assert "ha già questo nome" in duplicate.get_data(as_text=True)
    bad = client.post(
        "/admin/organizzazioni/nuova",
        data={"name": "Nuova", "slug": "Con Spazi", "accent_color": "rosso"},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Usa lettere minuscole, cifre e trattini." in page
    assert "Usa un colore come #1f6f5c." in page


def test_rotating_the_invite_code_stops_the_old_one(app, client, make_user, make_org, login):
    org_id = make_org(invite_code="OLDCODE1")
    login(make_user("admin"))
    response = client.post(f"/admin/organizzazioni/{org_id}/codice-invito", data={})
    assert response.status_code == 302
    with app.app_context():
        new_code = db.session.get(Organization, org_id).invite_code
        assert new_code != "OLDCODE1"
        assert db.session.scalar(select(AuditEntry.action)) == "organization.rotate_invite"
    client.post("/logout", data={})
    form = {
        "full_name": "Nuova Persona",
        "email": "nuova@example.org",
        "password": "una frase lunga e sicura",
        "password_again": "una frase lunga e sicura",
        "language": "it",
    }
    old = client.post("/registrazione", data={**form, "invite_code": "OLDCODE1"})
    assert old.status_code == 422
    new = client.post("/registrazione", data={**form, "invite_code": new_code})
    assert new.status_code == 302


def test_social_points_are_added_edited_and_deleted(app, client, make_user, make_org, login):
    org_id = make_org()
    login(make_user("admin"))
    response = client.post(
        f"/admin/organizzazioni/{org_id}/social-point/nuovo",
        data={
            "name": "Social point Barona",
            "address": "Via Barona 10, Milano",
            "opening_hours": "Lunedì 9:00–13:00",
            "active": "y",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/admin/organizzazioni/{org_id}").get_data(as_text=True)
    assert "Social point Barona" in page and "Lunedì 9:00–13:00" in page
    with app.app_context():
        point_id = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.name == "Social point Barona")
        )
    client.post(
        f"/admin/social-point/{point_id}",
        data={
            "name": "Social point Barona",
            "address": "Via Barona 12, Milano",
            "opening_hours": "",
        },
    )
    page = client.get(f"/admin/organizzazioni/{org_id}").get_data(as_text=True)
    assert "Via Barona 12" in page and "chiuso" in page
    client.post(f"/admin/social-point/{point_id}/elimina", data={})
    with app.app_context():
        assert db.session.get(SocialPoint, point_id) is None


def test_admin_creates_a_manager_of_two_organizations_who_gets_a_password_link(
    app, client, make_user, make_org, login
):
    first, second = make_org(), make_org()
    login(make_user("admin"))
    response = client.post(
        "/admin/utenti/nuovo",
        data={
            "full_name": "Laura Neri",
            "email": "laura@example.org",
            "roles": ["manager", "trainer"],
            "organization_id": "0",
            "managed_organization_ids": [str(first), str(second)],
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        laura = db.session.scalar(select(User).where(User.email == "laura@example.org"))
        assert laura.roles == {"manager", "trainer"}
        assert {org.id for org in laura.managed_organizations} == {first, second}
        message = db.session.scalar(select(OutboxMessage))
        assert message.recipient == "laura@example.org"
        assert "/password/nuova/" in message.body_text
        assert (
            db.session.scalar(
                select(AuditEntry).where(AuditEntry.subject_user_id == laura.id)
            ).action
            == "user.roles"
        )


def test_role_rules_are_enforced_with_messages(client, make_user, make_org, login):
    make_org()
    login(make_user("admin"))
    base = {
        "full_name": "Tizio",
        "email": "tizio@example.org",
        "organization_id": "0",
        "active": "y",
    }
    no_role = client.post("/admin/utenti/nuovo", data=base)
    assert "Scegli almeno un ruolo." in no_role.get_data(as_text=True)
    worker = client.post("/admin/utenti/nuovo", data={**base, "roles": ["worker"]})
    assert "Un lavoratore deve appartenere" in worker.get_data(as_text=True)
    manager = client.post("/admin/utenti/nuovo", data={**base, "roles": ["manager"]})
    assert "deve seguire almeno" in manager.get_data(as_text=True)
    unknown_org = client.post(
        "/admin/utenti/nuovo", data={**base, "roles": ["worker"], "organization_id": "999"}
    )
    assert unknown_org.status_code == 422


def test_admin_cannot_remove_their_own_admin_role(client, make_user, login):
    admin_id = make_user("admin", email="capo@example.org")
    login(admin_id)
    response = client.post(
        f"/admin/utenti/{admin_id}",
        data={
            "full_name": "Capo",
            "email": "capo@example.org",
            "roles": ["trainer"],
            "organization_id": "0",
            "active": "y",
        },
    )
    assert response.status_code == 422
    assert "Non puoi togliere a te stesso" in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_sessions(app, client, make_user, login):
    worker_id = make_user("worker", email="w@example.org")
    worker_client = app.test_client()
    login(worker_id, worker_client)
    login(make_user("admin"))
    with app.app_context():
        org_id = db.session.get(User, worker_id).organization_id
    client.post(
        f"/admin/utenti/{worker_id}",
        data={
            "full_name": "W",
            "email": "w@example.org",
            "roles": ["worker"],
            "organization_id": str(org_id),
        },
    )
    assert worker_client.get("/profilo").status_code == 302


def test_user_search_filters_by_name_and_role(client, make_user, login):
    make_user("worker", name="Zaira Lombardi")
    make_user("trainer", name="Zeno Trainer")
    login(make_user("admin", name="Admin Uno"))
    page = client.get("/admin/utenti?q=zaira").get_data(as_text=True)
    assert "Zaira Lombardi" in page and "Zeno Trainer" not in page
    page = client.get("/admin/utenti?role=trainer").get_data(as_text=True)
    assert "Zeno Trainer" in page and "Zaira Lombardi" not in page
    assert client.get("/admin/utenti?page=999&q=" + "x" * 500).status_code == 200
