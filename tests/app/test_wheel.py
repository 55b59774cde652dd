"""A non-editable install from the wheel carries templates, static files, courses and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IN_CI, free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_wheel_installs_in_a_fresh_venv_and_serves_the_home_page(tmp_path):
    if not IN_CI and not os.environ.get("RUN_WHEEL_TEST"):
        pytest.skip(
            "builds a wheel and a virtualenv (about a minute); runs under CI or RUN_WHEEL_TEST=1"
        )
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(dist.glob("*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = venv / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True, timeout=900)
    site = tmp_path / "site"
    site.mkdir()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{site / 'db.sqlite3'}", "SECRET_KEY": "wheel"}
    env.pop("FLASK_APP", None)
    init = subprocess.run(
        [str(venv / "bin" / "elearn"), "init"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    check = subprocess.run(
        [str(venv / "bin" / "elearn"), "courses", "check"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0 and "bilancio-familiare" in check.stdout, (
        check.stdout + check.stderr
    )
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "-b", f"127.0.0.1:{port}", "elearn:create_app()"],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                server.poll()
                assert server.returncode is None, server.stdout.read().decode()
                import time

                time.sleep(0.2)  # waiting for the server socket, not timing behaviour
        assert "I tuoi soldi, spiegati semplice" in page
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/css/app.css", timeout=5
        ) as css:
            assert b"--pico-font-size" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
