"""Two people book at the same moment: the database decides, not luck. Needs real row locking between
connections, so these run against PostgreSQL only, with committed data they clean up after themselves."""

from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from dcops.audit import AuditEvent
from dcops.db import make_sessionmaker
from dcops.errors import Conflict
from dcops.racks import service
from dcops.racks.models import Hardware, Rack, RackUnit, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn
from tests.races import race

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def committed(engine):
    """A committed rack with devices race-a/race-b, removed again afterwards (audit tail included)."""
    maker = make_sessionmaker(engine)
    with maker() as s:
        first_event = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
        site = service.create_site(s, SiteIn(code="RACE", name="Race site"), "test")
        room = service.create_room(s, RoomIn(site_id=site.id, code="R", name="Race room"), "test")
        rack = service.create_rack(s, RackIn(room_id=room.id, name="RACE-01"), "test")
        a = service.create_hardware(s, HardwareIn(name="race-a", asset_tag="RACE-A"), "test")
        b = service.create_hardware(s, HardwareIn(name="race-b", asset_tag="RACE-B"), "test")
        s.commit()
        ids = SimpleNamespace(maker=maker, rack=rack.id, a=a.id, b=b.id)
        room_id, site_id = room.id, site.id
    yield ids
    with maker() as s:
        s.execute(delete(RackUnit).where(RackUnit.rack_id == ids.rack))
        s.execute(delete(Hardware).where(Hardware.id.in_([ids.a, ids.b])))
        s.execute(delete(Rack).where(Rack.id == ids.rack))
        s.execute(delete(Room).where(Room.id == room_id))
        s.execute(delete(Site).where(Site.id == site_id))
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= first_event))
        s.commit()


def test_concurrent_double_booking_fails_on_the_unique_key(committed):
    sa, sb = committed.maker(), committed.maker()
    # B's friendly check sees U10 free (A has not committed); its insert then waits on A's row.
    result = race(
        lambda: service.mount(sa, sa.get(Hardware, committed.a), MountIn(rack_id=committed.rack, position=10), "al"),
        lambda: service.mount(sb, sb.get(Hardware, committed.b), MountIn(rack_id=committed.rack, position=10), "bo"),
        sa.commit,
        sb,
    )
    assert isinstance(result, Conflict)
    sa.close(), sb.close()
    with committed.maker() as s:
        assert set(s.scalars(select(RackUnit.hardware_id).where(RackUnit.rack_id == committed.rack))) == {committed.a}
        assert s.get(Hardware, committed.b).rack_id is None


def test_two_people_placing_the_same_device_at_once_cannot_both_succeed(committed):
    """The second waits for the first, then sees the device is mounted, instead of undoing that booking."""
    sa, sb = committed.maker(), committed.maker()
    b_view = sb.get(Hardware, committed.a)  # B has read the device as unmounted before A books it
    result = race(
        lambda: service.mount(sa, sa.get(Hardware, committed.a), MountIn(rack_id=committed.rack, position=10), "al"),
        lambda: service.mount(sb, b_view, MountIn(rack_id=committed.rack, position=20), "bo"),
        sa.commit,
        sb,
    )
    assert isinstance(result, Conflict) and "already mounted" in str(result)
    sa.close(), sb.close()
    with committed.maker() as s:
        assert sorted(s.scalars(select(RackUnit.unit).where(RackUnit.hardware_id == committed.a))) == [10, 10]
        assert s.get(Hardware, committed.a).position == 10


def test_appenders_on_many_connections_keep_one_chain(engine):
    """Four connections append at once: the advisory lock taken at commit serialises them into one valid chain."""
    import threading

    from dcops import audit

    maker = make_sessionmaker(engine)
    with maker() as s:
        first = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
    barrier = threading.Barrier(4)

    def append(n: int) -> None:
        with maker() as s:
            for i in range(25):
                audit.record(s, actor=f"worker-{n}", action="race", object_type="site", object_id=i)
                if i == 0:
                    barrier.wait()
                s.commit()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with maker() as s:
        seqs = s.scalars(select(AuditEvent.seq).where(AuditEvent.seq >= first).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(first, first + 100))
        assert audit.verify(s).ok
