"""user_session: the security stamp and second step of each login

Each session row keeps the person's security stamp at login (roles, organizations, active
status, password, second factor, generation) and whether the login passed the second step;
the user loader refuses a session whose stamp no longer matches. Rows from before this
revision have an empty stamp, so everybody logs in again once after the upgrade.

Revision ID: 5e55a0f1c0de
Revises: b7d4e2a91c5f
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e55a0f1c0de'
down_revision = 'b7d4e2a91c5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('security_stamp', sa.String(length=64), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column('second_factor', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('second_factor')
        batch_op.drop_column('security_stamp')
