"""driver_link: the driver (a user with role driver) chosen for the car at publishing

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00

Nullable: links published before this revision, and cars published without a driver, have
none; the A4 sheet then prints "Sopir —" as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("driver_link") as batch:
        batch.add_column(sa.Column("driver_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_driver_link_driver_id_user"), "user", ["driver_id"], ["id"]
        )
        batch.create_index(batch.f("ix_driver_link_driver_id"), ["driver_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("driver_link") as batch:
        batch.drop_index(batch.f("ix_driver_link_driver_id"))
        batch.drop_constraint(batch.f("fk_driver_link_driver_id_user"), type_="foreignkey")
        batch.drop_column("driver_id")
