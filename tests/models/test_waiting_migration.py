"""The migration to the rule "active, worker, not waiting for confirmation": an existing database
stops counting the accounts that wait, keeps its summary rows exact afterwards, and goes back."""

from __future__ import annotations

import importlib.util
from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, text

from elearn.extensions import db
from elearn.models import (
    ActivityDay,
    ModuleProgress,
    Organization,
    RegistrationReview,
    User,
)
from elearn.models.base import utcnow
from elearn.models.summary_triggers import POSTGRESQL, POSTGRESQL_TRIGGERS, SQLITE
from elearn.paths import resource_dir
from tests.app.test_cli_and_migrations import _fresh_app

BEFORE = "d3a1f0b7c2e4"
MIGRATIONS = str(resource_dir("migrations"))


def _revision(revision: str):
    path = next((resource_dir("migrations") / "versions").glob(f"{revision}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _installed() -> set[tuple[str, str]]:
    """The summary triggers in the database (SQLite) or their functions (PostgreSQL)."""
    db.session.rollback()  # a fresh read, after the migration's own connection
    if db.session.get_bind().dialect.name == "postgresql":
        functions = db.session.execute(
            text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'summary\\_%'")
        )
        triggers = db.session.execute(
            text(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
                " WHERE NOT tgisinternal AND tgname LIKE 'summary\\_%'"
            )
        )
        return {(n, s.strip()) for n, s in functions} | {(n, t) for n, t in triggers}
    rows = db.session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name LIKE 'summary\\_%' ESCAPE '\\'"
        )
    )
    return set(rows)


def _expected(sqlite: list[str], postgresql: list[str], pg_triggers) -> set[tuple[str, str]]:
    if db.session.get_bind().dialect.name == "postgresql":
        functions = {
            (s.split()[4].removesuffix("()"), s.split("$$")[1].strip())
            for s in postgresql
            if s.startswith("CREATE OR REPLACE FUNCTION")
        }
        return functions | set(pg_triggers)
    return {
        (s.split()[5], s.replace("CREATE TRIGGER IF NOT EXISTS", "CREATE TRIGGER", 1))
        for s in sqlite
    }


def _counted() -> dict[str, tuple[bool, ...]]:
    """Per account (by e-mail): `counted` of its summary row, its course row, its week rows."""
    db.session.rollback()  # a fresh read, after the migration's own connection
    rows = db.session.execute(
        text(
            "SELECT u.email, s.counted, c.counted, w.counted FROM user_account u"
            " JOIN learner_summary s ON s.user_id = u.id"
            " LEFT JOIN learner_course_summary c ON c.user_id = u.id"
            " LEFT JOIN learner_week w ON w.user_id = u.id"
        )
    )
    return {email: tuple(bool(v) for v in values) for email, *values in rows}


def test_upgrading_stops_counting_waiting_accounts_and_downgrading_goes_back(
    backend, tmp_path, request
):
    app = _fresh_app(backend, tmp_path, request)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        coop = Organization(name="Il Girasole", slug="girasole", invite_code="GIRASOLE26")
        db.session.add(coop)
        db.session.flush()
        for email in ("confermata@example.org", "in.attesa@example.org"):
            user = User(email=email, full_name=email, password_hash="x", organization_id=coop.id)
            user.set_roles({"worker"})
            db.session.add(user)
            db.session.flush()
            db.session.add(
                ModuleProgress(user_id=user.id, course_slug="prova", module_slug="01-spese")
            )
            db.session.add(
                ActivityDay(user_id=user.id, day=utcnow().date() - timedelta(days=1), kind="module")
            )
        waiting = user.id
        db.session.add(RegistrationReview(user_id=waiting, organization_id=coop.id))
        db.session.commit()
        # The old rule: the waiting account counts like any worker.
        assert _counted()["in.attesa@example.org"] == (True, True, True)

        upgrade(directory=MIGRATIONS)
        assert _counted() == {
            "confermata@example.org": (True, True, True),
            "in.attesa@example.org": (False, False, False),
        }
        assert _installed() == _expected(SQLITE, POSTGRESQL, POSTGRESQL_TRIGGERS)
        # The new triggers keep it: confirmed, it counts; waiting again, it does not.
        db.session.execute(delete(RegistrationReview).where(RegistrationReview.user_id == waiting))
        db.session.commit()
        assert _counted()["in.attesa@example.org"] == (True, True, True)
        db.session.add(RegistrationReview(user_id=waiting, organization_id=coop.id))
        db.session.commit()
        assert _counted()["in.attesa@example.org"] == (False, False, False)

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        old = _revision(BEFORE)
        assert _installed() == _expected(old.SQLITE, old.POSTGRESQL, old.POSTGRESQL_TRIGGERS)
        assert _counted()["in.attesa@example.org"] == (True, True, True)
        db.session.remove()
        db.engine.dispose()
