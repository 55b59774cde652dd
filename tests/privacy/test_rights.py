"""Workers download their data and have their account erased; the audit log cannot be edited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from elearn.extensions import db
from elearn.models import AuditEntry, ErasureRequest, ModuleProgress, OutboxMessage, User


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
    client.post("/password/forgot", data={"email": "carla@example.org"})  # a queued e-mail
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
    assert client.get("/profile").status_code == 302


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
    page = client.get("/admin/audit?azione=case").get_data(as_text=True)
    assert "case_notes.read" in page and "10.0.0.1" in page


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


def test_backup_copies_the_sqlite_database_while_it_is_written(
    app, runner, tmp_path, make_user, backend
):
    import sqlite3
    import threading

    if backend != "sqlite":
        result = runner.invoke(args=["backup", "--to", str(tmp_path / "x.db")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    make_user("worker")
    stop = threading.Event()

    def writer():
        from elearn import audit

        while not stop.is_set():
            with app.app_context():
                audit.record("load.write", actor_id=None)
                db.session.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = runner.invoke(args=["backup", "--to", str(tmp_path / "copy.sqlite3")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM user_account").fetchone()[0] == 1
    copy.close()
