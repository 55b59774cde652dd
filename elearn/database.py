"""Engine tuning per backend: SQLite in WAL mode with foreign keys and a busy timeout."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from elearn.extensions import db


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    _configure_sqlite(engine, busy_ms)


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN; we emit it ourselves
        # so that writers can take the lock up front (BEGIN IMMEDIATE) when needed.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = has_app_context() and g.get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_transaction() -> None:
    """From here on, take SQLite's write lock when a transaction begins.

    A transaction that starts by reading and then writes cannot wait for the lock in WAL mode
    (SQLITE_BUSY_SNAPSHOT fails at once); BEGIN IMMEDIATE waits up to the busy timeout instead.
    PostgreSQL needs nothing: its row locks and upserts handle concurrent writers.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return
    if not g.get("sqlite_immediate", False):
        db.session.commit()  # end the read snapshot the request may have opened
        g.sqlite_immediate = True


def dialect_insert(model: Any) -> Any:
    """INSERT for `model` with ON CONFLICT support on both SQLite and PostgreSQL."""
    from sqlalchemy.dialects import postgresql, sqlite

    is_postgres = db.session.get_bind().dialect.name == "postgresql"
    return (postgresql.insert if is_postgres else sqlite.insert)(model)
