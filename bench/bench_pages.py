"""Module pages served from the publish-time cache vs rendered on every request.

Usage: .venv/bin/python bench/bench_pages.py [--seconds 5]
Runs in-process through the Flask test client on a throwaway SQLite database with the
bundled courses, logged in as a worker; prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from elearn import coursefmt, create_app
from elearn.authoring.services import current_glossary, import_courses, render_for_storage
from elearn.demo import seed_demo
from elearn.extensions import db
from elearn.models import ModuleVersion, User
from elearn.paths import resource_dir

MODULE_URL = "/corsi/credito-e-prestiti/03-confrontare-due-offerte"


def measure(client, url: str, seconds: float) -> tuple[float, float]:
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return len(latencies) / sum(latencies), statistics.median(latencies) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "b",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        import_courses(resource_dir("courses"))
        worker = db.session.scalar(db.select(User).where(User.email == "lavoratrice@demo.it"))
        from elearn.models import ConsentRecord

        db.session.add(
            ConsentRecord(
                user_id=worker.id, kind="progress_sharing", granted=False, text_version="bench"
            )
        )
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "lavoratrice@demo.it", "password": "demo-password"})
    url = MODULE_URL
    if client.get(url).status_code != 200:
        url = "/corsi/bilancio-familiare/01-entrate-e-busta-paga"
    cached = measure(client, url, args.seconds)

    # Variant: parse and render the Markdown on every request, as a site without the cache would.
    original = ModuleVersion.segments

    def render_each_time(self: ModuleVersion) -> list:
        module, _errors = coursefmt.parse_module(
            self.source.encode(),
            self.module.filename,
            course_slug=self.module.course.slug,
            language=self.module.course.language,
            glossary=current_glossary(),
        )
        return json.loads(render_for_storage(module, current_glossary())[0])

    ModuleVersion.segments = render_each_time
    try:
        uncached = measure(client, url, args.seconds)
    finally:
        ModuleVersion.segments = original

    print(f"Module page `{url}` (Flask test client, one process, SQLite)\n")
    print("| variant | requests/s | median ms |")
    print("|---|---:|---:|")
    print(f"| rendered at publish time (cached) | {cached[0]:.0f} | {cached[1]:.1f} |")
    print(f"| parsed and rendered every request | {uncached[0]:.0f} | {uncached[1]:.1f} |")
    print(f"\nSpeed-up from the cache: {cached[0] / uncached[0]:.1f}×")


if __name__ == "__main__":
    main()
