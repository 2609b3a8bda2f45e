"""On-demand benchmarks (make bench): room view as racks grow, and mount/move throughput. Prints medians;
asserts only behaviour (statement counts), never time."""

import hashlib
import statistics
import time

from sqlalchemy import text

from dcops import audit
from dcops.auth.models import Role
from dcops.db import utcnow
from dcops.racks import service
from dcops.racks.models import HardwareStatus
from dcops.racks.schemas import MountIn, UnmountIn
from dcops.terms import Service
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


# The reference books the same units with plain SQL: the unit rows, the hardware row, one event row.
_REF_UNIT = text("INSERT INTO rack_unit (rack_id, unit, face, hardware_id) VALUES (:r, :u, 'front', :h)")
_REF_PLACE = text("UPDATE hardware SET rack_id = :r, position = :u, face = 'front', status = 'installed' WHERE id = :h")
_REF_EVENT = text(
    "INSERT INTO audit_event (seq, at, actor, action, object_type, object_id, data, prev_hash, hash) "
    "VALUES (:seq, :at, 'bench', 'mount', 'hardware', :h, '{}', :prev, :hash)"
)


def test_mount_move_unmount_throughput(db):
    dedicated = ContractFactory(service=Service.dedicated)  # moved without an order (K8 is for colocation)
    rack = RackFactory(u_height=42)
    devices = [HardwareFactory(contract=dedicated) for _ in range(20)]
    spare = RackFactory(u_height=42)
    plain = [HardwareFactory(contract=dedicated) for _ in range(20)]
    db.flush()
    times, moves, unmounts, reference = [], [], [], []
    for n, hw in enumerate(devices):
        t = time.perf_counter()
        service.mount(db, hw, MountIn(rack_id=rack.id, position=1 + n), "bench")
        times.append(time.perf_counter() - t)
    audit.append_pending(db)
    for n, hw in enumerate(devices):
        t = time.perf_counter()
        service.move(db, hw, MountIn(rack_id=spare.id, position=1 + n), "bench")
        moves.append(time.perf_counter() - t)
    audit.append_pending(db)
    for hw in devices:
        t = time.perf_counter()
        service.unmount(db, hw, UnmountIn(status=HardwareStatus.planned), "bench")
        unmounts.append(time.perf_counter() - t)
    audit.append_pending(db)
    conn = db.connection()
    seq = conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM audit_event")).scalar_one()
    for n, hw in enumerate(plain):
        t = time.perf_counter()
        params = {"r": rack.id, "u": 1 + n, "h": hw.id}
        conn.execute(_REF_UNIT, params)
        conn.execute(_REF_PLACE, params)
        digest = hashlib.sha256(f"{seq + n}".encode()).hexdigest()
        conn.execute(_REF_EVENT, {**params, "seq": seq + n + 1, "at": utcnow(), "prev": "0" * 64, "hash": digest})
        reference.append(time.perf_counter() - t)
    mount_ms, ref_ms = statistics.median(times) * 1000, statistics.median(reference) * 1000
    move_ms, unmount_ms = statistics.median(moves) * 1000, statistics.median(unmounts) * 1000
    print(f"\nservice in-process on {db.get_bind().dialect.name}, audited, medians of {len(devices)}:")
    print(f"  mount {mount_ms:.2f} ms, move {move_ms:.2f} ms, unmount {unmount_ms:.2f} ms")
    print(f"  reference mount in plain SQL {ref_ms:.2f} ms; ratio mount/reference {mount_ms / ref_ms:.2f}x")
