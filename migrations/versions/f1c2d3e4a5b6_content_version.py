"""content version: one row whose stamp changes with every write to a course or a module (kept by
triggers), so processes may keep published courses in memory and check one row per request

Revision ID: f1c2d3e4a5b6
Revises: 1520677d2599
Create Date: 2026-12-03 18:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1c2d3e4a5b6'
down_revision = '1520677d2599'
branch_labels = None
depends_on = None

# Copies of elearn/models/content.py at this revision (a migration never changes afterwards).
TABLES = ("course", "course_module")
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS content_version_{table}_{operation.lower()} AFTER {operation}"
    f" ON {table} BEGIN INSERT INTO content_version (id, epoch, n) VALUES"
    " (1, abs(random() % 2147483647), 1) ON CONFLICT (id) DO UPDATE SET n = content_version.n + 1;"
    " END"
    for table in TABLES
    for operation in ("INSERT", "UPDATE", "DELETE")
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION content_version_bump() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO content_version (id, epoch, n) VALUES (1, floor(random() * 2147483647)::bigint, 1)"
    " ON CONFLICT (id) DO UPDATE SET n = content_version.n + 1; RETURN NULL; END $$ LANGUAGE plpgsql",
    *(
        f"CREATE TRIGGER content_version_{table} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump()"
        for table in TABLES
    ),
]


def upgrade():
    op.create_table('content_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.BigInteger(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_content_version_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version'))
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS content_version_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS content_version_bump()")
    else:
        for statement in SQLITE:
            op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[5]}")
    op.drop_table('content_version')
