"""Workers download their data and have their account erased; the audit log cannot be edited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from elearn.extensions import db
from elearn.models import AuditEntry, ErasureRequest, ModuleProgress, OutboxMessage, User
from tests.conftest import PASSWORD


def test_worker_downloads_all_their_data_as_json(app, client, course, make_user, login):
    user_id = make_user("worker", name="Bianca Neri", email="bianca@example.org")
    login(user_id)
    client.get("/corsi/prova/01-spese")
    client.post("/corsi/prova/01-spese/quiz/spesa-fissa", data={"choice": "1"})
    client.post(
        "/profilo/privacy",
        data={
            "progress_sharing": "yes",
            "target_groups_consent": "yes",
            "target_groups": ["figli"],
        },
    )
    response = client.get("/profilo/dati.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["email"] == "bianca@example.org"
    assert data["target_groups"] == ["figli"]
    assert [c["kind"] for c in data["consents"]].count("progress_sharing") == 2
    assert data["module_progress"][0]["module_slug"] == "01-spese"
    assert data["quiz_answers"][0]["response"] == '{"choices": [1]}'
    assert "password_hash" not in json.dumps(data)
    assert (
        any(e["action"] == "privacy.export" for e in data["audit_entries"]) is False
    )  # logged after
    with app.app_context():
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "privacy.export")
        )


def test_erasure_is_requested_confirmed_and_keeps_aggregates(app, client, course, make_user, login):
    worker = make_user("worker", name="Carla Blu", email="carla@example.org")
    manager = make_user("manager")
    login(worker)
    client.get("/corsi/prova/01-spese")
    client.post("/password/dimenticata", data={"email": "carla@example.org"})  # a queued e-mail
    client.post("/profilo/cancellazione", data={})
    with app.app_context():
        request_id = db.session.scalar(select(ErasureRequest.id))
    manager_client = app.test_client()
    login(manager, manager_client)
    queue = manager_client.get("/privacy/richieste").get_data(as_text=True)
    assert f"account n. {worker}\n" in queue
    manager_client.post(f"/privacy/richieste/{request_id}/conferma", data={})
    with app.app_context():
        user = db.session.get(User, worker)
        assert user.email.startswith("erased-") and user.full_name == "—" and not user.active
        assert (
            db.session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.recipient == "carla@example.org")
            )
            is None
        )
        assert db.session.scalar(
            select(ModuleProgress.id).where(ModuleProgress.user_id == worker)
        )  # aggregates stay
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "privacy.erasure")
        )
    # The erased account cannot log in any more, and its session is gone.
    assert client.get("/profilo").status_code == 302


def test_manager_of_another_cooperative_cannot_confirm(app, client, make_org, make_user, login):
    worker = make_user("worker")
    other_manager = make_user("manager", org_id=make_org())
    login(worker)
    client.post("/profilo/cancellazione", data={})
    with app.app_context():
        request_id = db.session.scalar(select(ErasureRequest.id))
    other = app.test_client()
    login(other_manager, other)
    assert f"account n. {worker}\n" not in other.get("/privacy/richieste").get_data(as_text=True)
    assert other.post(f"/privacy/richieste/{request_id}/conferma", data={}).status_code == 404


def test_audit_log_rejects_updates_and_deletes(app, make_user):
    from elearn import audit

    with app.app_context():
        audit.record("test.entry", actor_id=None)
        db.session.commit()
        for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(DatabaseError):
                db.session.execute(text(statement))
                db.session.commit()
            db.session.rollback()
        assert db.session.scalar(select(AuditEntry.action)) == "test.entry"


def test_admin_reads_the_audit_log(app, client, make_user, login):
    from elearn import audit

    with app.app_context():
        audit.record("case_notes.read", actor_id=7, subject_user_id=9, remote_addr="10.0.0.1")
        db.session.commit()
    login(make_user("admin"))
    page = client.get("/admin/registro?azione=case").get_data(as_text=True)
    assert "Ha letto le note riservate di una pratica" in page and "10.0.0.1" in page


def test_purge_is_a_dry_run_unless_applied(app, runner, make_user):
    from datetime import timedelta

    from elearn.models.base import utcnow

    old = make_user("worker", email="old@example.org")
    recent = make_user("worker", email="recent@example.org")
    with app.app_context():
        db.session.get(User, old).created_at = utcnow() - timedelta(days=1200)
        db.session.commit()
    dry = runner.invoke(args=["privacy", "purge"])
    assert "accounts inactive for 1095 days: 1" in dry.output and "dry run" in dry.output
    with app.app_context():
        assert db.session.get(User, old).email == "old@example.org"
    applied = runner.invoke(args=["privacy", "purge", "--apply"])
    assert "purged" in applied.output
    with app.app_context():
        assert db.session.get(User, old).email.startswith("erased-")
        assert db.session.get(User, recent).email == "recent@example.org"


def test_purge_removes_ended_sessions_spent_links_and_old_emails(app, runner, make_user):
    from datetime import timedelta

    from elearn.models import AuthAttempt, OutboxMessage, PasswordResetToken, UserSession
    from elearn.models.base import utcnow

    user_id = make_user("worker")
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                UserSession(
                    user_id=user_id, token_hash="a" * 64, created_at=now - timedelta(days=3)
                ),
                UserSession(user_id=user_id, token_hash="b" * 64, created_at=now),
                PasswordResetToken(
                    user_id=user_id, token_hash="c" * 64, expires_at=now - timedelta(days=2)
                ),
                PasswordResetToken(
                    user_id=user_id, token_hash="d" * 64, expires_at=now + timedelta(hours=1)
                ),
                *[
                    OutboxMessage(
                        message_id=f"<m{n}@x>",
                        recipient="giulia@example.org",
                        subject="Appuntamento",
                        body_text="Ciao Giulia, ci vediamo martedì",
                        status=status,
                        created_at=now - timedelta(days=age),
                    )
                    for n, (status, age) in enumerate(
                        [("sent", 100), ("failed", 100), ("pending", 100), ("sent", 10)]
                    )
                ],
                AuthAttempt(scope="account", key="e" * 64, created_at=now - timedelta(days=2)),
            ]
        )
        db.session.commit()
    dry = runner.invoke(args=["privacy", "purge"])
    assert "sessions 1, reset_links 1, e-mails 2, login_attempts 1" in dry.output, dry.output
    runner.invoke(args=["privacy", "purge", "--apply"])
    with app.app_context():
        assert db.session.scalars(select(UserSession.token_hash)).all() == ["b" * 64]
        assert db.session.scalars(select(PasswordResetToken.token_hash)).all() == ["d" * 64]
        # A message still waiting for delivery is never dropped, whatever its age.
        left = db.session.execute(select(OutboxMessage.status, OutboxMessage.message_id)).all()
        assert sorted(left) == [("pending", "<m2@x>"), ("sent", "<m3@x>")]
        assert db.session.scalar(select(func.count(AuthAttempt.id))) == 0
        detail = db.session.scalars(select(AuditEntry.detail)).all()[-1]
        assert "e-mails=2" in detail


def _keep_writing(app, stop):
    """Audit entries committed one by one until `stop` is set (ids 1, 2, 3...)."""
    from elearn import audit

    while not stop.is_set():
        with app.app_context():
            audit.record("load.write", actor_id=None)
            db.session.commit()


def _written(app) -> int:
    with app.app_context():
        query = select(func.count(AuditEntry.id)).where(AuditEntry.action == "load.write")
        return db.session.scalar(query)


def _check_restored(database_url, committed_before, user_id):
    """The restored database has every write committed before the backup began, none torn,
    and the site works on it: the person logs in and finds their account."""
    from elearn import create_app
    from tests.conftest import BASE_CONFIG, CsrfClient

    restored = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    restored.test_client_class = CsrfClient
    with restored.app_context():
        ids = db.session.scalars(
            select(AuditEntry.id).where(AuditEntry.action == "load.write").order_by(AuditEntry.id)
        ).all()
        email = db.session.get(User, user_id).email
    assert len(ids) >= committed_before > 0
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # no hole: whole transactions only
    client = restored.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    assert "Persona Prova" in client.get("/profilo").get_data(as_text=True)
    with restored.app_context():
        db.engine.dispose()


def test_backup_while_writes_go_on_restores_with_nothing_lost(
    app, runner, tmp_path, make_user, backend, database_url
):
    """`elearn backup` (SQLite) or the documented pg_dump/pg_restore (PostgreSQL), taken while
    another thread keeps writing, restores into a working site with no committed write lost."""
    import subprocess
    import threading
    import uuid

    user_id = make_user("worker")
    stop = threading.Event()
    thread = threading.Thread(target=_keep_writing, args=(app, stop))
    thread.start()
    try:
        while _written(app) < 20:  # polling until the writer is well under way
            pass
        committed_before = _written(app)
        if backend == "sqlite":
            copy = tmp_path / "copy.sqlite3"
            result = runner.invoke(args=["backup", "--to", str(copy)])
            assert result.exit_code == 0, result.output
        else:
            refused = runner.invoke(args=["backup", "--to", str(tmp_path / "x.db")])
            assert refused.exit_code != 0 and "pg_dump" in refused.output
            libpq = database_url.replace("postgresql+psycopg://", "postgresql://")
            dump = tmp_path / "welfare3.dump"
            subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq], check=True)  # noqa: S607
        after = _written(app)
    finally:
        stop.set()
        thread.join()
    assert after > committed_before  # writes really went on during the backup
    if backend == "sqlite":
        import sqlite3

        check = sqlite3.connect(copy)
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check.close()
        _check_restored(f"sqlite:///{copy}", committed_before, user_id)
        return
    from sqlalchemy import create_engine

    from tests.conftest import TEST_DATABASE_URL, drop_database

    name = f"elearn_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    try:
        libpq_target = target.replace("postgresql+psycopg://", "postgresql://")
        subprocess.run(["pg_restore", "--no-owner", "-d", libpq_target, str(dump)], check=True)  # noqa: S607
        _check_restored(target, committed_before, user_id)
    finally:
        drop_database(admin, name)
        admin.dispose()


def test_the_export_holds_no_other_persons_address_or_name(app, client, make_user, login):
    """A manager's reads of the worker's progress are listed, but not the manager's IP or name."""
    worker = make_user("worker", name="Bianca Neri", email="bianca@example.org", consent=True)
    manager = make_user("manager", name="Marco Direttore", email="marco@example.org")
    manager_client = app.test_client()
    manager_client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    login(manager, manager_client)
    assert manager_client.get(f"/report/persone/{worker}").status_code == 200
    client.environ_base["REMOTE_ADDR"] = "198.51.100.5"
    login(worker)
    client.get("/profilo/dati.json")
    response = client.get("/profilo/dati.json")
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert "203.0.113.77" not in text
    assert "Marco" not in text and "marco@example.org" not in text
    reads = [e for e in data["audit_entries"] if e["action"] == "progress.read"]
    assert reads and reads[0]["by"] == "welfare_manager" and "remote_addr" not in reads[0]
    # The worker's own actions keep their own address.
    own = [e for e in data["audit_entries"] if e["action"] == "privacy.export"]
    assert own and own[0]["by"] == "you" and own[0]["remote_addr"] == "198.51.100.5"
