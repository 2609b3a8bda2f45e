"""door checks decided offline by the door screen: offline flag, the screen's id for the scan, feed and receipt times

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("door_check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offline", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("feed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ux_door_check_client_id", ["client_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("door_check", schema=None) as batch_op:
        batch_op.drop_index("ux_door_check_client_id")
        batch_op.drop_column("received_at")
        batch_op.drop_column("feed_at")
        batch_op.drop_column("client_id")
        batch_op.drop_column("offline")
