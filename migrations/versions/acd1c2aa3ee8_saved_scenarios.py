"""saved scenarios

Revision ID: acd1c2aa3ee8
Revises: 2a72bd18272b
Create Date: 2026-11-25 12:11:08.322007

"""
from alembic import op
import sqlalchemy as sa

import elearn.models.base  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'acd1c2aa3ee8'
down_revision = '2a72bd18272b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('simulator', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('created_at', elearn.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("simulator IN ('loan', 'savings', 'savings-goal', 'budget', 'debt', 'loan-compare', 'loan-early-repayment')", name=op.f('ck_saved_scenario_simulator_known')),
    sa.CheckConstraint('length(name) >= 1', name=op.f('ck_saved_scenario_name_not_empty')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_saved_scenario_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_scenario')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_scenario_user_id_name'))
    )
    with op.batch_alter_table('saved_scenario', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_scenario_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('saved_scenario', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_scenario_user_id'))

    op.drop_table('saved_scenario')
