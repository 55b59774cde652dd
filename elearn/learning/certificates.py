"""Course certificates: the PDF with its QR code, and the public verification by code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib
import qrcode
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from sqlalchemy import select

from elearn.extensions import db
from elearn.i18n import supported_language
from elearn.models import (
    CourseCompletion,
)


def completion_by_code(code: str) -> Any:
    if not code or len(code) > 16 or not code.isalnum():
        return None
    return db.session.scalar(
        select(CourseCompletion).where(CourseCompletion.verification_code == code.upper())
    )


def name_font(bold: bool) -> str:
    """A font for names and titles: DejaVu Sans (shipped with matplotlib) draws Ł, ș, ë,
    Greek, Cyrillic and Arabic letters that Helvetica would print as black boxes."""

    name = "DejaVuSans-Bold" if bold else "DejaVuSans"
    if name not in pdfmetrics.getRegisteredFontNames():
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf"
        if not path.is_file():
            return "Helvetica-Bold" if bold else "Helvetica"
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def certificate_pdf(full_name: str, completion: Any, verify_url: str, language: str) -> bytes:
    """A one-page A4 certificate with a QR code leading to the public verification page."""
    texts = {
        "it": (
            "Attestato di partecipazione",
            "si certifica che",
            "ha completato il corso",
            "il",
            "Durata stimata",
            "ore",
            "Codice di verifica",
        ),
        "en": (
            "Certificate of completion",
            "this certifies that",
            "has completed the course",
            "on",
            "Estimated length",
            "hours",
            "Verification code",
        ),
    }[supported_language(language)]
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=0)
    pdf.setTitle(f"{texts[0]} - {completion.course_title}")
    pdf.setStrokeColorRGB(0.12, 0.43, 0.36)
    pdf.setLineWidth(4)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFillColorRGB(0.12, 0.43, 0.36)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 110, "WELFARE³")
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    pdf.setFont("Helvetica", 22)
    pdf.drawCentredString(width / 2, height - 160, texts[0])
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 210, texts[1])
    pdf.setFont(name_font(bold=True), 26)
    pdf.drawCentredString(width / 2, height - 250, full_name[:60])
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 290, texts[2])
    pdf.setFont(name_font(bold=True), 20)
    pdf.drawCentredString(width / 2, height - 325, completion.course_title[:70])
    pdf.setFont("Helvetica", 14)
    day = completion.completed_at.strftime("%d/%m/%Y")
    hours = f"{completion.minutes / 60:.1f}".replace(".", "," if language == "it" else ".")
    pdf.drawCentredString(
        width / 2, height - 360, f"{texts[3]} {day} · {texts[4]}: {hours} {texts[5]}"
    )
    image = qrcode.make(verify_url, box_size=4, border=1).get_image()
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    pdf.drawImage(ImageReader(png), width - 190, 60, width=120, height=120)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(60, 80, f"{texts[6]}: {completion.verification_code}")
    pdf.drawString(60, 64, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
