"""On-demand benchmarks (make bench): room view as racks grow, and mount/move throughput. Prints medians;
asserts only behaviour (statement counts), never time."""

import statistics
import time

from dcops.auth.models import Role
from dcops.racks import service
from dcops.racks.schemas import MountIn
from tests.factories import ContractFactory, HardwareFactory, RackFactory, RoomFactory

RUNS = 30


def _fill_room(racks: int, per_rack: int):
    room = RoomFactory()
    contract = ContractFactory()
    db = RoomFactory._meta.sqlalchemy_session
    for _ in range(racks):
        rack = RackFactory(room=room)
        for i in range(per_rack):
            hw = HardwareFactory(contract=contract, u_height=2)
            service.mount(db, hw, MountIn(rack_id=rack.id, position=1 + 2 * i), "bench")
    return room


def test_room_view_scales_with_racks_not_statements(login, db, count_statements):
    c = login(Role.technician)
    rows = []
    for racks in (12, 48):
        room = _fill_room(racks, 15)
        db.expire_all()
        counter = count_statements()
        c.get(f"/rooms/{room.id}")
        statements = counter.count
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            assert c.get(f"/rooms/{room.id}").status_code == 200
            times.append(time.perf_counter() - t)
        rows.append((racks, racks * 15, statements, statistics.median(times) * 1000))
    print("\nroom view (SQLite, in-process client, median of", RUNS, "):")
    for racks, devices, statements, ms in rows:
        print(f"  {racks:3d} racks, {devices:4d} devices: {statements} statements, {ms:7.1f} ms")
    print(f"  ratio 48/12 racks: {rows[1][3] / rows[0][3]:.2f}x time, statements equal: {rows[0][2] == rows[1][2]}")
    assert rows[0][2] == rows[1][2]


def test_mount_move_unmount_throughput(db):
    rack = RackFactory(u_height=42)
    devices = [HardwareFactory() for _ in range(40)]
    times = []
    for hw in devices:
        t = time.perf_counter()
        service.mount(db, hw, MountIn(rack_id=rack.id, position=1 + devices.index(hw)), "bench")
        times.append(time.perf_counter() - t)
    moves = []
    for hw in devices[:20]:
        t = time.perf_counter()
        service.move(db, hw, MountIn(rack_id=rack.id, position=hw.position, face=hw.face), "bench")
        moves.append(time.perf_counter() - t)
    print(
        f"\nmount: median {statistics.median(times) * 1000:.2f} ms ({1 / statistics.median(times):.0f}/s); "
        f"move: median {statistics.median(moves) * 1000:.2f} ms (SQLite, audited, one savepoint each)"
    )
