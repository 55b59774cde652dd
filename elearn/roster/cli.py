"""`elearn roster import FILE --org SLUG`: preview (and with --apply, apply) a payroll roster."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Organization
from elearn.roster import payroll_file, services


@click.group("roster")
def roster_group() -> None:
    """The workforce roster of the cooperatives."""


@roster_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "slug", required=True, help="The cooperative's short name (slug).")
@click.option("--apply", "apply_changes", is_flag=True, help="Apply; without it, only show.")
@with_appcontext
def roster_import(path: Path, slug: str, apply_changes: bool) -> None:
    """Show what importing PATH would change; with --apply, change it (audit-logged)."""
    with force_locale("en"):  # the operator's terminal, like the other commands
        _import(path, slug, apply_changes)


def _import(path: Path, slug: str, apply_changes: bool) -> None:
    organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None:
        raise click.ClickException(f"no cooperative with the short name {slug!r}")
    raw = path.read_bytes()[: payroll_file.MAX_FILE_BYTES + 1]
    try:
        row, _token, plan = services.preview_import(
            organization, raw, file_name=path.name, actor_id=None
        )
    except payroll_file.RosterFileError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{organization.name}: {row.added} to add, {row.updated} to update, "
        f"{len(plan.of('unchanged'))} unchanged, {row.left} to mark as left, "
        f"{row.skipped} left out."
    )
    for skipped in plan.skipped:
        click.echo(f"  line {skipped.line}: {skipped.full_name or '-'}: {skipped.message}")
    if not apply_changes:
        click.echo("Nothing changed (dry run). Add --apply to update the roster.")
        return
    try:
        plan = services.apply_import(row, actor_id=None)
    except services.StalePreview as error:
        raise click.ClickException("the roster changed meanwhile: run the command again") from error
    click.echo("Roster updated.")
    if plan.held:
        click.echo(
            f"{plan.held} account(s) made with the shared code before this first roster now "
            "wait for confirmation (Accounts to confirm)."
        )
