"""written notices: the customer's language and its contacts by role; the outbox and its attachments

A customer's contact person and e-mail address become its first contact, with every role, so the notices it
received by hand keep reaching that address; the contact person's column goes (contacts replace it). The customer's
e-mail and phone stay, as the organisation's general address. A contact person without a usable address is kept in
the customer's notes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00.000000
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# dcops.notices.smtp.CONTACT_ADDRESS as this migration was written: what a contact's address must look like.
ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)

customer = sa.table(
    "customer",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("email", sa.String),
    sa.column("phone", sa.String),
    sa.column("contact_name", sa.String),
    sa.column("notes", sa.Text),
)
contact = sa.table(
    "customer_contact",
    sa.column("id", sa.Integer),
    sa.column("customer_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("email", sa.String),
    sa.column("phone", sa.String),
    sa.column("billing", sa.Boolean),
    sa.column("technical", sa.Boolean),
    sa.column("access", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), server_default="nl", nullable=False))
        batch_op.create_check_constraint("language_known", "language IN ('nl', 'en')")

    op.create_table(
        "customer_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("billing", sa.Boolean(), nullable=False),
        sa.Column("technical", sa.Boolean(), nullable=False),
        sa.Column("access", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("billing OR technical OR access", name=op.f("ck_customer_contact_has_a_role")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_contact_customer_id_customer"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_contact")),
        sa.UniqueConstraint("customer_id", "email", name=op.f("uq_customer_contact_customer_id_email")),
    )
    with op.batch_alter_table("customer_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_contact_customer_id"), ["customer_id"], unique=False)

    _contacts_from_customers()
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("contact_name")

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("related_type", sa.String(length=40), nullable=True),
        sa.Column("related_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sender", sa.String(length=254), nullable=True),
        sa.Column("server_reply", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_outbox_message_customer_id_customer"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_message_id")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_outbox_message_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_attachment_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachment")),
    )
    with op.batch_alter_table("outbox_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_attachment_message_id"), ["message_id"], unique=False)


def _contacts_from_customers() -> None:
    """Each customer's contact person and address as a contact with every role; a contact person without an
    address a message can go to stays in the customer's notes."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(customer.c.id, customer.c.name, customer.c.email, customer.c.phone,
                                  customer.c.contact_name, customer.c.notes)).all()  # fmt: skip
    now = sa.func.now() if conn.dialect.name == "postgresql" else sa.func.datetime("now")
    for r in rows:
        email = (r.email or "").strip()
        if ADDRESS.match(email):
            values = {
                "customer_id": r.id,
                "name": (r.contact_name or r.name).strip()[:200],
                "email": email,
                "phone": r.phone,
                "billing": True,
                "technical": True,
                "access": True,
                "created_at": now,
            }
            conn.execute(contact.insert().values(**values))
        elif r.contact_name:
            kept = f"Contact person: {r.contact_name}" + (f" ({email})" if email else "")
            notes = f"{r.notes}\n{kept}" if r.notes else kept
            conn.execute(customer.update().where(customer.c.id == r.id).values(notes=notes))


def downgrade() -> None:
    with op.batch_alter_table("outbox_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attachment_message_id"))
    op.drop_table("outbox_attachment")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.drop_index(batch_op.f("ix_outbox_message_customer_id"))
    op.drop_table("outbox_message")

    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
    # The first contact's name becomes the contact person again.
    first = (
        sa.select(contact.c.name)
        .where(contact.c.customer_id == customer.c.id)
        .order_by(contact.c.id)
        .limit(1)
        .scalar_subquery()
    )
    op.get_bind().execute(customer.update().values(contact_name=first))

    with op.batch_alter_table("customer_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_contact_customer_id"))
    op.drop_table("customer_contact")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_customer_language_known"), type_="check")
        batch_op.drop_column("language")
