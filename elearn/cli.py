"""The `elearn` command: init, demo, users, outbox."""

from __future__ import annotations

import os
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from elearn.extensions import db


def _create_app() -> Flask:
    from elearn import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """WELFARE³ e-learning platform."""


def upgrade_database() -> None:
    from flask_migrate import upgrade

    from elearn.paths import resource_dir

    upgrade(directory=str(resource_dir("migrations")))


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database to the latest schema."""
    upgrade_database()
    from elearn.authoring.services import refresh_stale_renderings

    if refresh_stale_renderings():
        click.echo("Module pages re-rendered for this version.")
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


def _echo_skipped(slugs: list[str]) -> None:
    for slug in slugs:
        click.echo(
            f"  skipped {slug}: published from the web editor since its files were imported; "
            f"its web version stays (`elearn courses import --overwrite {slug}` replaces it)."
        )


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo data and exit.")
@click.option(
    "--learners",
    default=300,
    show_default=True,
    type=click.IntRange(0, 200_000),
    help="Synthetic learners with progress, spread over the organizations.",
)
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool, learners: int) -> None:
    """Prepare the database with demo content and accounts, then start the site."""
    from elearn.demo import DEMO_PASSWORD, seed_demo

    upgrade_database()
    accounts = seed_demo()
    from elearn.authoring.services import import_courses

    report = import_courses(_default_courses_dir())
    click.echo(
        f"Courses: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} kept as edited on the web."
    )
    _echo_skipped(report.skipped)
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    from elearn.consult.demo import seed_demo_consultations
    from elearn.demo import seed_demo_learning

    added = seed_demo_learning(learners)
    seed_demo_consultations()
    if added:
        click.echo(f"Added {added} synthetic learners with progress.")
    from elearn.roster.demo import seed_demo_roster

    if seed_demo_roster():
        click.echo("Added a payroll roster for Il Girasole (admin: Roster).")
    from elearn.models import Organization

    click.echo(f"\nWELFARE³ demo is ready. Accounts (password for all: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(f"  {account.email:<24} {', '.join(sorted(account.roles))}")
    from elearn.demo import DEMO_TOTP_SECRETS

    click.echo("Admins and welfare managers also enter a code from an authenticator app.")
    click.echo("Add these keys to one (FreeOTP, Aegis, Google Authenticator), or print the")
    click.echo("current code with `.venv/bin/elearn demo-code` (valid for 30 seconds):")
    for email, secret in DEMO_TOTP_SECRETS.items():
        click.echo(f"  {email:<24} {secret}")
    click.echo("Invite codes for registering new workers:")
    for org in db.session.scalars(select(Organization).order_by(Organization.name)):
        click.echo(f"  {org.invite_code:<12} {org.name}")
    if no_serve:
        return
    click.echo(f"\nOpen http://{host}:{port} in your browser. Stop with Ctrl+C.\n")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    configure_demo_hosts(app, host, port)
    if not app.config["SMTP_HOST"]:
        # Without an SMTP server the demo prints e-mails (password reset links) here.
        app.config["MAIL_BACKEND"] = "console"
        app.config["OUTBOX_SEND_INLINE"] = True
    # Not app.run(): Flask ignores it inside a CLI command. Werkzeug's server is enough for a
    # demo; production runs under gunicorn (docs/operator.md).
    from werkzeug.serving import run_simple

    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


@click.command("demo-code")
@click.argument("email", required=False)
def demo_code_command(email: str | None) -> None:
    """Print the current second-step code of the demo manager and admin (their keys are public)."""
    import pyotp

    from elearn.demo import DEMO_TOTP_SECRETS

    if email is not None and email not in DEMO_TOTP_SECRETS:
        known = ", ".join(DEMO_TOTP_SECRETS)
        raise click.UsageError(f"{email} is not a demo account with a code; try one of: {known}")
    for account, secret in DEMO_TOTP_SECRETS.items():
        if email is None or email == account:
            totp = pyotp.TOTP(secret)
            remaining = totp.interval - int(time.time()) % totp.interval
            click.echo(f"{account:<24} {totp.now()}   (valid for {remaining} more seconds)")


def configure_demo_hosts(app: Flask, host: str, port: int) -> None:
    """The demo's links and host names, unless PUBLIC_BASE_URL is set (then as in production).

    Links in the demo's e-mails point to the address it listens on (127.0.0.1 when it listens
    on every interface); it answers to that name and the local ones, or to any name when it
    listens on every interface (a phone on the same Wi-Fi uses the machine's address).
    """
    from elearn.urls import LOCAL_HOSTS

    if app.config["PUBLIC_BASE_URL"]:
        return
    # Comparing with the "all interfaces" address to detect it, not binding to it.
    everywhere = host in ("", "0.0.0.0", "::")  # noqa: S104  # nosec B104
    shown = "127.0.0.1" if everywhere else host
    if ":" in shown:
        shown = f"[{shown}]"
    app.config["PUBLIC_BASE_URL"] = f"http://{shown}:{port}"
    # Werkzeug's host check cannot compare IPv6 literals: such a demo answers to any name.
    open_to_all = everywhere or ":" in host
    trusted = list(dict.fromkeys([host.lower(), *LOCAL_HOSTS]))
    app.config["TRUSTED_HOSTS"] = None if open_to_all else trusted


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", default="", help="Name and surname.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["worker", "trainer", "manager", "admin"]),
    help="Repeat for several roles.",
)
@click.option("--org", "org_slugs", multiple=True, help="Organization slug (repeat for managers).")
@click.option("--password", default=None, help="Prompted when omitted.")
@with_appcontext
def users_create(
    email: str,
    full_name: str,
    roles: tuple[str, ...],
    org_slugs: tuple[str, ...],
    password: str | None,
) -> None:
    """Create an account."""
    from email_validator import EmailNotValidError, validate_email

    from elearn.auth.services import find_user_by_email, hash_password
    from elearn.forms import PASSWORD_MAX, PASSWORD_MIN
    from elearn.models import Organization, User
    from elearn.passwords import is_weak

    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from error
    if find_user_by_email(email):
        raise click.ClickException(f"An account with e-mail {email} already exists.")
    organizations = []
    for slug in org_slugs:
        org = db.session.scalar(select(Organization).where(Organization.slug == slug))
        if org is None:
            raise click.BadParameter(f"no organization with slug {slug!r}", param_hint="--org")
        organizations.append(org)
    if ("worker" in roles or "manager" in roles) and not organizations:
        raise click.BadParameter("workers and managers need --org", param_hint="--org")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX or is_weak(password, [full_name, email]):
        raise click.BadParameter(
            f"use {PASSWORD_MIN} to {PASSWORD_MAX} characters, not a common or guessable password",
            param_hint="--password",
        )
    user = User(
        email=email,
        full_name=full_name or email.split("@")[0],
        password_hash=hash_password(password),
        organization=organizations[0] if "worker" in roles else None,
    )
    user.set_roles(set(roles))
    if "manager" in roles:
        user.managed_organizations = organizations
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {email} ({', '.join(sorted(roles))}).")


@users_group.command("reset-2fa")
@click.argument("email")
@with_appcontext
def users_reset_second_factor(email: str) -> None:
    """Remove the authenticator of EMAIL (lost phone); they enrol again at the next login."""
    from elearn.auth import twofactor
    from elearn.auth.services import find_user_by_email
    from elearn.outbox.services import deliver_inline_if_configured

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}.")
    if not twofactor.reset(user, actor_id=None):
        click.echo(f"{user.email} has no authenticator app: nothing to reset.")
        return
    deliver_inline_if_configured()
    click.echo(f"Removed the authenticator app of {user.email}; all sessions ended; e-mail sent.")


@click.group("outbox")
def outbox_group() -> None:
    """The e-mail outbox."""


@outbox_group.command("send")
@click.option("--limit", default=100, show_default=True, type=int)
@with_appcontext
def outbox_send(limit: int) -> None:
    """Deliver queued e-mail through SMTP (retries later what fails)."""
    from elearn.outbox.services import send_pending

    report = send_pending(limit=limit)
    click.echo(f"sent {report.sent}, retry later {report.deferred}, failed {report.failed}")
    if report.deferred or report.failed:
        sys.exit(1)


@click.group("courses")
def courses_group() -> None:
    """Course folders in the format of COURSE_FORMAT.md."""


def _default_courses_dir() -> str:
    from elearn.paths import resource_dir

    return current_app.config.get("COURSES_DIR") or str(resource_dir("courses"))


@courses_group.command("check")
@click.argument("path", required=False)
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", show_default=True)
def courses_check(path: str | None, lang: str) -> None:
    """Validate course folders: every problem as path:line: message."""
    from elearn import coursefmt

    loaded = coursefmt.load_courses(path or _default_courses_dir())
    for error in loaded.errors:
        click.echo(error.format(lang))
    if loaded.errors:
        sys.exit(1)
    for course in loaded.courses:
        click.echo(f"{course.slug}: {len(course.modules)} modules, {course.quiz_count} quizzes, OK")


@courses_group.command("import")
@click.argument("path", required=False)
@click.option(
    "--overwrite",
    multiple=True,
    metavar="SLUG",
    help="Replace this course's web edits with its files (repeat for several courses).",
)
@with_appcontext
def courses_import(path: str | None, overwrite: tuple[str, ...]) -> None:
    """Import course folders (idempotent: unchanged files change nothing).

    Courses published from the web editor since their last import are skipped and listed.
    """
    from elearn.authoring.services import import_courses

    report = import_courses(path or _default_courses_dir(), overwrite=overwrite)
    for error in report.errors:
        click.echo(error, err=True)
    _echo_skipped(report.skipped)
    click.echo(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, new module versions {report.new_versions}, "
        f"skipped {len(report.skipped)}"
    )
    if report.errors:
        sys.exit(1)


@courses_group.command("export")
@click.argument("slug")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False))
@with_appcontext
def courses_export(slug: str, target: str) -> None:
    """Write a course back to DIR/SLUG in the course format."""
    from elearn.authoring.services import export_course

    try:
        folder = export_course(slug, target)
    except LookupError as error:
        raise click.ClickException(f"no course with slug {slug!r}") from error
    click.echo(f"exported to {folder}")


@click.group("privacy")
def privacy_group() -> None:
    """Retention and other privacy tasks."""


@privacy_group.command("purge")
@click.option("--apply", "apply_changes", is_flag=True, help="Really delete (default: dry run).")
@with_appcontext
def privacy_purge(apply_changes: bool) -> None:
    """Remove closed cases, inactive accounts and left roster entries past their retention."""
    from elearn.privacy.retention import apply_purge, purge_plan

    cfg = current_app.config
    plan = purge_plan(
        cfg["RETENTION_CLOSED_CASE_DAYS"],
        cfg["RETENTION_INACTIVE_ACCOUNT_DAYS"],
        cfg["RETENTION_OUTBOX_DAYS"],
        cfg["RETENTION_ROSTER_LEFT_DAYS"],
    )
    days = cfg["RETENTION_CLOSED_CASE_DAYS"]
    click.echo(f"closed cases older than {days} days: {len(plan.closed_cases)}")
    click.echo(
        f"accounts inactive for {cfg['RETENTION_INACTIVE_ACCOUNT_DAYS']} days: "
        f"{len(plan.inactive_accounts)}"
    )
    click.echo(
        f"roster entries of people who left over {plan.roster_left_days} days ago: "
        f"{len(plan.left_roster)} (invitations {plan.left_roster_invitations})"
    )
    click.echo(
        f"ended sessions, spent reset links, e-mails sent over {plan.outbox_days} days ago, "
        "old login attempts: " + ", ".join(f"{k} {v}" for k, v in plan.old_rows.items())
    )
    if apply_changes:
        apply_purge(plan)
        click.echo("purged")
    else:
        click.echo("dry run: nothing changed (use --apply)")


@click.group("reports")
def reports_group() -> None:
    """Managers' learning reports."""


@reports_group.command("refresh")
@with_appcontext
def reports_refresh() -> None:
    """Recompute the dashboard snapshots (run every few minutes from cron at scale)."""
    from elearn.reports.snapshots import refresh_snapshots

    click.echo(f"refreshed {refresh_snapshots()} dashboards")


@click.command("backup")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target: str) -> None:
    """Copy the SQLite database while the site runs (for PostgreSQL use pg_dump)."""
    import sqlite3

    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "backup works on SQLite; for PostgreSQL run: pg_dump --format=custom --file=FILE DBNAME"
        )
    source = sqlite3.connect(url.database)
    destination = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot while writers go on.
        with destination:
            source.backup(destination)
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        destination.close()
        source.close()
    if check != "ok":
        raise click.ClickException(f"integrity check of the copy failed: {check}")
    click.echo(f"backup written to {target} (integrity ok)")


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(demo_code_command)
    app.cli.add_command(users_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(courses_group)
    app.cli.add_command(privacy_group)
    app.cli.add_command(backup_command)
    from elearn.impact.cli import impact_command

    reports_group.add_command(impact_command)
    app.cli.add_command(reports_group)
    from elearn.roster.cli import roster_group

    app.cli.add_command(roster_group)
    from elearn.consult.cli import consult_group

    app.cli.add_command(consult_group)
    from elearn.nudges.cli import nudges_group

    app.cli.add_command(nudges_group)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("FLASK_APP", "elearn")
    main()
