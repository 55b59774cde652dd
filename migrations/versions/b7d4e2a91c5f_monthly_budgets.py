"""monthly budgets: a month on saved budget scenarios, one per month

Revision ID: b7d4e2a91c5f
Revises: 5d1c0e9a7b42
Create Date: 2026-12-03 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d4e2a91c5f'
down_revision = "5d1c0e9a7b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('saved_scenario', schema=None) as batch_op:
        batch_op.add_column(sa.Column('month', sa.String(length=7), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_saved_scenario_user_id_month'), ['user_id', 'month']
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_saved_scenario_month_only_for_budgets'),
            "month IS NULL OR (simulator = 'budget' AND length(month) = 7)",
        )


def downgrade():
    with op.batch_alter_table('saved_scenario', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_saved_scenario_month_only_for_budgets'), type_='check'
        )
        batch_op.drop_constraint(
            batch_op.f('uq_saved_scenario_user_id_month'), type_='unique'
        )
        batch_op.drop_column('month')
