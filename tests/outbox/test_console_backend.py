"""The demo without SMTP prints e-mails as people read them: decoded text, links on one line."""

from __future__ import annotations

from typing import Any

from flask import Flask

from elearn.extensions import db
from elearn.outbox.services import enqueue, send_pending

LINK = "http://127.0.0.1:5000/password/nuova/" + "x" * 90


def test_printed_mail_is_decoded_with_whole_links(app: Flask, capsys: Any) -> None:
    app.config["MAIL_BACKEND"] = "console"
    with app.app_context():
        enqueue(
            "giulia@example.org",
            "Giornata del welfare: sei iscritta",
            f"Ciao Giulia, è tutto pronto: perché non porti i documenti?\n\n{LINK}\n",
            attachment=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            attachment_name="giornata.ics",
            attachment_type="text/calendar",
        )
        db.session.commit()
        report = send_pending()
    printed = capsys.readouterr().out
    assert report.sent == 1
    assert LINK in printed.splitlines()  # the whole link on a line of its own
    assert "è tutto pronto: perché" in printed
    assert "Subject: Giornata del welfare: sei iscritta" in printed
    assert "[attachment: giornata.ics, 32 bytes]" in printed
    assert "Content-Transfer-Encoding" not in printed and "base64" not in printed
