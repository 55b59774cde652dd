"""Log lines that are safe to read and to keep.

- No personal or health data: the app's own messages carry only ids, kinds and error class
  names; SQL parameters are never written into error messages (the engine runs with
  `hide_parameters`), and the learner pages never log what people typed.
- Safe against injection (OWASP ASVS 7.3.1): text that reaches a log line may come from a
  person (an exception message quoting input, a URL). Carriage returns and other control
  characters are escaped, and every line after the first of a record (tracebacks, messages
  with newlines) is indented with "  | ", so no one can forge a line that looks like a new
  record.
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import Flask
from flask.logging import default_handler

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u0085]")
CONTINUATION = "\n  | "
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """One record's text with control characters escaped and continuation lines marked."""
    return _CONTROL.sub(_escape, text).replace("\n", CONTINUATION)


# Exceptions raised by the database drivers and SQLAlchemy: their messages may quote the
# values of a row (PostgreSQL's "DETAIL: Key (email)=(maria@example.org) already exists.").
_DATABASE_MODULES = ("sqlalchemy.", "psycopg", "sqlite3")
_KEPT_LINES = ("[SQL:", "[SQL parameters", "(Background")


def _without_values(message: str) -> str:
    """The first line of a database error (what failed) and the SQL text, not the details."""
    lines = message.splitlines() or [""]
    kept = [lines[0], *(line for line in lines[1:] if line.startswith(_KEPT_LINES))]
    return "\n".join(kept)


def _scrub(exception: traceback.TracebackException) -> None:
    seen: set[int] = set()
    pending = [exception]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        module = getattr(current, "exc_type_module", None) or getattr(
            getattr(current, "exc_type", None), "__module__", ""
        )
        if str(module).startswith(_DATABASE_MODULES):
            current._str = _without_values(current._str)  # noqa: SLF001 (no public setter)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)


class SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return neutralise(super().format(record))

    def formatException(self, ei: object) -> str:  # noqa: N802 (logging's name)
        exception = traceback.TracebackException(*ei)  # type: ignore[misc]
        _scrub(exception)
        return "".join(exception.format()).rstrip("\n")


def init_app(app: Flask) -> None:
    """Format every record of the app (`elearn` and `elearn.*` loggers) safely.

    `app.logger` is the `elearn` logger; module loggers propagate to it, and Flask's default
    handler writes to the server's error stream (gunicorn's error log).
    """
    default_handler.setFormatter(SafeFormatter(FORMAT))
    # Flask adds its handler only when no other handler is configured (a test runner's may
    # be); ours is added always, so the format holds wherever the app runs.
    if default_handler not in app.logger.handlers:
        app.logger.addHandler(default_handler)
    for handler in app.logger.handlers:
        handler.setFormatter(SafeFormatter(FORMAT))
