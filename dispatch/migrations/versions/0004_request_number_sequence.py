"""request_number: the sequence that numbers reference codes on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 08:00:00

SQLite has no sequences; there the `counter` table keeps the day's number.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE request_number")
        # A day already numbered by its `ref:` counter goes on after its last number: its
        # base lies that far below the sequence's first value.
        op.execute(
            "INSERT INTO counter (key, value) "
            "SELECT 'base:' || substr(key, 5), -value FROM counter WHERE key LIKE 'ref:%'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Each day's `ref:` counter goes on after the day's last number.
        op.execute(
            "INSERT INTO counter (key, value) "
            "SELECT 'ref:' || substring(reference from '-(\\d{8})-\\d+$'), "
            "max(substring(reference from '(\\d+)$')::int) FROM request GROUP BY 1 "
            "ON CONFLICT (key) DO UPDATE SET value = greatest(counter.value, excluded.value)"
        )
        op.execute("DELETE FROM counter WHERE key LIKE 'base:%'")
        op.execute("DROP SEQUENCE request_number")
