"""The room view (dcops.racks.room_view): a fixed, small number of statements whatever the room holds, the
same facts as the rack elevation, and every change shown at the next view (rendered racks are memoised by
their rows, so these tests view the room before each change and again after it)."""

import re
from datetime import timedelta

from dcops import clock
from dcops.auth.models import Role
from dcops.cabling import service as cabling
from dcops.cabling.models import PortKind
from dcops.cabling.schemas import CableIn, PortIn
from dcops.racks import service
from dcops.racks.schemas import MountIn, UnmountIn
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    InvoiceFactory,
    RackFactory,
    RoomFactory,
)


def mounted(rack, position, **kw):
    hw = HardwareFactory(**kw)
    service.mount(HardwareFactory._meta.sqlalchemy_session, hw, MountIn(rack_id=rack.id, position=position), "t")
    return hw


def rack_html(page: str, name: str) -> str:
    """The figure of one rack in the room view."""
    match = re.search(rf'<figure class="card elevation-card">.*?>{re.escape(name)}</a>.*?</figure>', page, re.S)
    assert match, f"rack {name} not on the page"
    return match.group(0)


def device_html(page: str, hw) -> str:  # type: ignore[no-untyped-def]
    match = re.search(rf'<a class="d [^"]*"[^>]*href="/hardware/{hw.id}".*?</a>', page, re.S)
    assert match, f"{hw.name} not on the page"
    return match.group(0)


def test_the_room_view_reads_three_statements_whatever_the_room_holds(login, db, count_statements):
    c = login(Role.technician)

    def statements_for(racks: int) -> int:
        room = RoomFactory()
        for i in range(racks):
            rack = RackFactory(room=room)
            mounted(rack, 1 + i % 3, contract=ContractFactory(), u_height=2)
            mounted(rack, 20, contract=None)
        path = f"/rooms/{room.id}"
        db.expire_all()
        counter = count_statements()
        r = c.get(path)
        assert r.status_code == 200 and r.text.count('<div class="ru"') == racks
        # The signed-in user (one statement), the room with its racks, the devices with their marks.
        return len(counter.work)

    assert statements_for(3) == statements_for(12) <= 3


def test_each_device_is_one_element_and_each_run_of_free_units_one(login, db):
    c = login(Role.technician)
    customer = CustomerFactory(name="Zeeland Zorg B.V.")
    room = RoomFactory()
    rack = RackFactory(room=room, name="E01", u_height=10)
    mounted(rack, 3, name="zz-db-01", u_height=2, contract=ContractFactory(customer=customer, service="colocation"))
    mounted(rack, 8, name="ded-01", contract=ContractFactory(customer=customer, service="dedicated"))
    html = rack_html(c.get(f"/rooms/{room.id}").text, "E01")
    assert html.count('class="d ') == 2 and html.count('class="f ') == 3  # U9–U10, U5–U7, U1–U2
    assert "U9–U10 free" in html and "U5–U7 free" in html and "U1–U2 free" in html
    assert f"/racks/{rack.id}/mount?position=5&amp;face=front" in html  # mount from the lowest free unit
    assert "Zeeland Zorg B.V. · customer (K1)" in html  # 2U: owner and ownership, as on the rack page
    assert "zz-db-01 (" in html and "U3–U4" in html
    assert "ded-01" in html and "Zeeland Zorg B.V. · supplier (D1)" in html
    usage = service.rack_usage(db, rack_ids=[rack.id])[0]  # the same figures as the sites page
    assert f"{usage.used_u}/10 U · {usage.draw_w} W" in html and usage.used_u == 3
    security = login(Role.security).get(f"/rooms/{room.id}").text
    assert "mount here" not in security and "U5–U7 free" in security


def test_half_depth_hardware_shows_on_its_own_face_only(login, db):
    c = login(Role.technician)
    room = RoomFactory()
    rack = RackFactory(room=room, name="H01", u_height=10)
    hw = HardwareFactory(name="half-01", full_depth=False)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=4, face="rear"), "t")
    assert "half-01" not in rack_html(c.get(f"/rooms/{room.id}").text, "H01")
    rear = rack_html(c.get(f"/rooms/{room.id}", params={"face": "rear"}).text, "H01")
    assert "half-01" in rear and "face=rear" in rear


def test_a_mount_a_move_and_an_unmount_show_at_the_next_view(login, db):
    c = login(Role.technician)
    room = RoomFactory()
    a, b = RackFactory(room=room, name="A01"), RackFactory(room=room, name="B01")
    hw = HardwareFactory(name="srv-moving", contract=None, u_height=2)
    page = c.get(f"/rooms/{room.id}").text
    assert "srv-moving" not in page and "U1–U42 free" in rack_html(page, "A01")

    service.mount(db, hw, MountIn(rack_id=a.id, position=10), "t")
    page = c.get(f"/rooms/{room.id}").text
    assert "srv-moving" in rack_html(page, "A01") and "U10–U11" in rack_html(page, "A01")
    assert "2/42 U" in rack_html(page, "A01")

    service.move(db, hw, MountIn(rack_id=b.id, position=30), "t")
    page = c.get(f"/rooms/{room.id}").text
    assert "srv-moving" not in rack_html(page, "A01") and "U1–U42 free" in rack_html(page, "A01")
    assert "srv-moving" in rack_html(page, "B01") and "U30–U31" in rack_html(page, "B01")

    service.unmount(db, hw, UnmountIn(status="planned"), "t")
    page = c.get(f"/rooms/{room.id}").text
    assert "srv-moving" not in page and "U1–U42 free" in rack_html(page, "B01")


def test_a_cable_shows_at_the_next_view(login, db):
    c = login(Role.technician)
    room = RoomFactory()
    rack = RackFactory(room=room)
    a, b = mounted(rack, 1, contract=None), mounted(rack, 2, contract=None)
    assert "cable" not in device_html(c.get(f"/rooms/{room.id}").text, a)
    ports = [cabling.create_port(db, PortIn(hardware_id=h.id, name="eth0", kind=PortKind.copper), "t") for h in (a, b)]
    cabling.create_cable(db, CableIn(a_port_id=ports[0].id, b_port_id=ports[1].id, type="cat6a"), "t")
    page = c.get(f"/rooms/{room.id}").text
    assert "1 cable" in device_html(page, a) and "1⇄" in device_html(page, b)


def test_a_pending_move_shows_at_the_next_view_and_goes_when_cancelled(api, login, db):
    c = login(Role.technician)
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer, customer_maintains_hardware=False)
    room = RoomFactory()
    rack = RackFactory(room=room)
    hw = mounted(rack, 5, contract=contract)
    assert "MOVE" not in device_html(c.get(f"/rooms/{room.id}").text, hw)
    body = {
        "customer_id": customer.id,
        "kind": "supplier_action",
        "action": "switch_off",
        "reason": "Cooling work",
        "emergency": True,
        "emergency_reason": "Overheating PSU",
        "items": [{"hardware_id": hw.id}],
    }
    r = api(Role.account_manager).post("/api/relocations", json=body)
    assert r.status_code == 201, r.text
    shown = device_html(c.get(f"/rooms/{room.id}").text, hw)
    assert '<b class="move">MOVE</b>' in shown and "a move is planned" in shown
    assert api(Role.account_manager).post(f"/api/relocations/{r.json()['id']}/cancel").status_code == 200
    assert "MOVE" not in device_html(c.get(f"/rooms/{room.id}").text, hw)


def test_a_lien_in_force_shows_at_the_next_view(api, login, db, count_statements):
    c = login(Role.technician)
    contract = ContractFactory()
    room = RoomFactory()
    hw = mounted(RackFactory(room=room), 1, contract=contract)
    assert "LIEN" not in device_html(c.get(f"/rooms/{room.id}").text, hw)
    InvoiceFactory(contract=contract, issue_date=clock.today() - timedelta(days=30), amount_cents=500_00)
    r = api(Role.account_manager).post("/api/liens", json={"customer_id": contract.customer_id, "note": "unpaid"})
    assert r.status_code == 201, r.text
    counter = count_statements()
    shown = device_html(c.get(f"/rooms/{room.id}").text, hw)
    assert '<b class="lien">LIEN</b>' in shown and "rule K10" in shown
    # Only customers in the room with an open lien cost more statements: their standing decides (K10).
    assert len(counter.work) <= 10


def test_a_large_room_is_sent_in_pieces_as_it_renders(app, login, db, monkeypatch):
    """The page streams (dcops.web.streamed): no length known in advance, several body messages, the whole page.
    Called as the server calls the app: the test client would join the pieces before a test sees them."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from dcops.web import streamed

    monkeypatch.setattr(streamed, "PIECE", 2048)  # the test room is small: pieces of 2 kB show it
    room = RoomFactory()
    racks = [RackFactory(room=room, name=f"S{i:02d}") for i in range(6)]
    for rack in racks:
        mounted(rack, 10, name=f"dev-{rack.name}")
    client = login(Role.technician)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    path = f"/rooms/{room.id}"
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "state": {},
        "headers": [(b"host", b"testserver.local"), (b"cookie", cookie.encode()), (b"accept-language", b"en")],
        "client": ("127.0.0.1", 50000), "server": ("testserver.local", 80),
    }  # fmt: skip
    sent: list[dict] = []

    async def run() -> None:
        done, asked = asyncio.Event(), []

        async def receive() -> dict:  # as uvicorn: the request, then a disconnect once the response is complete
            if not asked:
                asked.append(True)
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(scope, receive, send)

    # In a thread of its own: an earlier test on this worker may have left its thread marked as running a loop,
    # where asyncio.run refuses to start (seen once in CI, on PostgreSQL).
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    start, bodies = sent[0], [m["body"] for m in sent[1:] if m["body"]]
    assert start["status"] == 200 and b"content-length" not in dict(start["headers"])
    page = b"".join(bodies).decode()
    assert len(bodies) > 2 and page.rstrip().endswith("</html>")
    assert all(f"dev-{rack.name}" in page for rack in racks)


def test_pieces_are_whole_and_in_order():
    from dcops.web.streamed import PIECE, _grouped

    parts = ["a" * 1000] * 200 + ["é"]
    chunks = list(_grouped(parts, "utf-8"))
    assert b"".join(chunks).decode() == "".join(parts)
    assert all(len(c) >= PIECE for c in chunks[:-1]) and len(chunks) == -(-200_000 // PIECE)
