"""A change of roles, organizations, active status, password or second factor ends the person's
other sessions, whichever page or command makes it; a session holds only what was true when its
person passed the login steps (managers and admins: password and code)."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select, text

from elearn.extensions import db
from elearn.models import AuditEntry, OutboxMessage, User, UserSession
from tests.conftest import PASSWORD, totp_code


def _assert_logged_out(browser, path="/profilo"):
    """Pages send the person to the login page, JSON answers 401."""
    page = browser.get(path)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login"), (
        page.status_code,
        page.headers.get("Location"),
    )
    answer = browser.get(path, headers={"Accept": "application/json"})
    assert answer.status_code == 401 and "error" in answer.get_json()


def _logged_in_as(app, make_user, login, *roles, **kwargs):
    """A person with their own browser, logged in."""
    user_id = make_user(*roles, **kwargs)
    browser = app.test_client()
    login(user_id, browser)
    assert browser.get("/profilo").status_code == 200
    return user_id, browser


def _account_form(app, user_id, **changes):
    """The admin's user form as it stands for `user_id`, with `changes`."""
    with app.app_context():
        user = db.session.get(User, user_id)
        form = {
            "full_name": user.full_name,
            "email": user.email,
            "roles": sorted(user.roles),
            "organization_id": str(user.organization_id or 0),
            "managed_organization_ids": [str(org.id) for org in user.managed_organizations],
            "active": "y" if user.active else "",
        }
    form.update(changes)
    return {key: value for key, value in form.items() if value != ""}


def _admin_saves(client, app, user_id, **changes):
    response = client.post(f"/admin/utenti/{user_id}", data=_account_form(app, user_id, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


# --- roles, organizations, active status (admin pages) ---------------------------------------


def test_worker_promoted_to_manager_is_logged_out_and_needs_the_code_for_manager_pages(
    app, client, make_user, login
):
    worker_id, worker = _logged_in_as(app, make_user, login, "worker", email="w@example.org")
    login(make_user("admin"))
    with app.app_context():
        org_id = db.session.get(User, worker_id).organization_id
    _admin_saves(
        client, app, worker_id, roles=["worker", "manager"], managed_organization_ids=[str(org_id)]
    )

    _assert_logged_out(worker, "/gestione/")
    _assert_logged_out(worker, "/report/")
    # The password alone now only leads to the second step, never to the manager pages.
    step = worker.post("/login", data={"email": "w@example.org", "password": PASSWORD})
    assert step.headers["Location"] == "/login/codice"
    assert worker.get("/gestione/").headers["Location"].startswith("/login")


def test_removing_a_role_logs_the_person_out(app, client, make_user, login):
    person_id, person = _logged_in_as(app, make_user, login, "worker", "trainer")
    login(make_user("admin"))
    _admin_saves(client, app, person_id, roles=["worker"])
    _assert_logged_out(person)


def test_changing_the_organizations_a_manager_follows_logs_them_out(
    app, client, make_user, make_org, login
):
    manager_id, manager = _logged_in_as(app, make_user, login, "manager")
    other_org = make_org()
    login(make_user("admin"))
    _admin_saves(client, app, manager_id, managed_organization_ids=[str(other_org)])
    _assert_logged_out(manager, "/gestione/")


def test_deactivating_an_account_logs_it_out(app, client, make_user, login):
    worker_id, worker = _logged_in_as(app, make_user, login, "worker")
    login(make_user("admin"))
    _admin_saves(client, app, worker_id, active="")
    _assert_logged_out(worker)


def test_a_change_undone_does_not_bring_old_sessions_back(app, client, make_user, login):
    person_id, person = _logged_in_as(app, make_user, login, "worker", "trainer")
    login(make_user("admin"))
    _admin_saves(client, app, person_id, roles=["worker"])
    _admin_saves(client, app, person_id, roles=["worker", "trainer"])
    _assert_logged_out(person)


def test_saving_an_account_unchanged_or_renaming_it_keeps_the_person_logged_in(
    app, client, make_user, login
):
    worker_id, worker = _logged_in_as(app, make_user, login, "worker")
    login(make_user("admin"))
    _admin_saves(client, app, worker_id)
    _admin_saves(client, app, worker_id, full_name="Nome Nuovo")
    assert worker.get("/profilo").status_code == 200


def test_admins_changing_their_own_account_stay_logged_in_here_only(app, client, make_user, login):
    admin_id = make_user("admin")
    elsewhere = app.test_client()
    login(admin_id, elsewhere)
    login(admin_id)
    with app.app_context():
        org_id = db.session.get(User, make_user("worker")).organization_id
    _admin_saves(
        client, app, admin_id, roles=["admin", "manager"], managed_organization_ids=[str(org_id)]
    )
    assert client.get("/gestione/").status_code == 200
    _assert_logged_out(elsewhere)


def test_a_second_login_does_not_end_the_first(app, make_user, login):
    manager_id, phone = _logged_in_as(app, make_user, login, "manager")
    login(manager_id, app.test_client())  # another device, another code
    assert phone.get("/gestione/").status_code == 200


# --- passwords ---------------------------------------------------------------------------------


def test_a_password_reset_logs_out_every_device(app, make_user, login):
    _, device = _logged_in_as(app, make_user, login, "worker", email="anna@example.org")
    other = app.test_client()
    other.post("/password/dimenticata", data={"email": "anna@example.org"})
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body_text))
    link = re.search(r"https?://[^/\s]+(/password/nuova/\S+)", body).group(1)
    new = "il mio nuovo segreto lungo"
    assert other.post(link, data={"password": new, "password_again": new}).status_code == 302
    _assert_logged_out(device)


def test_changing_the_password_in_the_profile_keeps_this_device_and_ends_the_others(
    app, make_user, login
):
    person_id, laptop = _logged_in_as(app, make_user, login, "manager")
    phone = app.test_client()
    login(person_id, phone)
    new = "una nuova frase molto lunga"
    response = phone.post(
        "/profilo",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": new,
            "password-new_password_again": new,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert phone.get("/gestione/").status_code == 200
    _assert_logged_out(laptop, "/gestione/")


def test_a_password_reset_between_the_two_login_steps_voids_the_first_step(app, make_user, login):
    make_user("manager", email="m@example.org")
    thief = app.test_client()
    thief.post("/login", data={"email": "m@example.org", "password": PASSWORD})
    owner = app.test_client()
    owner.post("/password/dimenticata", data={"email": "m@example.org"})
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body_text))
    link = re.search(r"https?://[^/\s]+(/password/nuova/\S+)", body).group(1)
    new = "il mio nuovo segreto lungo"
    owner.post(link, data={"password": new, "password_again": new})
    response = thief.post("/login/codice", data={"code": totp_code()})
    assert response.headers["Location"] == "/login"
    assert thief.get("/gestione/").headers["Location"].startswith("/login")


# --- second factor -----------------------------------------------------------------------------


def test_admin_removing_the_authenticator_logs_the_person_out_and_tells_them(
    app, client, make_user, login
):
    manager_id, manager = _logged_in_as(app, make_user, login, "manager", email="m@example.org")
    admin_id = make_user("admin")
    login(admin_id)
    page = client.get(f"/admin/utenti/{manager_id}").get_data(as_text=True)
    assert "Rimuovi l'app di autenticazione" in page
    response = client.post(f"/admin/utenti/{manager_id}/secondo-fattore/azzera", data={})
    assert response.status_code == 302

    _assert_logged_out(manager, "/gestione/")
    with app.app_context():
        assert db.session.get(User, manager_id).totp_secret is None
        notice = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == "m@example.org")
        )
        assert "rimossa" in notice.subject
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "user.second_factor_reset")
        )
        assert (entry.actor_id, entry.subject_user_id) == (admin_id, manager_id)
    # The next login sets up a new authenticator app.
    manager.post("/login", data={"email": "m@example.org", "password": PASSWORD})
    assert 'src="data:image/png;base64,' in manager.get("/login/codice").get_data(as_text=True)


def test_the_command_line_reset_of_the_authenticator_logs_the_person_out(
    app, runner, make_user, login
):
    _, manager = _logged_in_as(app, make_user, login, "manager", email="m@example.org")
    result = runner.invoke(args=["users", "reset-2fa", "M@example.org"])
    assert result.exit_code == 0, result.output
    assert "m@example.org" in result.output
    _assert_logged_out(manager, "/gestione/")
    again = runner.invoke(args=["users", "reset-2fa", "m@example.org"])
    assert again.exit_code == 0 and "nothing to reset" in again.output
    assert runner.invoke(args=["users", "reset-2fa", "ghost@example.org"]).exit_code == 1


def test_enrolling_an_authenticator_logs_out_other_sessions_and_tells_the_person(
    app, make_user, login
):
    """No page leaves a live session while a manager has no authenticator (the role change or
    the reset ended it), so the test plants one by hand, then enrols through the real page."""
    person_id, old_device = _logged_in_as(app, make_user, login, "worker", email="w@example.org")
    with app.app_context():
        person = db.session.get(User, person_id)
        person.set_roles({"worker", "manager"})
        person.managed_organizations = [person.organization]
        db.session.commit()
        db.session.execute(
            UserSession.__table__.update()
            .where(UserSession.user_id == person_id)
            .values(security_stamp=person.security_stamp, second_factor=True)
        )
        db.session.commit()
        generation = person.session_generation
    with old_device.session_transaction() as cookie:
        cookie["_user_id"] = f"{person_id}:{generation}"
    assert old_device.get("/gestione/").status_code == 200  # the planted session works

    new_device = app.test_client()
    new_device.post("/login", data={"email": "w@example.org", "password": PASSWORD})
    page = new_device.get("/login/codice").get_data(as_text=True)
    secret = re.search(r'<code class="big-code">([A-Z2-7]+)</code>', page).group(1)
    enrolled = new_device.post("/login/codice", data={"code": pyotp.TOTP(secret).now()})
    assert enrolled.status_code == 302
    assert new_device.get("/gestione/").status_code == 200
    _assert_logged_out(old_device, "/gestione/")
    with app.app_context():
        notice = db.session.scalar(select(OutboxMessage))
        assert notice.recipient == "w@example.org"
        assert "app di autenticazione" in notice.subject and "aggiunta" in notice.subject
        assert "Hai dimenticato la password?" in notice.body_text


# --- changes the application did not make (an operator in SQL) ---------------------------------


def test_a_role_granted_in_raw_sql_still_needs_a_new_login(app, make_user, login):
    worker_id, worker = _logged_in_as(app, make_user, login, "worker")
    with app.app_context():
        org_id = db.session.get(User, worker_id).organization_id
        db.session.execute(
            text("INSERT INTO user_role (user_id, role) VALUES (:u, 'manager')"), {"u": worker_id}
        )
        db.session.execute(
            text("INSERT INTO manager_organization (user_id, organization_id) VALUES (:u, :o)"),
            {"u": worker_id, "o": org_id},
        )
        db.session.commit()
    _assert_logged_out(worker, "/gestione/")


def test_a_session_without_the_second_step_never_opens_manager_pages(app, make_user, login):
    """Even with a stamp that matches (say, written by a bug), a password-only session is
    refused once the person needs the code."""
    worker_id, worker = _logged_in_as(app, make_user, login, "worker")
    with app.app_context():
        person = db.session.get(User, worker_id)
        person.set_roles({"worker", "manager"})
        person.managed_organizations = [person.organization]
        person.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        db.session.commit()
        db.session.execute(
            UserSession.__table__.update()
            .where(UserSession.user_id == worker_id)
            .values(security_stamp=person.security_stamp)
        )
        db.session.commit()
        generation = person.session_generation
    with worker.session_transaction() as cookie:
        cookie["_user_id"] = f"{worker_id}:{generation}"
    _assert_logged_out(worker, "/gestione/")


# --- the mechanism, for code paths that do not exist yet ---------------------------------------


def _add_manager_row(user, session):
    from elearn.models import ManagerOrganization, UserRole

    session.add(UserRole(user_id=user.id, role="manager"))
    session.add(ManagerOrganization(user_id=user.id, organization_id=user.organization_id))


def _delete_role_row(user, session):
    session.delete(next(row for row in user.role_rows if row.role == "trainer"))


def _reassign_organization(user, session):
    from elearn.models import Organization

    other = Organization(name="Altra", slug="altra", invite_code="ALTRA123")
    session.add(other)
    user.organization = other


SECURITY_CHANGES = {
    "role rows added directly": _add_manager_row,
    "role row deleted directly": _delete_role_row,
    "roles replaced": lambda user, session: user.set_roles({"worker"}),
    "organization reassigned": _reassign_organization,
    "deactivated": lambda user, session: setattr(user, "active", False),
    "password hash replaced": lambda user, session: setattr(user, "password_hash", "x"),
    "authenticator set": lambda user, session: setattr(user, "totp_secret", "A" * 32),
}
HARMLESS_CHANGES = {
    "renamed": lambda user, session: setattr(user, "full_name", "Altro Nome"),
    "language": lambda user, session: setattr(user, "language", "en"),
    "same roles again": lambda user, session: user.set_roles(set(user.roles)),
    "code step used": lambda user, session: setattr(user, "totp_last_step", 123),
}


def test_every_orm_change_of_what_a_login_vouches_for_ends_the_sessions(app, make_user):
    for name, change in SECURITY_CHANGES.items():
        user_id = make_user("worker", "trainer")
        with app.app_context():
            user = db.session.get(User, user_id)
            before = user.session_generation
            change(user, db.session)
            db.session.commit()
            assert db.session.get(User, user_id).session_generation == before + 1, name


def test_other_changes_keep_the_sessions(app, make_user):
    for name, change in HARMLESS_CHANGES.items():
        user_id = make_user("worker", "trainer")
        with app.app_context():
            user = db.session.get(User, user_id)
            before = user.session_generation
            change(user, db.session)
            db.session.commit()
            assert db.session.get(User, user_id).session_generation == before, name
