"""Migration 0014 gives customers a language (Dutch for those there were) and contacts by role: each customer's
contact person and e-mail address become a contact with every role, a contact person without a usable address stays
in the notes, and the contact person's column goes; the outbox tables are new. It downgrades (the first contact's
name becomes the contact person again) and upgrades again. On SQLite and PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from dcops import migrate
from tests.conftest import _database_urls, _label, fresh_database

CUSTOMER = (
    "INSERT INTO customer (id, name, kind, kvk_number, country, email, phone, contact_name, notes, created_at) "
    "VALUES (:id, :name, 'business', :kvk, 'NL', :email, :phone, :contact, :notes, '2026-11-30 10:00:00+00:00')"
)


@pytest.fixture(params=_database_urls(), ids=_label)
def at_0012(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        migrate.upgrade(url, revision="0013")  # 0014 follows the maintenance tables
        yield url


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0014_turns_the_contact_person_into_a_contact_with_every_role_and_downgrades(at_0012):
    engine = create_engine(at_0012)
    rows = [
        {"id": 1, "name": "Hollandse Hosting B.V.", "kvk": "12345678", "email": "ops@hh.example",
         "phone": "+31 24 123 4567", "contact": "Pieter Smit", "notes": None},
        {"id": 2, "name": "Maasland B.V.", "kvk": "23456789", "email": "it@maasland.example", "phone": None,
         "contact": None, "notes": None},
        {"id": 3, "name": "Zonder Adres B.V.", "kvk": "34567890", "email": None, "phone": None,
         "contact": "Eva Mulder", "notes": "Pays on time"},
        {"id": 4, "name": "Leeg B.V.", "kvk": "45678901", "email": None, "phone": None, "contact": None,
         "notes": None},
    ]  # fmt: skip
    with engine.begin() as conn:
        for row in rows:
            conn.execute(text(CUSTOMER), row)
    migrate.upgrade(at_0012, revision="0014")
    assert {"customer_contact", "outbox_message", "outbox_attachment"} <= _tables(at_0012)
    with engine.begin() as conn:
        contacts = conn.execute(
            text("SELECT customer_id, name, email, phone, billing, technical, access FROM customer_contact ORDER BY id")
        ).all()
        assert [tuple(c) for c in contacts] == [
            (1, "Pieter Smit", "ops@hh.example", "+31 24 123 4567", True, True, True),
            (
                2,
                "Maasland B.V.",
                "it@maasland.example",
                None,
                True,
                True,
                True,
            ),  # no contact person: the customer's name
        ]
        customers = conn.execute(text("SELECT id, language, notes FROM customer ORDER BY id")).all()
        assert [tuple(c) for c in customers] == [
            (1, "nl", None),
            (2, "nl", None),
            (3, "nl", "Pays on time\nContact person: Eva Mulder"),  # nobody to write to: kept in the notes
            (4, "nl", None),
        ]
        columns = {c["name"] for c in inspect(conn).get_columns("customer")}
        assert "contact_name" not in columns and "language" in columns
    engine.dispose()

    command.downgrade(migrate.alembic_config(at_0012), "0013")
    assert not {"customer_contact", "outbox_message", "outbox_attachment"} & _tables(at_0012)
    engine = create_engine(at_0012)
    with engine.begin() as conn:
        back = conn.execute(text("SELECT id, contact_name, email FROM customer ORDER BY id")).all()
        assert [tuple(c) for c in back] == [
            (1, "Pieter Smit", "ops@hh.example"),
            (2, "Maasland B.V.", "it@maasland.example"),
            (3, None, None),
            (4, None, None),
        ]
    engine.dispose()
    migrate.upgrade(at_0012)
    assert "customer_contact" in _tables(at_0012)
