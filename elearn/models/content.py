"""The content version: one row whose stamp changes with every write to a course or a module.

Database triggers on `course` and `course_module` change it in the writer's own transaction,
whatever code writes (the editor, an import, the archive, a migration, an operator in psql).
So a process may keep the published courses it has read in memory and, at each request, read
this one row instead of the course and its modules: an unchanged stamp means unchanged rows
(elearn.learning.catalogue.course_for_reading).

On PostgreSQL the triggers run BEFORE each statement: a transaction that writes a course takes
the stamp's row lock before any course or module row, so two editors publishing at once wait
for each other instead of deadlocking (each holding a module row the other needs).

The stamp is the row's `epoch` (random, chosen when the row is created: a database emptied or
recreated never repeats an old stamp by chance) and `n` (one more at each write). With no row
(a database emptied by hand) nothing is kept: every request reads the course again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Integer, event
from sqlalchemy.orm import Mapped, mapped_column

from elearn.extensions import db

TABLES = ("course", "course_module")


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


_BUMP = (
    "INSERT INTO content_version (id, epoch, n) VALUES (1, {random}, 1)"
    " ON CONFLICT (id) DO UPDATE SET n = content_version.n + 1"
)
SQLITE_BUMP = _BUMP.format(random="abs(random() % 2147483647)")
POSTGRESQL_BUMP = _BUMP.format(random="floor(random() * 2147483647)::bigint")

SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS content_version_{table}_{operation.lower()} AFTER {operation}"
    f" ON {table} BEGIN {SQLITE_BUMP}; END"
    for table in TABLES
    for operation in ("INSERT", "UPDATE", "DELETE")
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION content_version_bump() RETURNS trigger AS $$ BEGIN "
    f"{POSTGRESQL_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql",
    *(
        f"CREATE TRIGGER content_version_{table} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump()"
        for table in TABLES
    ),
]


def create_triggers(connection: Any) -> None:
    """Install the triggers; again after a second `create_all` (the old ones go first)."""
    drop_triggers(connection)
    postgresql = connection.dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        for table in TABLES:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS content_version_{table} ON {table}")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS content_version_bump()")
        return
    for statement in SQLITE:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {statement.split()[5]}")


def _after_create(target: object, connection: Any, **_kw: object) -> None:
    create_triggers(connection)


event.listen(db.metadata, "after_create", _after_create)
