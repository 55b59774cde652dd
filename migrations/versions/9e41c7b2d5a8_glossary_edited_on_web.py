"""glossary edited on the web: remember it, so a later import of course folders keeps it

Revision ID: 9e41c7b2d5a8
Revises: 58badc0f89bb
Create Date: 2026-12-03 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

import elearn.models.base


# revision identifiers, used by Alembic.
revision = '9e41c7b2d5a8'
down_revision = '58badc0f89bb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('glossary_file', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('edited_on_web_at', elearn.models.base.UTCDateTime(), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('glossary_file', schema=None) as batch_op:
        batch_op.drop_column('edited_on_web_at')
