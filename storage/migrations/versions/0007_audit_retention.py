"""audit that minimises; retention settings; anonymised participants

Revision ID: 0007_audit_retention
Revises: 0005_minute_writers
Create Date: 2026-11-24 10:00:00

The audit log kept a full copy of every changed row in `before`/`after`, free text included,
for ever. It now keeps `changes`: {field: [before, after]} for coded fields and {field: null}
for free text (storage/audit.py). Existing rows are converted here and the old columns dropped,
so no free text stays behind in the log. The classification is copied, not imported, so this
migration keeps doing what it did when storage/audit.py changes.

Downgrading brings back empty `before`/`after` columns: the dropped copies are gone for good,
which is the point of the change.
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007_audit_retention'
down_revision: str | Sequence[str] | None = '0005_minute_writers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODED_TEXT = {
    'participant': {
        'code', 'status', 'gender', 'income_source_start', 'income_source_exit',
        'referring_party', 'not_accepted_reason', 'exit_reason', 'exit_destination',
    },
    'placement': {'placement_type', 'sector'},
    'progression_step': {'step'},
    'staff': {'role', 'aad_object_id', 'county_parts'},
}
# The old documents hold dates as ISO text; these columns are dates, not free text.
DATES = {
    'participant': {
        'referral_date', 'decision_date', 'enrolment_date', 'extended_until', 'exit_date',
    },
    'placement': {'start_date', 'planned_end_date', 'end_date', 'first_employer_contact_date'},
    'placement_note': {'note_date'},
    'progression_step': {'step_date'},
}
BOOKKEEPING = {'id', 'created_at', 'updated_at'}
BATCH = 500


def _coded(entity, name, value):
    if name in CODED_TEXT.get(entity, ()) or name in DATES.get(entity, ()):
        return True
    return not isinstance(value, str)


def _document(text):
    """An old before/after document, or {} when it is missing or not JSON."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def minimised(entity, before_text, after_text):
    """(changes, details) as storage/audit.py writes them, from the old full copies."""
    before, after = _document(before_text), _document(after_text)
    if not before and not after:
        return None, None
    changes, empty_before = {}, []
    for name in sorted(set(before) | set(after)):
        if name in BOOKKEEPING:
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if _coded(entity, name, old) and _coded(entity, name, new):
            changes[name] = [old, new]
        else:
            changes[name] = None
            if old in (None, ''):
                empty_before.append(name)
    details = {'empty_before': empty_before} if empty_before else None
    return (
        json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else None,
        json.dumps(details, sort_keys=True) if details else None,
    )


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('participant_code', sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column('changes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('details', sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_audit_log_participant_code'), ['participant_code'], unique=False
        )

    bind = op.get_bind()
    log = sa.table(
        'audit_log', sa.column('id', sa.Integer), sa.column('entity', sa.String),
        sa.column('participant_id', sa.Integer), sa.column('participant_code', sa.String),
        sa.column('before', sa.Text), sa.column('after', sa.Text),
        sa.column('changes', sa.Text), sa.column('details', sa.Text),
    )
    participant = sa.table('participant', sa.column('id', sa.Integer),
                           sa.column('code', sa.String))
    bind.execute(
        log.update().values(
            participant_code=sa.select(participant.c.code)
            .where(participant.c.id == log.c.participant_id)
            .scalar_subquery()
        )
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(log.c.id, log.c.entity, log.c.before, log.c.after)
            .where(log.c.id > last)
            .order_by(log.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        values = []
        for row in rows:
            changes, details = minimised(row.entity, row.before, row.after)
            if changes or details:
                values.append({'row_id': row.id, 'changes': changes, 'details': details})
        if values:
            bind.execute(
                log.update()
                .where(log.c.id == sa.bindparam('row_id'))
                .values(changes=sa.bindparam('changes'), details=sa.bindparam('details')),
                values,
            )

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('before')
        batch_op.drop_column('after')

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('anonymised_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('retention')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('before', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('after', sa.Text(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_audit_log_participant_code'))
        batch_op.drop_column('details')
        batch_op.drop_column('changes')
        batch_op.drop_column('participant_code')
