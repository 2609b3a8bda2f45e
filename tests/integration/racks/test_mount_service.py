"""Mount, move and unmount through the one service, on each database."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dcops.audit import AuditEvent
from dcops.errors import Conflict, ValidationFailed
from dcops.racks import service
from dcops.racks.models import Face, HardwareStatus, RackKind, RackUnit
from dcops.racks.schemas import HardwareIn, MountIn, UnmountIn
from dcops.terms import Denied
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory

TODAY = date(2026, 6, 1)


def units_of(db, hw):
    return sorted((u.unit, u.face.value) for u in db.scalars(select(RackUnit).where(RackUnit.hardware_id == hw.id)))


def test_mount_books_units_on_both_faces_for_full_depth(db):
    rack = RackFactory()
    hw = HardwareFactory(u_height=2)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=10), "tom")
    assert units_of(db, hw) == [(10, "front"), (10, "rear"), (11, "front"), (11, "rear")]
    assert hw.status is HardwareStatus.installed and hw.rack_id == rack.id


def test_half_depth_devices_share_a_unit_front_and_rear(db):
    rack = RackFactory()
    front = HardwareFactory(full_depth=False)
    rear = HardwareFactory(full_depth=False)
    service.mount(db, front, MountIn(rack_id=rack.id, position=5, face=Face.front), "tom")
    service.mount(db, rear, MountIn(rack_id=rack.id, position=5, face=Face.rear), "tom")
    assert units_of(db, front) == [(5, "front")] and units_of(db, rear) == [(5, "rear")]


def test_overlap_is_refused_naming_the_occupant_and_nothing_changes(db):
    rack = RackFactory()
    first = HardwareFactory(name="db-01", u_height=2)
    service.mount(db, first, MountIn(rack_id=rack.id, position=10), "tom")
    second = HardwareFactory(u_height=3)
    with pytest.raises(Conflict) as exc:
        service.mount(db, second, MountIn(rack_id=rack.id, position=9), "tom")
    assert "U10–U11 taken by db-01" in str(exc.value)
    assert units_of(db, second) == [] and second.rack_id is None
    assert second.status is HardwareStatus.planned


def test_out_of_range_and_over_height_are_refused(db):
    rack = RackFactory(u_height=42)
    hw = HardwareFactory(u_height=4)
    with pytest.raises(ValidationFailed) as exc:
        service.mount(db, hw, MountIn(rack_id=rack.id, position=40), "tom")
    assert "would reach U43" in exc.value.errors["position"]
    with pytest.raises(ValidationFailed):
        service.mount(db, hw, MountIn(rack_id=rack.id, position=45), "tom")
    with pytest.raises(ValidationFailed) as exc:
        service.mount(db, hw, MountIn(rack_id=999999, position=1), "tom")
    assert "rack_id" in exc.value.errors


def test_move_within_a_rack_may_overlap_its_own_units(db):
    rack = RackFactory()
    hw = HardwareFactory(u_height=3, contract=None)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=10), "tom")
    service.move(db, hw, MountIn(rack_id=rack.id, position=11), "tom")
    assert [u for u, f in units_of(db, hw) if f == "front"] == [11, 12, 13]


def test_move_between_racks_releases_the_old_units(db):
    a, b = RackFactory(), RackFactory()
    hw = HardwareFactory(contract=None)
    service.mount(db, hw, MountIn(rack_id=a.id, position=1), "tom")
    service.move(db, hw, MountIn(rack_id=b.id, position=7, face=Face.rear), "tom")
    assert hw.rack_id == b.id and hw.position == 7 and hw.face is Face.rear
    assert db.scalar(select(RackUnit).where(RackUnit.rack_id == a.id)) is None


def test_a_refused_move_leaves_the_hardware_where_it_was(db):
    rack = RackFactory()
    blocker = HardwareFactory()
    service.mount(db, blocker, MountIn(rack_id=rack.id, position=20), "tom")
    hw = HardwareFactory(contract=None)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=1), "tom")
    with pytest.raises(Conflict):
        service.move(db, hw, MountIn(rack_id=rack.id, position=20), "tom")
    db.expire_all()
    assert hw.position == 1 and units_of(db, hw) == [(1, "front"), (1, "rear")]


def test_unmount_frees_units_and_sets_status(db):
    rack = RackFactory()
    hw = HardwareFactory(contract=None)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=3), "tom")
    service.unmount(db, hw, UnmountIn(status=HardwareStatus.removed), "tom")
    assert units_of(db, hw) == [] and hw.rack_id is None and hw.status is HardwareStatus.removed
    with pytest.raises(Conflict):
        service.unmount(db, hw, UnmountIn(), "tom")


def test_mount_twice_and_move_unmounted_are_refused(db):
    rack = RackFactory()
    hw = HardwareFactory()
    with pytest.raises(Conflict):
        service.move(db, hw, MountIn(rack_id=rack.id, position=1), "tom")
    service.mount(db, hw, MountIn(rack_id=rack.id, position=1), "tom")
    with pytest.raises(Conflict):
        service.mount(db, hw, MountIn(rack_id=rack.id, position=5), "tom")


def test_private_rack_takes_only_its_customers_hardware(db):
    mine, theirs = CustomerFactory(), CustomerFactory()
    rack = RackFactory(kind=RackKind.private, customer=mine)
    ok = HardwareFactory(contract=ContractFactory(customer=mine))
    service.mount(db, ok, MountIn(rack_id=rack.id, position=1), "tom")
    other = HardwareFactory(contract=ContractFactory(customer=theirs))
    with pytest.raises(Denied) as exc:
        service.mount(db, other, MountIn(rack_id=rack.id, position=5), "tom")
    (reason,) = exc.value.verdict.reasons
    assert (reason.rule, reason.article) == ("K1", "12.2")  # the refusal names its rule and both customers
    assert theirs.name in reason.message and mine.name in reason.message


def test_create_and_mount_is_one_transaction(db):
    rack = RackFactory()
    blocker = HardwareFactory()
    service.mount(db, blocker, MountIn(rack_id=rack.id, position=1), "tom")
    with pytest.raises(Conflict):
        service.create_hardware(
            db, HardwareIn(name="new", asset_tag="NEW-1"), "tom", MountIn(rack_id=rack.id, position=1)
        )
    from dcops.racks.models import Hardware

    assert db.scalar(select(Hardware).where(Hardware.asset_tag == "NEW-1")) is None


def test_growing_mounted_hardware_must_still_fit(db):
    rack = RackFactory()
    hw = HardwareFactory(u_height=1)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=10), "tom")
    above = HardwareFactory()
    service.mount(db, above, MountIn(rack_id=rack.id, position=11), "tom")
    data = HardwareIn(name=hw.name, asset_tag=hw.asset_tag, u_height=2, contract_id=hw.contract_id)
    with pytest.raises(Conflict):
        service.update_hardware(db, hw, data, "tom")
    db.expire_all()
    assert hw.u_height == 1


def test_every_placement_is_audited_with_before_and_after(db):
    rack = RackFactory()
    hw = HardwareFactory(contract=None)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=3), "tom")
    service.move(db, hw, MountIn(rack_id=rack.id, position=4), "tom")
    service.unmount(db, hw, UnmountIn(), "tom")
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "hardware", AuditEvent.object_id == str(hw.id))
        .order_by(AuditEvent.seq)
    ).all()
    assert [e.action for e in events] == ["mount", "move", "unmount"]
    assert events[1].data["before"]["position"] == 3 and events[1].data["after"]["position"] == 4
    assert all(e.actor == "tom" for e in events)


def test_the_database_key_refuses_a_double_booking_the_checks_missed(db):
    """What guards against a race: even with the friendly check bypassed, the primary key says no."""
    rack = RackFactory()
    hw = HardwareFactory()
    service.mount(db, hw, MountIn(rack_id=rack.id, position=8), "tom")
    other = HardwareFactory()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(RackUnit(rack_id=rack.id, unit=8, face=Face.front, hardware_id=other.id))
        db.flush()


def test_k8_colocation_hardware_moves_or_leaves_only_with_a_recorded_basis(db):
    """K8, Art. 12.7: the plain move and unmount refuse the customer's colocation hardware; a relocation order (or
    the one-step supplier action or customer request built on it) passes its basis and is audited with it."""
    rack = RackFactory()
    hw = HardwareFactory()
    service.mount(db, hw, MountIn(rack_id=rack.id, position=10), "tom", TODAY)
    for act in (
        lambda: service.move(db, hw, MountIn(rack_id=rack.id, position=20), "tom"),
        lambda: service.unmount(db, hw, UnmountIn(status=HardwareStatus.removed), "tom"),
    ):
        with pytest.raises(Denied) as refused:
            act()
        assert [(r.rule, r.article) for r in refused.value.verdict.reasons] == [("K8", "12.7")]
    assert hw.position == 10 and hw.status is HardwareStatus.installed
    service.move(db, hw, MountIn(rack_id=rack.id, position=20), "tom", basis="relocation #1 (supplier action)")
    assert hw.position == 20
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "move").order_by(AuditEvent.seq.desc())).first()
    assert event.data["basis"] == "relocation #1 (supplier action)"


def test_k9_remounting_hardware_installed_before_is_no_new_installation(db):
    """K9: the policy is checked at a first installation only; the first mount records its day and the intake."""
    customer = CustomerFactory(insured=False)
    rack = RackFactory()
    hw = HardwareFactory(contract=ContractFactory(customer=customer), first_installed_on=TODAY)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=3), "tom", TODAY)  # no policy, but not new
    new = HardwareFactory(contract=ContractFactory(customer=customer))
    with pytest.raises(Denied) as refused:
        service.mount(db, new, MountIn(rack_id=rack.id, position=10), "tom", TODAY)
    assert {r.rule for r in refused.value.verdict.reasons} == {"K9"} and refused.value.follow_up is not None
    supplier_kit = HardwareFactory(contract=None)
    service.mount(db, supplier_kit, MountIn(rack_id=rack.id, position=20, intake_state="rails fitted"), "tom", TODAY)
    assert supplier_kit.first_installed_on == TODAY and supplier_kit.intake_state == "rails fitted"
