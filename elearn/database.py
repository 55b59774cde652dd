"""Engine tuning per backend: SQLite in WAL mode with foreign keys and a busy timeout."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
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
        # Until the first write, a deferred transaction may still trade its snapshot for the lock.
        conn.info["sqlite_may_relock"] = False
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        conn.info["sqlite_may_relock"] = not immediate

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_first_write(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        """Take the write lock, waiting for it, before a transaction's first write.

        In WAL mode a transaction that has read and then writes fails at once with "database is
        locked" (SQLITE_BUSY_SNAPSHOT) when another connection committed in between: the busy
        timeout cannot help, because waiting would not make its snapshot current. Any request
        that reads (the user loader, a permission check) before it writes would fail like that
        when two people act at the same moment. So, at the first INSERT/UPDATE/DELETE of a
        transaction that has only read so far, end the read snapshot (there is nothing to
        commit) and begin again with BEGIN IMMEDIATE, which waits for the lock. The write then
        sees every committed row, as on PostgreSQL (READ COMMITTED). A transaction that has
        done anything else first (DDL, a savepoint, a CTE) is left alone.
        """
        if not conn.info.get("sqlite_may_relock"):
            return
        match = _KEYWORD.match(statement)
        keyword = match.group(1).upper() if match else ""
        if keyword in _READS:
            return
        conn.info["sqlite_may_relock"] = False
        if keyword in _WRITES:
            conn.exec_driver_sql("COMMIT")
            conn.exec_driver_sql("BEGIN IMMEDIATE")


_KEYWORD = re.compile(r"\s*(\w+)")
_READS = frozenset({"SELECT", "PRAGMA", "EXPLAIN"})
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


def write_transaction() -> None:
    """From here on, take SQLite's write lock when a transaction begins.

    For services that read, decide and then write: with the lock taken up front their reads
    are current too (nobody else can write until they commit). Without it a transaction still
    waits for the lock at its first write (see _lock_before_first_write), but what it read
    before may be older. PostgreSQL needs nothing: its row locks and upserts handle concurrent
    writers.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return
    if not g.get("sqlite_immediate", False):
        db.session.commit()  # end the read snapshot the request may have opened
        g.sqlite_immediate = True


def write_done() -> None:
    """After the commit of a write transaction: later transactions of the request begin deferred.

    Otherwise every later transaction of the request (the reads that render the page) would
    begin with BEGIN IMMEDIATE and hold SQLite's write lock while the page renders, so two
    gunicorn workers would wait on each other. A later write still takes the lock before its
    first statement (_lock_before_first_write), so nothing is lost.
    """
    g.pop("sqlite_immediate", None)


def dialect_insert(model: Any, dialect: str | None = None) -> Any:
    """INSERT for `model` with ON CONFLICT support on both SQLite and PostgreSQL.

    `dialect`: the database kind's name when known (statements built once per process).
    """
    name = dialect or db.session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)
