"""request: whether the dispatcher confirmed a duplicate (only then is it left unplanned)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 12:00:00

Intake only flags a likely duplicate (same village and phone within a day); it is planned
like any other request until a dispatcher confirms it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("request") as batch:
        batch.add_column(
            sa.Column(
                "duplicate_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("request") as batch:
        batch.drop_column("duplicate_confirmed")
