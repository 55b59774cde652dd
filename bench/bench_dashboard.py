"""Manager dashboard and learner list at scale: SQLite with 2,000 learners × 30 modules,
PostgreSQL with 100,000 learners.

Usage:
  .venv/bin/python bench/bench_dashboard.py sqlite [--learners 2000 --modules 30]
  .venv/bin/python bench/bench_dashboard.py postgres --url postgresql+psycopg://elearn:elearn@127.0.0.1:5432/postgres [--learners 100000 --modules 8]
Creates a throwaway database, fills it in bulk (INSERT ... SELECT over a series, with the
summary triggers off, then the migration's backfill of the per-learner summary rows), then times
each page through the Flask test client (min / median / max of --rounds runs after one warm-up,
computed live and from the 5-minute snapshot) and the cost of a module visit (the progress
upsert and the activity upsert, committed) with the summary triggers on and off. Prints markdown.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from elearn import create_app
from elearn.authoring.services import import_courses
from elearn.demo import seed_demo
from elearn.extensions import db
from elearn.models import Course, CourseModule, Organization, User
from elearn.models import summary as summary_rows
from elearn.paths import resource_dir


def triggers(on: bool) -> None:
    """The summary triggers off for the bulk load (then one backfill), as in the migration."""
    connection = db.session.connection()
    if on:
        summary_rows.create_triggers(connection)
    else:
        summary_rows.drop_triggers(connection)


def fill(learners: int, modules_per_learner: int) -> None:
    """Bulk-insert learners, progress, first answers and activity with INSERT ... SELECT."""
    triggers(False)
    orgs = [org.id for org in db.session.scalars(db.select(Organization).order_by(Organization.id))]
    rows = db.session.execute(
        db.select(Course.slug, CourseModule.slug, CourseModule.position)
        .join(CourseModule, CourseModule.course_id == Course.id)
        .order_by(Course.slug, CourseModule.position)
    ).all()[:modules_per_learner]
    dialect = db.engine.dialect.name
    series = (
        "generate_series(1, :n) AS s(i)"
        if dialect == "postgresql"
        else "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) SELECT i FROM s) AS s"
    )
    now = "now()" if dialect == "postgresql" else "CURRENT_TIMESTAMP"
    offset = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM user_account"))
    db.session.execute(
        text(
            f"INSERT INTO user_account (id, email, full_name, password_hash, language, organization_id,"
            f" active, session_generation, created_at, shares_progress) SELECT :offset + i, 'bench' || i || '@example.org',"
            f" 'Learner ' || i, 'x', 'it', CASE (i % {len(orgs)}) {' '.join(f'WHEN {k} THEN {o}' for k, o in enumerate(orgs))} END,"
            f" true, 1, {now}, (i % 2 = 0) FROM {series}"
        ),
        {"n": learners, "offset": offset},
    )
    db.session.execute(
        text(f"INSERT INTO user_role (user_id, role) SELECT :offset + i, 'worker' FROM {series}"),
        {"n": learners, "offset": offset},
    )
    db.session.execute(
        text(
            "INSERT INTO consent_record (user_id, kind, granted, text_version, created_at)"
            f" SELECT :offset + i, 'progress_sharing', (i % 2 = 0), 'bench', {now} FROM {series}"
        ),
        {"n": learners, "offset": offset},
    )
    for index, (course_slug, module_slug, _position) in enumerate(rows):
        # Learner i reaches module index when i % (modules + 3) >= index: a realistic funnel.
        keep = f"(i % {len(rows) + 3}) >= {index}"
        db.session.execute(
            text(
                "INSERT INTO module_progress (user_id, course_slug, module_slug, first_visit_at,"
                " last_visit_at, visits, read_at, best_score, completed_at, seconds_spent)"
                f" SELECT :offset + i, :c, :m, {now}, {now}, 1, {now}, (i % 5) / 4.0,"
                f" CASE WHEN i % 5 >= 3 THEN {now} END, 600 FROM {series} WHERE {keep}"
            ),
            {"n": learners, "offset": offset, "c": course_slug, "m": module_slug},
        )
        db.session.execute(
            text(
                "INSERT INTO quiz_attempt (user_id, course_slug, module_slug, quiz_id, response,"
                f" correct, created_at) SELECT :offset + i, :c, :m, 'q1', '{{}}', (i % 3 > 0), {now}"
                f" FROM {series} WHERE {keep}"
            ),
            {"n": learners, "offset": offset, "c": course_slug, "m": module_slug},
        )
        db.session.execute(
            text(
                "INSERT INTO quiz_first_answer (user_id, course_slug, module_slug, quiz_id, correct,"
                f" created_at) SELECT :offset + i, :c, :m, 'q1', (i % 3 > 0), {now}"
                f" FROM {series} WHERE {keep}"
            ),
            {"n": learners, "offset": offset, "c": course_slug, "m": module_slug},
        )
    for day in range(0, 84, 7):
        day_expr = (
            f"(current_date - {day})" if dialect == "postgresql" else f"date('now', '-{day} days')"
        )
        db.session.execute(
            text(
                f"INSERT INTO activity_day (user_id, day, kind, count) SELECT :offset + i, {day_expr},"
                f" 'module', 1 FROM {series} WHERE i % 4 = {day % 4}"
            ),
            {"n": learners, "offset": offset},
        )
    db.session.execute(
        text(
            "INSERT INTO target_group_declaration (user_id, target_group, created_at)"
            f" SELECT :offset + i, 'figli', {now} FROM {series} WHERE i % 7 = 0"
        ),
        {"n": learners, "offset": offset},
    )
    summary_rows.backfill(db.session.connection())
    triggers(True)
    db.session.commit()


def timed(client, url: str, rounds: int) -> str:
    client.get(url)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return f"{min(samples):.0f} / {statistics.median(samples):.0f} / {max(samples):.0f}"


def visit_cost(learner_id: int, rounds: int) -> str:
    """A module visit's write (record_visit: two upserts and the commit), in ms."""
    from elearn.learning.services import record_visit

    results = {}
    for on in (False, True):
        triggers(on)
        db.session.commit()
        samples = []
        for k in range(rounds):
            started = time.perf_counter()
            record_visit(learner_id, "bench-course", f"module-{k % 20}")
            samples.append((time.perf_counter() - started) * 1000)
        results[on] = f"{statistics.median(samples):.2f}"
    return f"{results[True]} / {results[False]}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--url", default="postgresql+psycopg://elearn:elearn@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--learners", type=int)
    parser.add_argument("--modules", type=int)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    learners = args.learners or (2000 if args.backend == "sqlite" else 100_000)
    modules = args.modules or (30 if args.backend == "sqlite" else 8)
    folder = Path(tempfile.mkdtemp())
    admin = None
    if args.backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = args.url.rsplit("/", 1)[0] + "/" + name
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "b",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    try:
        with app.app_context():
            db.create_all()
            seed_demo()
            import_courses(resource_dir("courses"))
            started = time.perf_counter()
            fill(learners, modules)
            fill_seconds = time.perf_counter() - started
            if args.backend == "postgres":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            progress_rows = db.session.scalar(text("SELECT count(*) FROM module_progress"))
            manager = db.session.scalar(db.select(User).where(User.email == "manager@demo.it"))
            assert manager is not None
        client = app.test_client()
        client.post("/login", data={"email": "manager@demo.it", "password": "demo-password"})
        import pyotp

        from elearn.demo import DEMO_TOTP_SECRETS

        code = pyotp.TOTP(DEMO_TOTP_SECRETS["manager@demo.it"]).now()
        client.post("/login/codice", data={"code": code})
        pages = {
            "dashboard, all 3 organizations": "/report/",
            "dashboard, one organization": "/report/?org=1",
            "dashboard + module funnel": "/report/?corso=bilancio-familiare",
            "learner list, page 1 by name": "/report/persone",
            "learner list, sorted by activity": "/report/persone?ordine=activity",
            "learner list, page 50": "/report/persone?pagina=50",
            "courses CSV": "/report/courses.csv",
        }
        print(
            f"{args.backend}: {learners:,} learners, {progress_rows:,} module progress rows"
            f" (filled in {fill_seconds:.1f} s)\n"
        )
        print(
            "| page | computed on every request, ms (min / median / max) "
            "| from the 5-minute snapshot, ms |"
        )
        print("|---|---:|---:|")
        for label, page in pages.items():
            app.config["REPORT_CACHE_SECONDS"] = 0
            live = timed(client, page, args.rounds)
            app.config["REPORT_CACHE_SECONDS"] = 300
            cached = timed(client, page, args.rounds)
            print(f"| {label} | {live} | {cached} |")
        with app.app_context():
            learner = db.session.scalar(text("SELECT max(id) FROM user_account"))
            print(
                "\nmodule visit write (record_visit, median ms), summary triggers on / off: "
                + visit_cost(learner, 200)
            )
    finally:
        with app.app_context():
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(
                    text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
                )


if __name__ == "__main__":
    main()
