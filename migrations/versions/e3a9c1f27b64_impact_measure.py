"""impact measure: financial well-being and literacy answers (consent-gated), the invitation's
"not now", and the consent kind for them

Revision ID: e3a9c1f27b64
Revises: 9e1d4c7b2a60
Create Date: 2026-12-03 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import elearn.models.base


# revision identifiers, used by Alembic.
revision = 'e3a9c1f27b64'
down_revision = '9e1d4c7b2a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('impact_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('scale_version', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('wording_version', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('age_band', sa.String(length=5), nullable=False),
    sa.Column('occasion', sa.String(length=12), nullable=False),
    sa.Column('item_values', sa.JSON(), nullable=False),
    sa.Column('raw_total', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('literacy_answers', sa.JSON(), nullable=False),
    sa.Column('interest_correct', sa.Boolean(), nullable=False),
    sa.Column('inflation_correct', sa.Boolean(), nullable=False),
    sa.Column('diversification_correct', sa.Boolean(), nullable=False),
    sa.Column('created_at', elearn.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("age_band IN ('18-61', '62+')", name=op.f('ck_impact_response_age_band_known')),
    sa.CheckConstraint("mode IN ('self', 'read_to_me')", name=op.f('ck_impact_response_mode_known')),
    sa.CheckConstraint("occasion IN ('first_use', 'course', 'consultation', 'again')", name=op.f('ck_impact_response_occasion_known')),
    sa.CheckConstraint('raw_total BETWEEN 0 AND 40', name=op.f('ck_impact_response_raw_total_range')),
    sa.CheckConstraint("scale_version IN ('cfpb-fwb-10')", name=op.f('ck_impact_response_scale_version_known')),
    sa.CheckConstraint('score BETWEEN 0 AND 100', name=op.f('ck_impact_response_score_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_impact_response_organization_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_impact_response_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_response'))
    )
    with op.batch_alter_table('impact_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_response_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_impact_response_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('impact_prompt',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('snoozed_until', elearn.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_impact_prompt_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_impact_prompt'))
    )
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consent_record_kind_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_consent_record_kind_known'),
            "kind IN ('progress_sharing', 'target_groups', 'resources_special', 'impact_measure')",
        )


def downgrade():
    op.execute("DELETE FROM consent_record WHERE kind = 'impact_measure'")
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consent_record_kind_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_consent_record_kind_known'),
            "kind IN ('progress_sharing', 'target_groups', 'resources_special')",
        )
    op.drop_table('impact_prompt')
    with op.batch_alter_table('impact_response', schema=None) as batch_op:
        batch_op.drop_index('ix_impact_response_user_created')
        batch_op.drop_index(batch_op.f('ix_impact_response_organization_id'))
    op.drop_table('impact_response')
