"""PostgreSQL helpers for the fault tests: hold a table lock, see who waits on it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


@contextmanager
def table_locked(database_url: str, table: str) -> Iterator[Any]:
    """Hold ACCESS EXCLUSIVE on `table` (even reads of it wait) until the block ends."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
            try:
                yield conn
            finally:
                conn.rollback()
    finally:
        engine.dispose()


def lock_waiters(database_url: str) -> list[dict[str, Any]]:
    """Backends of this database blocked on a heavyweight lock, with what they run."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pid, query FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).mappings()
            return [dict(row) for row in rows]
    finally:
        engine.dispose()


def wait_for_lock_waiters(database_url: str, count: int, seconds: float = 30) -> list[dict]:
    """Poll until `count` backends wait on a lock: the requests are now held mid-transaction."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = lock_waiters(database_url)
        if len(waiting) >= count:
            return waiting
        time.sleep(0.05)  # polling PostgreSQL's view of the lock queue, not timing anything
    raise AssertionError(f"expected {count} blocked requests, have {lock_waiters(database_url)}")


def wait_until_gone(database_url: str, pids: list[int], seconds: float = 30) -> None:
    """Poll until these backends have ended (their transactions are over, one way or another)."""
    engine = create_engine(database_url, poolclass=NullPool)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                alive = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                    {"pids": pids},
                ).scalar_one()
            if not alive:
                return
            time.sleep(0.05)  # polling, not timing
        raise AssertionError(f"backends {pids} still alive")
    finally:
        engine.dispose()
