"""people, sessions, audit log, outbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.database

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=True),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_event_patient', ['patient_id', 'at'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization'))
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending', ['sent_at', 'claimed_at'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('preferred_language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('contact_by_email', sa.Boolean(), nullable=False),
    sa.Column('contact_by_sms', sa.Boolean(), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('password_changed_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_email'), ['email'], unique=True)

    op.create_table('signin_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_failure'))
    )
    with op.batch_alter_table('signin_failure', schema=None) as batch_op:
        batch_op.create_index('ix_signin_failure_account', ['account_key', 'at'], unique=False)
        batch_op.create_index('ix_signin_failure_address', ['address', 'at'], unique=False)

    op.create_table('caregiver_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('caregiver_id', sa.Uuid(), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=False),
    sa.Column('relationship', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('scopes', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('expires_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['caregiver_id'], ['person.id'], name=op.f('fk_caregiver_grant_caregiver_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['person.id'], name=op.f('fk_caregiver_grant_patient_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caregiver_grant')),
    sa.UniqueConstraint('caregiver_id', 'patient_id', name=op.f('uq_caregiver_grant_caregiver_id'))
    )
    with op.batch_alter_table('caregiver_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caregiver_grant_caregiver_id'), ['caregiver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_caregiver_grant_patient_id'), ['patient_id'], unique=False)

    op.create_table('caseload_entry',
    sa.Column('coordinator_id', sa.Uuid(), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=False),
    sa.Column('added_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['person.id'], name=op.f('fk_caseload_entry_coordinator_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['person.id'], name=op.f('fk_caseload_entry_patient_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coordinator_id', 'patient_id', name=op.f('pk_caseload_entry'))
    )
    with op.batch_alter_table('caseload_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caseload_entry_patient_id'), ['patient_id'], unique=False)

    op.create_table('email_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['person.id'], name=op.f('fk_email_token_created_by_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_email_token_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_token_token_hash'))
    )
    with op.batch_alter_table('email_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_token_person_id'), ['person_id'], unique=False)

    op.create_table('oidc_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('linked_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_oidc_identity_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_identity')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_oidc_identity_issuer'))
    )
    with op.batch_alter_table('oidc_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_identity_person_id'), ['person_id'], unique=False)

    op.create_table('organization_member',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_organization_member_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_organization_member_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'person_id', name=op.f('pk_organization_member'))
    )
    with op.batch_alter_table('organization_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_member_person_id'), ['person_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', portal.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_recovery_code_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_person_id'), ['person_id'], unique=False)

    op.create_table('role_grant',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_role_grant_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'role', name=op.f('pk_role_grant'))
    )
    op.create_table('web_session',
    sa.Column('id_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', portal.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('authenticated', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['person.id'], name=op.f('fk_web_session_user_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_web_session'))
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_user_id'), ['user_id'], unique=False)


    _make_audit_log_append_only()

def downgrade() -> None:
    _drop_audit_log_guards()
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_user_id'))

    op.drop_table('web_session')
    op.drop_table('role_grant')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_person_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('organization_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_member_person_id'))

    op.drop_table('organization_member')
    with op.batch_alter_table('oidc_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_identity_person_id'))

    op.drop_table('oidc_identity')
    with op.batch_alter_table('email_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_token_person_id'))

    op.drop_table('email_token')
    with op.batch_alter_table('caseload_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseload_entry_patient_id'))

    op.drop_table('caseload_entry')
    with op.batch_alter_table('caregiver_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caregiver_grant_patient_id'))
        batch_op.drop_index(batch_op.f('ix_caregiver_grant_caregiver_id'))

    op.drop_table('caregiver_grant')
    with op.batch_alter_table('signin_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_signin_failure_address')
        batch_op.drop_index('ix_signin_failure_account')

    op.drop_table('signin_failure')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_email'))

    op.drop_table('person')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')

    op.drop_table('outbox_message')
    op.drop_table('organization')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_patient')
        batch_op.drop_index('ix_audit_event_at')
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')


def _make_audit_log_append_only() -> None:
    """The database itself refuses to change or delete an audit event."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )


def _drop_audit_log_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
