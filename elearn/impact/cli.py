"""`elearn reports impact`: the funder's report as a PDF or a CSV, from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from elearn import audit
from elearn.extensions import db
from elearn.impact import export, periods, report
from elearn.models import Organization
from elearn.models.base import utcnow


def _period(_ctx: click.Context, _param: click.Parameter, value: str) -> periods.Period:
    try:
        return periods.parse(value, utcnow().date())
    except periods.PeriodError as error:
        raise click.BadParameter(error.message) from None


@click.command("impact")
@click.option(
    "--period",
    "period",
    required=True,
    callback=_period,
    help="A calendar quarter (2026-Q3) or year (2025) that is over.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "csv"]), default="pdf", show_default=True
)
@click.option("--org", "org_slugs", multiple=True, help="Cooperative slug (repeat); default: all.")
@click.option("--lang", type=click.Choice(["it", "en"]), default="it", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="File (default: standard output for CSV, impatto-PERIOD.pdf for PDF).",
)
@with_appcontext
def impact_command(
    period: periods.Period, fmt: str, org_slugs: tuple[str, ...], lang: str, output: str | None
) -> None:
    """The impact report for the funder: reach, courses, consultations, Welfare days, labs,
    well-being and literacy change; every count of people rounded, groups under 5 hidden."""
    start, end = period.start, period.end
    query = select(Organization)
    if org_slugs:
        query = query.where(Organization.slug.in_(org_slugs))
    organizations = list(db.session.scalars(query))
    missing = set(org_slugs) - {org.slug for org in organizations}
    if missing or not organizations:
        raise click.ClickException(f"unknown cooperatives: {', '.join(sorted(missing)) or '-'}")
    with force_locale(lang):
        data = report.build([org.id for org in organizations], start, end)
        body = export.to_csv(data).encode("utf-8") if fmt == "csv" else export.to_pdf(data)
    audit.record(
        "report.impact_export", actor_id=None, detail=f"cli {fmt} {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    )
    db.session.commit()
    if output is None and fmt == "csv":
        # Bytes as they are: the CSV's CRLF line ends and BOM survive a redirect to a file.
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    target = output or f"impatto-{period.key}.pdf"
    with open(target, "wb") as handle:
        handle.write(body)
    click.echo(f"written {target}", err=True)
