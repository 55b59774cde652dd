"""consultation requests carry the simulator numbers the worker asked about

Revision ID: 9e1d4c7b2a60
Revises: 9e41c7b2d5a8
Create Date: 2026-12-03 12:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e1d4c7b2a60'
down_revision = '9e41c7b2d5a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context_inputs', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('consultation_request', schema=None) as batch_op:
        batch_op.drop_column('context_inputs')
