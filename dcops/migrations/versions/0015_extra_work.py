"""extra work (M1/M2): work orders with their hardware, estimate, written acceptance and time logged; the hourly rate
agreed with a customer; invoice lines, one of which is a work order's charge

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_rate",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("rate_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate_cents > 0", name=op.f("ck_customer_rate_rate_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_rate_customer_id_customer"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_rate")),
    )
    op.create_table(
        "work_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("necessity", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("requested_via", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("rate_cents", sa.BigInteger(), nullable=True),
        sa.Column("rate_source", sa.String(length=32), nullable=True),
        sa.Column("estimate_cents", sa.BigInteger(), nullable=True),
        sa.Column("estimate_note", sa.Text(), nullable=True),
        sa.Column("estimated_on", sa.Date(), nullable=True),
        sa.Column("estimated_by", sa.String(length=100), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("accepted_via", sa.String(length=32), nullable=True),
        sa.Column("accepted_reference", sa.String(length=300), nullable=True),
        sa.Column("accepted_cents", sa.BigInteger(), nullable=True),
        sa.Column("acceptance_recorded_by", sa.String(length=100), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(length=100), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_by", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'necessary' OR necessity IS NOT NULL", name=op.f("ck_work_order_necessary_has_reason")
        ),
        sa.CheckConstraint(
            "estimate_minutes IS NULL OR estimate_minutes > 0", name=op.f("ck_work_order_estimate_positive")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_work_order_contract_id_contract"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_work_order_customer_id_customer"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order")),
    )
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_order_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_order_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_order_status"), ["status"], unique=False)

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_invoice_line_amount_positive")),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_invoice_line_minutes_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoice.id"], name=op.f("fk_invoice_line_invoice_id_invoice"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_order.id"],
            name=op.f("fk_invoice_line_work_order_id_work_order"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
        sa.UniqueConstraint("work_order_id", name=op.f("uq_invoice_line_work_order_id")),
    )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_line_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "time_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("technician", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_time_entry_minutes_positive")),
        sa.CheckConstraint(
            "started_at IS NULL OR ended_at IS NULL OR ended_at > started_at",
            name=op.f("ck_time_entry_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_order.id"],
            name=op.f("fk_time_entry_work_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entry")),
    )
    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_entry_work_order_id"), ["work_order_id"], unique=False)

    op.create_table(
        "work_order_hardware",
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("hardware_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hardware_id"],
            ["hardware.id"],
            name=op.f("fk_work_order_hardware_hardware_id_hardware"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_order.id"],
            name=op.f("fk_work_order_hardware_work_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("work_order_id", "hardware_id", name=op.f("pk_work_order_hardware")),
    )
    with op.batch_alter_table("work_order_hardware", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_order_hardware_hardware_id"), ["hardware_id"], unique=False)


def downgrade() -> None:
    op.drop_table("work_order_hardware")
    op.drop_table("time_entry")
    op.drop_table("invoice_line")
    op.drop_table("work_order")
    op.drop_table("customer_rate")
