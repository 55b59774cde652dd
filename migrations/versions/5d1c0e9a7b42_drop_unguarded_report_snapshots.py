"""drop report snapshots computed before every figure went through the privacy guard

Snapshots written by older versions hold exact small counts; the new code never reads them (their
key lacks the format prefix), and they must not stay at rest either. They are a cache: the next
page view or `elearn reports refresh` recomputes them.

Revision ID: 5d1c0e9a7b42
Revises: 7db49f4dafdb
Create Date: 2026-12-03 09:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "5d1c0e9a7b42"
down_revision = "7db49f4dafdb"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM report_snapshot WHERE key NOT LIKE 'guarded-1|%'")


def downgrade():
    # Older code reads keys without the prefix: nothing to undo, it recomputes its own.
    pass
