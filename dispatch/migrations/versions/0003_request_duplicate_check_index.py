"""request: an index for the duplicate check at intake

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 07:30:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_request_duplicate_check",
        "request",
        ["contact_phone", "village_code", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_request_duplicate_check", table_name="request")
