"""`elearn demo-code` prints a second-step code that really logs the demo manager in."""

from __future__ import annotations

import re

from elearn.demo import DEMO_PASSWORD
from tests.app.test_cli_and_migrations import _fresh_app
from tests.conftest import CsrfClient


def test_the_printed_code_logs_the_demo_manager_in(backend, tmp_path, request):
    app = _fresh_app(backend, tmp_path, request)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "--no-serve", "--learners", "0"]).exit_code == 0
    printed = runner.invoke(args=["demo-code", "manager@demo.it"])
    assert printed.exit_code == 0, printed.output
    code = re.search(r"manager@demo\.it\s+(\d{6})\s", printed.output)
    assert code is not None, printed.output
    app.test_client_class = CsrfClient
    client = app.test_client()
    step = client.post("/login", data={"email": "manager@demo.it", "password": DEMO_PASSWORD})
    assert step.headers["Location"] == "/login/codice"
    assert client.post("/login/codice", data={"code": code.group(1)}).status_code == 302
    assert client.get("/profilo").status_code == 200


def test_an_account_without_a_demo_key_is_refused_with_the_known_ones(app, runner):
    result = runner.invoke(args=["demo-code", "lavoratrice@demo.it"])
    assert result.exit_code == 2
    assert "manager@demo.it" in result.output and "admin@demo.it" in result.output
