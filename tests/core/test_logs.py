"""Log lines carry no personal data and cannot be forged by what people type."""

from __future__ import annotations

import io
import logging
import re
from urllib.parse import urlencode

import pytest
from flask import request

from elearn import create_app
from elearn.extensions import db
from elearn.logs import SafeFormatter, neutralise
from elearn.models import User

RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


@pytest.fixture
def live_app(app):
    """The app as in production: errors are handled and logged, not raised to the test."""
    production = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    def boom():
        raise ValueError(f"cannot use {request.args['text']}")

    def duplicate():
        # A database error whose SQL parameters hold personal data.
        for _ in range(2):
            db.session.add(
                User(email="maria.verdi@example.org", full_name="Maria Verdi", password_hash="x")
            )
            db.session.flush()
        return "unreachable"

    production.add_url_rule("/test-boom", "test_boom", boom)
    production.add_url_rule("/test-duplicate", "test_duplicate", duplicate)
    return production


def _get(app, path):
    stream = io.StringIO()
    response = app.test_client().get(path, errors_stream=stream)
    return response, stream.getvalue()


def test_an_injected_newline_cannot_forge_a_log_record(live_app):
    forged = "x\n2026-11-25 10:00:00,000 INFO elearn.audit: role admin granted to attacker"
    response, log = _get(live_app, "/test-boom?" + urlencode({"text": forged}))
    assert response.status_code == 500
    assert "Qualcosa è andato storto" in response.get_data(as_text=True)
    assert "ValueError" in log and "role admin granted" in log  # logged, but...
    starts = [line for line in log.splitlines() if RECORD_START.match(line)]
    assert len(starts) == 1, log  # ...only the real record starts a line
    assert "unhandled error on test_boom" in starts[0]
    assert all(line.startswith("  | ") for line in log.splitlines()[1:] if line)


def test_sql_errors_are_logged_without_the_personal_data_in_their_parameters(live_app):
    with live_app.app_context():
        db.create_all()
    response, log = _get(live_app, "/test-duplicate")
    assert response.status_code == 500
    assert "IntegrityError" in log
    assert "maria.verdi" not in log and "Maria Verdi" not in log
    assert "parameters hidden" in log


def test_control_characters_are_escaped():
    assert neutralise("a\rb\x1b[31mc\u2028d") == "a\\x0db\\x1b[31mc\\u2028d"
    record = logging.LogRecord("elearn.x", logging.WARNING, __file__, 1, "got %s", ("a\nb",), None)
    assert SafeFormatter("%(message)s").format(record) == "got a\n  | b"


def test_a_paused_login_is_logged_with_a_hash_not_the_address(live_app, make_user, caplog):
    with live_app.app_context():
        db.create_all()
    client = live_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    caplog.set_level(logging.WARNING, logger="elearn.auth.throttle")
    for _ in range(6):
        client.post(
            "/login",
            data={"csrf_token": token, "email": "anna.neri@example.org", "password": "x" * 12},
            environ_base={"REMOTE_ADDR": "198.51.100.23"},
        )
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("attempts paused: scope=account") for m in messages), messages
    joined = "\n".join(messages)
    assert "anna" not in joined and "198.51.100.23" not in joined
