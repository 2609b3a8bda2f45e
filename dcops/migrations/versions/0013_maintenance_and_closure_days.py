"""maintenance (R4): planned and emergency maintenance, its listed hardware, affected customers and notices; the
supplier's closure days (Art. 1.14)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closure_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("announced_on <= day", name=op.f("ck_closure_day_announced_in_advance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closure_day")),
        sa.UniqueConstraint("day", name=op.f("uq_closure_day_day")),
    )
    op.create_table(
        "maintenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("rack_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("impact", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("emergency_reason", sa.Text(), nullable=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("announced_by", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(scope = 'site' AND site_id IS NOT NULL) OR (scope = 'room' AND room_id IS NOT NULL)"
            " OR (scope = 'rack' AND rack_id IS NOT NULL) OR scope = 'hardware'",
            name=op.f("ck_maintenance_scope_named"),
        ),
        sa.CheckConstraint(
            "NOT emergency OR emergency_reason IS NOT NULL", name=op.f("ck_maintenance_emergency_has_reason")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_maintenance_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["rack_id"], ["rack.id"], name=op.f("fk_maintenance_rack_id_rack"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_maintenance_room_id_room"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_maintenance_site_id_site"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance")),
    )
    with op.batch_alter_table("maintenance", schema=None) as batch_op:
        for column in ("ends_at", "rack_id", "room_id", "site_id", "starts_at", "status"):
            batch_op.create_index(batch_op.f(f"ix_maintenance_{column}"), [column], unique=False)

    op.create_table(
        "maintenance_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("maintenance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("customer_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["maintenance_id"],
            ["maintenance.id"],
            name=op.f("fk_maintenance_change_maintenance_id_maintenance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_change")),
    )
    with op.batch_alter_table("maintenance_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maintenance_change_maintenance_id"), ["maintenance_id"], unique=False)

    op.create_table(
        "maintenance_customer",
        sa.Column("maintenance_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("hardware", sa.JSON(), nullable=False),
        sa.Column("racks", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_maintenance_customer_customer_id_customer"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["maintenance_id"],
            ["maintenance.id"],
            name=op.f("fk_maintenance_customer_maintenance_id_maintenance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("maintenance_id", "customer_id", name=op.f("pk_maintenance_customer")),
    )
    op.create_table(
        "maintenance_hardware",
        sa.Column("maintenance_id", sa.Integer(), nullable=False),
        sa.Column("hardware_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hardware_id"],
            ["hardware.id"],
            name=op.f("fk_maintenance_hardware_hardware_id_hardware"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["maintenance_id"],
            ["maintenance.id"],
            name=op.f("fk_maintenance_hardware_maintenance_id_maintenance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("maintenance_id", "hardware_id", name=op.f("pk_maintenance_hardware")),
    )
    with op.batch_alter_table("maintenance_hardware", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maintenance_hardware_hardware_id"), ["hardware_id"], unique=False)


def downgrade() -> None:
    op.drop_table("maintenance_hardware")
    op.drop_table("maintenance_customer")
    op.drop_table("maintenance_change")
    op.drop_table("maintenance")
    op.drop_table("closure_day")
