"""The `elearn` command and the Alembic migrations, on a fresh database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from elearn import create_app
from elearn.extensions import db
from elearn.models import Organization, User


def _fresh_app(backend, tmp_path, request):
    if backend == "postgres":
        base = request.getfixturevalue("postgres_url")
        name = "elearn_mig_" + tmp_path.name[-8:].replace("-", "_").lower()
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.rsplit("/", 1)[0] + "/" + name

        def cleanup():
            from tests.conftest import drop_database

            drop_database(admin, name)
            admin.dispose()

        request.addfinalizer(cleanup)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
    )


def test_init_builds_a_schema_identical_to_the_models(backend, tmp_path, request):
    app = _fresh_app(backend, tmp_path, request)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_default_database_is_created_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{tmp_path / 'instance' / 'elearn.sqlite3'}"
    )
    # A secret key is generated once and reused.
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text() == app.config["SECRET_KEY"]
    assert (
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")}).config["SECRET_KEY"]
        == app.config["SECRET_KEY"]
    )


def test_demo_seeds_accounts_once_and_keeps_existing_data(backend, tmp_path, request):
    app = _fresh_app(backend, tmp_path, request)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    for email in ("lavoratrice@demo.it", "formatore@demo.it", "manager@demo.it", "admin@demo.it"):
        assert email in first.output
    assert "demo-password" in first.output
    assert "Courses: 9 new" in first.output or "Courses:" in first.output
    with app.app_context():
        worker = db.session.scalar(select(User).where(User.email == "lavoratrice@demo.it"))
        worker.full_name = "Nome cambiato dall'utente"
        db.session.commit()
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(
            select(User.full_name).where(User.email == "lavoratrice@demo.it")
        ) == ("Nome cambiato dall'utente")
        assert len(db.session.scalars(select(Organization)).all()) == 3
        manager = db.session.scalar(select(User).where(User.email == "manager@demo.it"))
        assert len(manager.managed_organizations) == 3
        db.engine.dispose()


def test_users_create_command(app, runner, make_org):
    make_org()
    with app.app_context():
        slug = db.session.scalar(select(Organization.slug))
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "New@Example.org",
            "--role",
            "manager",
            "--role",
            "trainer",
            "--org",
            slug,
            "--password",
            "una password lunga",
            "--name",
            "Nuova Manager",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.org"))
        assert user.roles == {"manager", "trainer"}
        assert [org.slug for org in user.managed_organizations] == [slug]
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "new@example.org",
            "--role",
            "trainer",
            "--password",
            "x" * 14,
        ]
    )
    assert again.exit_code != 0 and "already exists" in again.output
    bad = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "not-an-email",
            "--role",
            "trainer",
            "--password",
            "x" * 14,
        ]
    )
    assert bad.exit_code != 0
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "w@example.org",
            "--role",
            "trainer",
            "--password",
            "short",
        ]
    )
    assert weak.exit_code != 0


def test_upgrading_keeps_existing_data(tmp_path):
    """SQLite batch migrations copy tables: rows that point at them must survive the upgrade."""
    from flask_migrate import upgrade

    from elearn.paths import resource_dir

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(directory=str(resource_dir("migrations")), revision="a606eac6c469")
        db.session.execute(
            text(
                "INSERT INTO user_account (id, email, full_name, password_hash, language, active,"
                " session_generation, created_at)"
                " VALUES (1, 'a@b.it', 'A', 'x', 'it', 1, 1, '2026-01-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO consent_record (user_id, kind, granted, text_version, created_at)"
                " VALUES (1, 'progress_sharing', 1, 'v', '2026-01-02')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO module_progress (user_id, course_slug, module_slug, first_visit_at,"
                " last_visit_at, visits, seconds_spent)"
                " VALUES (1, 'c', 'm', '2026-01-01', '2026-01-01', 1, 0)"
            )
        )
        db.session.commit()
        upgrade(directory=str(resource_dir("migrations")))
        assert db.session.scalar(text("SELECT count(*) FROM consent_record")) == 1
        assert db.session.scalar(text("SELECT count(*) FROM module_progress")) == 1
        assert db.session.scalar(text("SELECT shares_progress FROM user_account")) == 1
        assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
        db.engine.dispose()


def test_elearn_demo_serves_the_site(tmp_path):
    """The README's first command ends in `elearn demo`: it must really start a server."""
    import os
    import subprocess
    import sys
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FLASK_APP"}}
    elearn = os.path.join(os.path.dirname(sys.executable), "elearn")
    server = subprocess.Popen(
        [elearn, "demo", "--port", str(port), "--learners", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in server.stdout:  # the server prints this once it is about to listen
            lines.append(line)
            if "Open http://" in line:
                break
        assert any("lavoratrice@demo.it" in line for line in lines), "".join(lines)
        page = ""
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, "".join(lines)
        assert "I tuoi soldi, spiegati semplice" in page
        assert (tmp_path / "instance" / "elearn.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _triggers(app) -> set[tuple]:
    with app.app_context():
        conn = db.engine.connect()
        if conn.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT tgname, tgrelid::regclass::text, tgtype FROM pg_trigger"
                    " WHERE NOT tgisinternal"
                )
            )
        else:
            rows = conn.execute(
                text("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
            )
        found = {tuple(row) for row in rows}
        conn.close()
        db.engine.dispose()
    return found


def test_the_migrations_leave_the_same_triggers_as_the_models(backend, tmp_path, request):
    """The summary rows, the content version and the append-only audit log live in triggers:
    a migration that forgot one, or a table rebuilt by a batch migration (which drops its
    triggers on SQLite), would silently stop them."""
    migrated = _fresh_app(backend, tmp_path / "migrated", request)
    assert migrated.test_cli_runner().invoke(args=["init"]).exit_code == 0
    built = _fresh_app(backend, tmp_path / "built", request)
    with built.app_context():
        db.create_all()
    expected = _triggers(built)
    assert any(name.startswith("content_version_") for name, *_ in expected)
    assert any(name.startswith("summary_") for name, *_ in expected)
    assert _triggers(migrated) == expected
