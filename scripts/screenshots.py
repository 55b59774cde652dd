"""Screenshots of pages at phone and desktop width, for looking at what we build.

Usage: .venv/bin/python scripts/screenshots.py OUTDIR [ROLE_EMAIL] PATH...
Starts the app on a throwaway SQLite database with demo data and Debian's Chromium.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from elearn import create_app
from elearn.demo import seed_demo
from elearn.extensions import db

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    email = sys.argv[2] if len(sys.argv) > 2 and "@" in sys.argv[2] else None
    paths = sys.argv[3:] if email else sys.argv[2:]
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'shots.sqlite3'}",
            "SECRET_KEY": "shots",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        from elearn.authoring.services import import_courses
        from elearn.demo import seed_demo_learning
        from elearn.paths import resource_dir

        import_courses(resource_dir("courses"))
        seed_demo_learning()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(locale="it-IT")
        page = context.new_page()
        if email:
            page.goto(base + "/login")
            page.fill("#email", email)
            page.fill("#password", "demo-password")
            page.click("form button[type=submit]")
            if "/login/codice" in page.url:
                import pyotp

                from elearn.demo import DEMO_TOTP_SECRETS

                page.fill("#code", pyotp.TOTP(DEMO_TOTP_SECRETS[email]).now())
                page.click("form button[type=submit]")
            if "/consenso" in page.url:
                page.locator("input[name=progress_sharing]").last.check()
                page.locator("main form button[type=submit]").click()
        for path in paths:
            for width in (360, 1280):
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(base + path)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
