"""The funder's report as files: the CSV (the site's dialect) and an A4 PDF, both printing
the one ImpactReport that elearn.impact.report computes."""

from __future__ import annotations

import io
from html import escape as _html_escape
from typing import Any

from flask_babel import gettext

from elearn import audit
from elearn.csvexport import csv_sheet_text, number_cell
from elearn.extensions import db
from elearn.i18n import number
from elearn.impact.report import ImpactReport, Value, method_paragraph
from elearn.learning.certificates import name_font
from elearn.privacy import disclosure


def _cell(value: Value, hidden: str) -> object:
    if value is None:
        return hidden
    if isinstance(value, float):
        return number_cell(value, 1)
    return value


def to_csv(report: ImpactReport) -> str:
    """The site's CSV dialect (elearn/csvexport.py): the tables one under the other."""
    hidden = gettext("fewer than %(n)d", n=disclosure.MIN_GROUP)
    rows: list[list[object]] = [
        [gettext("WELFARE³ impact report")],
        [gettext("Period"), report.start, report.end],
        [gettext("Cooperatives"), ", ".join(report.organizations)],
        [method_paragraph()],
    ]
    for table in report.tables:
        rows += [[], [table.caption], list(table.headers)]
        rows += [[row.label] + [_cell(v, hidden) for v in row.values] for row in table.rows]
    return csv_sheet_text(rows)


def escape(text: str) -> str:
    """Text for a reportlab Paragraph (its mini-markup): &, < and > escaped."""
    return _html_escape(text, quote=False)


def to_pdf(report: ImpactReport) -> bytes:
    """An A4 PDF (reportlab, already a dependency): title, method, then every table."""
    # reportlab is loaded only when someone downloads the PDF.
    from reportlab.lib import colors  # noqa: PLC0415
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415
    from reportlab.lib.styles import getSampleStyleSheet  # noqa: PLC0415
    from reportlab.lib.units import cm  # noqa: PLC0415
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle  # noqa: PLC0415
    from reportlab.platypus import Table as PdfTable  # noqa: PLC0415

    regular, bold = name_font(False), name_font(True)
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = bold if style.name.startswith(("Heading", "Title")) else regular
    hidden = gettext("fewer than %(n)d", n=disclosure.MIN_GROUP)

    def text(value: Any) -> str:
        if value is None:
            return hidden
        if isinstance(value, float):
            return number(value, 1)
        if isinstance(value, int):
            return number(value, 0)
        return str(value)

    story: list[Any] = [
        Paragraph(escape(gettext("WELFARE³ impact report")), styles["Title"]),
        Paragraph(
            escape(
                gettext(
                    "Period: %(start)s to %(end)s",
                    start=report.start.isoformat(),
                    end=report.end.isoformat(),
                )
            ),
            styles["Normal"],
        ),
        Paragraph(escape(", ".join(report.organizations)), styles["Normal"]),
        Spacer(1, 0.3 * cm),
        Paragraph(escape(method_paragraph()), styles["BodyText"]),
    ]
    cell_style = styles["BodyText"]
    for table in report.tables:
        story.append(Spacer(1, 0.4 * cm))
        story.append(Paragraph(escape(table.caption), styles["Heading3"]))
        data = [[Paragraph(escape(h), cell_style) for h in table.headers]]
        data += [
            [Paragraph(escape(row.label), cell_style)]
            + [Paragraph(escape(text(v)), cell_style) for v in row.values]
            for row in table.rows
        ]
        pdf_table = PdfTable(data, repeatRows=1)
        pdf_table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efec")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(pdf_table)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=gettext("WELFARE³ impact report"),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
    ).build(story)
    return buffer.getvalue()


def record_download(
    actor_id: int, kind: str, scope: str, start: object, end: object, remote_addr: str = ""
) -> None:
    """The audit entry of a downloaded report (who, which file, which cooperatives and period)."""
    audit.record(
        "report.impact_export",
        actor_id=actor_id,
        detail=f"{kind} org={scope} {start:%d/%m/%Y}–{end:%d/%m/%Y}",
        remote_addr=remote_addr,
    )
    db.session.commit()
