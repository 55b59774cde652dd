"""gunicorn configuration file (test code, loaded with `-c`) that can hold one request inside
its transaction, so that a SIGKILL lands there deterministically.

SQLite has one writer at a time: a transaction that has started writing already holds the
write lock, so no other connection can make it wait halfway the way a PostgreSQL table lock
does. Instead, when the file `$HOLD_DIR/armed` exists, the first statement starting with
`$HOLD_BEFORE` stops its worker just before it runs: the earlier statements of the transaction
have been executed, the commit has not. The worker writes its pid to `$HOLD_DIR/held` and waits
for the kill. Nothing here is part of the application.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_DIRECTORY = Path(os.environ["HOLD_DIR"])
_BEFORE = os.environ["HOLD_BEFORE"]


@event.listens_for(Engine, "before_cursor_execute")
def _hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if not statement.startswith(_BEFORE):
        return
    try:
        (_DIRECTORY / "armed").unlink()  # only one request is held
    except FileNotFoundError:
        return
    (_DIRECTORY / "held").write_text(str(os.getpid()))
    threading.Event().wait()  # until the test kills this worker
