"""Migration 0006 gives existing rows the meaning the terms now have: breaches get the contract they occurred under
where it can be derived (S5), open liens of customers with nothing due end (K10), hand-backs of orders the customer
carried out were vacated by the customer (A6), hardware mounted before was installed then (K9), and a written
permission recorded as a K4 agreement is kept as a note only. On SQLite and PostgreSQL."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from dcops import migrate
from tests.conftest import _database_urls, _label, fresh_database

TODAY = date.today()


@pytest.fixture(params=_database_urls(), ids=_label)
def old_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[str, Engine]]:
    """A fresh database at revision 0005, the schema before the terms were read anew."""
    with fresh_database(request.param, tmp_path) as url:
        migrate.upgrade(url, revision="0005")
        engine = create_engine(url)
        yield url, engine
        engine.dispose()


ROWS = """
INSERT INTO user_account (id, username, display_name, role, password_hash, active, created_at)
  VALUES (1, 'anna', 'Anna', 'account_manager', 'x', :t, :now);
INSERT INTO customer (id, name, kind, kvk_number, created_at) VALUES
  (1, 'One B.V.', 'business', '11111111', :now), (2, 'Two B.V.', 'business', '22222222', :now);
INSERT INTO contract (id, number, customer_id, service, customer_maintains_hardware, start_date, payment_term_days,
  status) VALUES (1, 'K-1', 1, 'colocation', :t, '2025-01-01', 14, 'active'),
  (2, 'K-2', 2, 'colocation', :t, '2025-01-01', 14, 'active'),
  (3, 'K-3', 2, 'dedicated', :f, '2025-01-01', 14, 'active');
INSERT INTO site (id, code, name, timezone) VALUES (1, 'S', 'Site', 'Europe/Amsterdam');
INSERT INTO room (id, site_id, code, name) VALUES (1, 1, 'R', 'Room');
INSERT INTO rack (id, room_id, name, u_height, kind, power_budget_w, status)
  VALUES (1, 1, 'A1', 42, 'shared', 0, 'active');
INSERT INTO hardware (id, name, asset_tag, u_height, full_depth, rack_id, position, face, power_draw_w, status,
  contract_id) VALUES (1, 'srv-1', 'T-1', 1, :t, 1, 1, 'front', 0, 'installed', 2),
  (2, 'srv-2', 'T-2', 1, :t, NULL, NULL, NULL, 0, 'planned', 1);
INSERT INTO invoice (id, number, customer_id, contract_id, issue_date, due_date, amount_cents, currency, created_at)
  VALUES (1, 'F-1', 1, 1, :old, :old_due, 10000, 'EUR', :now), (2, 'F-2', 2, 2, :old, :old_due, 10000, 'EUR', :now);
INSERT INTO payment (id, invoice_id, paid_on, amount_cents, recorded_by, created_at)
  VALUES (1, 1, :old_due, 10000, 'anna', :now);
INSERT INTO lien (id, customer_id, placed_on, placed_by, grounds, created_at)
  VALUES (1, 1, :old, 'anna', 'S2', :now), (2, 2, :old, 'anna', 'S2', :now);
INSERT INTO breach (id, customer_id, article, occurred_on, description, recorded_by, created_at)
  VALUES (1, 1, '13.4', :old, 'only contract', 'anna', :now), (2, 2, '12.4', :old, 'K5 order', 'anna', :now),
  (3, 2, '13.6', :old, 'cannot tell', 'anna', :now);
INSERT INTO written_permission (id, customer_id, kind, covers, valid_from, valid_until, granted_by_id, channel,
  reference, created_at) VALUES (1, 2, 'room_change', 'a PDU', :old, :old_due, 1, 'email', 'ref', :now);
INSERT INTO relocation (id, customer_id, kind, action, reason, emergency, status, other_site_allowed,
  customer_executes, agreement_permission_id, breach_id, created_by, created_at)
  VALUES (1, 2, 'colocation_move', 'move', 'asked to move', :f, 'done', :f, :t, 1, 2, 'anna', :now);
INSERT INTO relocation_item (id, relocation_id, hardware_id, from_rack_id, from_position, from_face)
  VALUES (1, 1, 1, 1, 5, 'front');
INSERT INTO hand_back (id, rack_id, units, customer_id, relocation_id, vacated_on) VALUES (1, 1, 'U5', 2, 1, :old);
INSERT INTO audit_event (seq, at, actor, action, object_type, object_id, data, prev_hash, hash)
  VALUES (1, :mounted, 'tom', 'mount', 'hardware', '1', '{}', 'x', 'h1');
"""


def test_0006_derives_what_the_old_rows_mean_now(old_database):
    url, engine = old_database
    old = TODAY - timedelta(days=60)
    params = {
        "t": True,
        "f": False,
        "now": "2026-01-01 00:00:00",
        "old": old,
        "old_due": old + timedelta(days=14),
        "mounted": "2025-06-01 10:00:00",
    }
    with engine.begin() as conn:
        for statement in filter(str.strip, ROWS.split(";")):
            conn.execute(text(statement), params)
    migrate.upgrade(url)
    with engine.connect() as conn:
        breaches = dict(conn.execute(text("SELECT id, contract_id FROM breach")).all())
        assert breaches == {1: 1, 2: 2, 3: None}  # only contract; the K5 order's hardware; two contracts: unknown
        liens = {r.id: (r.released_by, r.release_note) for r in conn.execute(text("SELECT * FROM lien"))}
        assert liens[1][0] == "dcops" and "rule K10" in liens[1][1]  # everything due was paid
        assert liens[2] == (None, None)  # F-2 is due and unpaid: the lien stays
        hand_back = conn.execute(text("SELECT vacated_by, cause, contract_id FROM hand_back")).one()
        assert tuple(hand_back) == ("customer", "move", 2)
        installed = dict(conn.execute(text("SELECT id, first_installed_on FROM hardware")).all())
        assert str(installed[1])[:10] == "2025-06-01" and installed[2] is None
        note = conn.execute(text("SELECT agreement_note FROM relocation")).scalar_one()
        assert "written permission #1" in note and "not the customer's written agreement" in note
        assert conn.execute(text("SELECT country FROM customer WHERE id = 1")).scalar_one() == "NL"
        assert conn.execute(text("SELECT purpose_kind FROM visit")).all() == []
