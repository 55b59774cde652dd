"""`elearn nudges queue`: the daily run that queues the nudges due (cron)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from elearn.nudges.services import queue_nudges


@click.group("nudges")
def nudges_group() -> None:
    """E-mails that bring people back (unfinished courses, overdue pathway steps)."""


@nudges_group.command("queue")
@with_appcontext
def queue_command() -> None:
    """Queue the nudges due today (run daily; running twice sends nothing twice).

    `elearn outbox send` delivers them outside quiet hours."""
    report = queue_nudges()
    click.echo(
        f"nudges queued: {report.first} first and {report.second} second about a course, "
        f"{report.pathway} about pathway steps; {report.stopped} people stopped reminders"
    )
