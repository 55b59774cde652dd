"""Settings from environment variables, with safe defaults (SQLite file in instance/)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def load_secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else from instance/secret_key (created on first use)."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written with owner-only permissions: the key signs every session cookie.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def settings_from_env(instance_path: Path) -> dict[str, Any]:
    """Build the Flask configuration mapping from the process environment."""
    env = os.environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'elearn.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    public_base_url = env.get("PUBLIC_BASE_URL", "")
    # Older keys still accepted after a rotation (comma-separated): session cookies, invitation
    # codes and links, reminder stop links (docs/operator.md, "Rotating SECRET_KEY").
    fallbacks = [key.strip() for key in env.get("SECRET_KEY_FALLBACKS", "").split(",")]
    return {
        "SECRET_KEY_FALLBACKS": [key for key in fallbacks if key],
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLITE_BUSY_TIMEOUT_MS": _int(env.get("SQLITE_BUSY_TIMEOUT_MS"), 5000),
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": _int(env.get("SMTP_PORT"), 25),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS")),
        "SMTP_SSL": _bool(env.get("SMTP_SSL")),
        "SMTP_TIMEOUT": _int(env.get("SMTP_TIMEOUT"), 10),
        "MAIL_FROM": env.get("MAIL_FROM", "WELFARE³ <noreply@welfare3.local>"),
        # console: print messages instead of sending them (demo without SMTP).
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "smtp"),
        "OUTBOX_SEND_INLINE": _bool(env.get("OUTBOX_SEND_INLINE")),
        "OUTBOX_MAX_ATTEMPTS": _int(env.get("OUTBOX_MAX_ATTEMPTS"), 8),
        # Where people reach the site, e.g. https://welfare3.example.org: every absolute link
        # that leaves the site (elearn/urls.py) and the host name the site answers to.
        "PUBLIC_BASE_URL": public_base_url,
        # More host names the site answers to (comma-separated), e.g. for a load balancer's
        # health check; create_app turns both into Flask's TRUSTED_HOSTS.
        "EXTRA_TRUSTED_HOSTS": env.get("TRUSTED_HOSTS", ""),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "PROXY_FIX_HOPS": _int(env.get("PROXY_FIX_HOPS"), 0),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "60 per minute"),
        # Failed logins/codes before an account or a client address is paused (database-backed,
        # shared by every worker and server), and for how long the failures count.
        "LOGIN_FAILURES_PER_ACCOUNT": _int(env.get("LOGIN_FAILURES_PER_ACCOUNT"), 5),
        "LOGIN_FAILURES_PER_ADDRESS": _int(env.get("LOGIN_FAILURES_PER_ADDRESS"), 30),
        "LOGIN_THROTTLE_MINUTES": _int(env.get("LOGIN_THROTTLE_MINUTES"), 15),
        "PASSWORD_RESETS_PER_ACCOUNT": _int(env.get("PASSWORD_RESETS_PER_ACCOUNT"), 3),
        "PASSWORD_RESETS_PER_ADDRESS": _int(env.get("PASSWORD_RESETS_PER_ADDRESS"), 20),
        "PASSWORD_RESET_HOURS": _int(env.get("PASSWORD_RESET_HOURS"), 1),
        # Secure cookies when the site is public over HTTPS (override with SESSION_COOKIE_SECURE).
        "SESSION_COOKIE_SECURE": _bool(
            env.get("SESSION_COOKIE_SECURE"), public_base_url.startswith("https://")
        ),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Course zips may be 20 MB; anything larger gets a 413 page.
        "MAX_CONTENT_LENGTH": _int(env.get("MAX_CONTENT_LENGTH"), 25 * 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "it",
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Europe/Rome"),
        "LANGUAGES": ("it", "en"),
        "COURSES_DIR": env.get("COURSES_DIR", ""),
        # Managers' dashboards are recomputed at most this often (0: on every request).
        "REPORT_CACHE_SECONDS": _int(env.get("REPORT_CACHE_SECONDS"), 300),
        "RETENTION_CLOSED_CASE_DAYS": _int(env.get("RETENTION_CLOSED_CASE_DAYS"), 730),
        "RETENTION_INACTIVE_ACCOUNT_DAYS": _int(env.get("RETENTION_INACTIVE_ACCOUNT_DAYS"), 1095),
        # Delivered (or given-up) e-mails are kept this long, then purged.
        "RETENTION_OUTBOX_DAYS": _int(env.get("RETENTION_OUTBOX_DAYS"), 90),
        # Payroll roster entries of people who left are deleted this long after they left.
        "RETENTION_ROSTER_LEFT_DAYS": _int(env.get("RETENTION_ROSTER_LEFT_DAYS"), 365),
    }
