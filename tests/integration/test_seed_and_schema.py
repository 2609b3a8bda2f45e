"""The demo seed loads idempotently; the migrations produce exactly the models' schema."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from dcops import audit
from dcops.access.models import Visit, VisitPass
from dcops.documents import DocumentStore
from dcops.models import metadata
from dcops.racks.models import Hardware, HardwareStatus
from dcops.seed import load
from tests.conftest import keyring_for

DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo.yaml"


def _row_counts(db):
    return {t.name: db.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}


def test_demo_seed_loads_and_a_second_load_changes_nothing(db, settings):
    store, keys = DocumentStore(), keyring_for(settings, db)
    made = load(db, DEMO, store, keys=keys)
    assert made["sites"] == 1 and made["rooms"] == 2 and made["racks"] >= 12 and made["hardware"] >= 60
    assert made["users"] == 4 and made["customers"] >= 5
    installed = db.scalar(select(func.count()).select_from(Hardware).where(Hardware.status == HardwareStatus.installed))
    assert installed >= 60
    counts = _row_counts(db)
    again = load(db, DEMO, store, keys=keys)
    assert set(again.values()) == {0}
    assert _row_counts(db) == counts
    assert audit.verify(db).ok
    decided = db.execute(select(Visit.id, Visit.created_at, Visit.decided_at).where(Visit.decided_at.is_not(None)))
    assert [v.id for v in decided if v.decided_at <= v.created_at] == []  # every visit asked for before decided
    first = select(func.min(VisitPass.id)).group_by(VisitPass.visit_id)
    passes = db.execute(
        select(VisitPass.id, Visit.decided_at, VisitPass.issued_at).join(Visit).where(VisitPass.id.in_(first))
    )
    assert [p.id for p in passes if p.issued_at != p.decided_at] == []  # a visit's passes are issued as it is approved


def test_migrations_match_the_models(connection):
    diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    assert diff == []


def test_the_demo_inventory_comes_in_through_the_netbox_import_s_bulk_path(db, settings):
    """Hardware, ports and cables of the demo go through dcops.interop.netbox (one audit event per kind, not one
    per object), with dcops' own facts as its custom fields: power draw, the planned rack (K2), the day of first
    installation (K9), a patch panel's pass-throughs and the customer's cable in its private rack (A3)."""
    from datetime import timedelta

    from dcops import clock
    from dcops.audit import AuditEvent
    from dcops.cabling.models import Cable, Port

    load(db, DEMO, DocumentStore(), keys=keyring_for(settings, db))
    imports = db.execute(
        select(AuditEvent.object_type, AuditEvent.actor).where(AuditEvent.action == "import")
    ).all()  # fmt: skip
    assert {("hardware", "seed"), ("port", "seed"), ("cable", "seed")} <= set(imports)
    per_object = select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "hardware")
    assert not db.scalar(per_object.where(AuditEvent.action == "create"))
    planned = db.scalars(select(Hardware).where(Hardware.asset_tag == "GRV-0070")).one()
    assert planned.rack_id is None and planned.planned_rack.name == "B03" and planned.power_draw_w == 350
    switch = db.scalars(select(Hardware).where(Hardware.asset_tag == "GRV-0001")).one()
    assert switch.first_installed_on == clock.today() - timedelta(days=200) and switch.model == "Arista 7050SX3-48YC8"
    panel = {p.name: p for p in db.scalars(select(Port).join(Hardware).where(Hardware.asset_tag == "GRV-0002"))}
    assert panel["p1"].pass_through_id == panel["p1-R"].id and panel["p1-R"].pass_through_id == panel["p1"].id
    own = db.scalars(select(Cable).where(Cable.label == "CBL-DEMO-08")).one()
    assert own.installed_by.value == "customer" and own.customer.name == "Hollandse Hosting B.V."
    assert own.installer_name == "Pieter Smit" and own.route.value == "in_rack"
