"""Two people book the same units at the same moment: the database decides, not luck."""

import threading
import time

import pytest
from sqlalchemy import delete, func, select

from dcops.audit import AuditEvent
from dcops.db import make_sessionmaker
from dcops.errors import Conflict
from dcops.racks import service
from dcops.racks.models import Hardware, Rack, RackUnit, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn


@pytest.mark.postgres_only
def test_concurrent_double_booking_fails_on_the_unique_key(engine):
    maker = make_sessionmaker(engine)
    with maker() as s:
        first_event = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
        site = service.create_site(s, SiteIn(code="RACE", name="Race site"), "test")
        room = service.create_room(s, RoomIn(site_id=site.id, code="R", name="Race room"), "test")
        rack = service.create_rack(s, RackIn(room_id=room.id, name="RACE-01"), "test")
        a = service.create_hardware(s, HardwareIn(name="race-a", asset_tag="RACE-A"), "test")
        b = service.create_hardware(s, HardwareIn(name="race-b", asset_tag="RACE-B"), "test")
        s.commit()
        ids = (rack.id, a.id, b.id, room.id, site.id)
    rack_id, a_id, b_id, room_id, site_id = ids
    try:
        sa, sb = maker(), maker()
        # A books U10 and holds its transaction open.
        service.mount(sa, sa.get(Hardware, a_id), MountIn(rack_id=rack_id, position=10), "alice")
        outcome: dict[str, object] = {}

        def book_b() -> None:
            try:
                # B's friendly check sees U10 free (A has not committed), then its insert waits on A's row.
                service.mount(sb, sb.get(Hardware, b_id), MountIn(rack_id=rack_id, position=10), "bob")
                sb.commit()
                outcome["b"] = "booked"
            except Conflict as exc:
                sb.rollback()
                outcome["b"] = exc

        t = threading.Thread(target=book_b)
        t.start()
        time.sleep(0.5)
        assert t.is_alive(), "B should be waiting on A's uncommitted booking"
        sa.commit()
        t.join(10)
        assert isinstance(outcome["b"], Conflict), outcome
        sa.close(), sb.close()
        with maker() as s:
            owners = set(s.scalars(select(RackUnit.hardware_id).where(RackUnit.rack_id == rack_id)))
            assert owners == {a_id}
            assert s.get(Hardware, b_id).rack_id is None
    finally:
        with maker() as s:
            s.execute(delete(RackUnit).where(RackUnit.rack_id == rack_id))
            s.execute(delete(Hardware).where(Hardware.id.in_([a_id, b_id])))
            s.execute(delete(Rack).where(Rack.id == rack_id))
            s.execute(delete(Room).where(Room.id == room_id))
            s.execute(delete(Site).where(Site.id == site_id))
            s.execute(delete(AuditEvent).where(AuditEvent.seq >= first_event))
            s.commit()


@pytest.mark.postgres_only
def test_two_people_placing_the_same_device_at_once_cannot_both_succeed(engine):
    """The second waits for the first, then sees the device is mounted, instead of undoing that booking."""
    maker = make_sessionmaker(engine)
    with maker() as s:
        first_event = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
        site = service.create_site(s, SiteIn(code="RACE2", name="Race site 2"), "test")
        room = service.create_room(s, RoomIn(site_id=site.id, code="R", name="Race room"), "test")
        rack = service.create_rack(s, RackIn(room_id=room.id, name="RACE-02"), "test")
        hw = service.create_hardware(s, HardwareIn(name="race-c", asset_tag="RACE-C"), "test")
        s.commit()
        rack_id, hw_id, room_id, site_id = rack.id, hw.id, room.id, site.id
    try:
        sa, sb = maker(), maker()
        sb_hw = sb.get(Hardware, hw_id)  # B has read the device as unmounted before A books it
        service.mount(sa, sa.get(Hardware, hw_id), MountIn(rack_id=rack_id, position=10), "alice")
        outcome: dict[str, object] = {}

        def book_b() -> None:
            try:
                service.mount(sb, sb_hw, MountIn(rack_id=rack_id, position=20), "bob")
                sb.commit()
                outcome["b"] = "booked"
            except Conflict as exc:
                sb.rollback()
                outcome["b"] = exc

        t = threading.Thread(target=book_b)
        t.start()
        time.sleep(0.5)
        assert t.is_alive(), "B should wait on A's lock of the device"
        sa.commit()
        t.join(10)
        assert isinstance(outcome["b"], Conflict) and "already mounted" in str(outcome["b"])
        sa.close(), sb.close()
        with maker() as s:
            assert sorted(s.scalars(select(RackUnit.unit).where(RackUnit.hardware_id == hw_id))) == [10, 10]
            assert s.get(Hardware, hw_id).position == 10
    finally:
        with maker() as s:
            s.execute(delete(RackUnit).where(RackUnit.rack_id == rack_id))
            s.execute(delete(Hardware).where(Hardware.id == hw_id))
            s.execute(delete(Rack).where(Rack.id == rack_id))
            s.execute(delete(Room).where(Room.id == room_id))
            s.execute(delete(Site).where(Site.id == site_id))
            s.execute(delete(AuditEvent).where(AuditEvent.seq >= first_event))
            s.commit()
