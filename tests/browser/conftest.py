"""A live server and Debian's Chromium for Playwright tests (never `playwright install`)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from elearn import create_app
from elearn.demo import seed_demo
from elearn.extensions import db
from tests.conftest import free_port, skip_or_fail

# The live server's app, for tests that must adjust its data (see forget_used_codes).
LIVE_APPS: list = []
# The live server's app, its database file and the pristine copy taken after seeding.
LIVE_STATE: dict = {}


def forget_used_codes(email: str) -> None:
    """Let a demo account use a code again: several tests log the same manager in within one
    30-second step, and the app rightly refuses a code used twice."""
    from sqlalchemy import update

    from elearn.models import User

    for app in LIVE_APPS:
        with app.app_context():
            db.session.execute(update(User).where(User.email == email).values(totp_last_step=None))
            db.session.commit()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (browser tests)")
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "SECRET_KEY": "browser-tests",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        from elearn.authoring.services import import_courses
        from elearn.paths import resource_dir

        import_courses(resource_dir("courses"))
    database = folder / "live.sqlite3"
    pristine = folder / "pristine.sqlite3"
    _copy_database(database, pristine)
    LIVE_STATE.update(app=app, database=database, pristine=pristine)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    LIVE_APPS.append(app)
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join()


def _copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page through SQLite's backup API: safe while the live
    server holds connections to the target (they see the new content at their next query)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(autouse=True)
def fresh_demo_data(live_server: str) -> None:
    """Every browser test starts from the freshly seeded demo, whatever ran before it: the
    live server's database is put back to the copy taken right after seeding (one browser
    session and one server for the whole run; only the data is reset, in milliseconds)."""
    app = LIVE_STATE["app"]
    with app.app_context():
        db.session.remove()
    _copy_database(LIVE_STATE["pristine"], LIVE_STATE["database"])
    # Short-lived per-app caches of database rows (next Welfare day, running labs).
    for key in ("consult.next_welfare_day", "labs.current"):
        app.extensions.pop(key, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (browser tests)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        + ")"
        for v in results.response["violations"]
    ]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # An Italian phone: the site picks the language from Accept-Language.
    return {**browser_context_args, "locale": "it-IT"}


def demo_login(page, email: str, password: str = "demo-password") -> None:
    """Log in as a demo account like a person would: password, then code or privacy choice."""
    import pyotp

    from elearn.demo import DEMO_TOTP_SECRETS

    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: url.rstrip("/").split("?")[0].endswith("/login") is False)
    if "/login/codice" in page.url:
        page.locator("#code").fill(pyotp.TOTP(DEMO_TOTP_SECRETS[email]).now())
        page.locator("#code").press("Enter")
        page.wait_for_url(lambda url: "/login/codice" not in url)
    if "/consenso" in page.url:
        page.locator("input[name=progress_sharing]").last.check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/consenso" not in url)


def open_menu(page) -> None:
    """On a phone the main menu is folded under "Menu" (a <details>): open it like a thumb would."""
    summary = page.locator("details.phone-menu > summary")
    if summary.is_visible() and page.locator("details.phone-menu[open]").count() == 0:
        summary.click()


def log_out(page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Esci").click()
