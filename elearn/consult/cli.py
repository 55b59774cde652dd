"""`elearn consult remind`: the daily reminders for tomorrow's appointments and Welfare days."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from elearn.consult.reminders import send_reminders


@click.group("consult")
def consult_group() -> None:
    """Consultations and Welfare days."""


@consult_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Queue reminders for tomorrow (run daily from cron; running twice sends nothing twice).

    Deliver them with `elearn outbox send`."""
    report = send_reminders()
    click.echo(
        f"reminders queued: {report.appointments} appointments, "
        f"{report.welfare_days} Welfare day places"
    )
