"""Days on the hand-written forms and filters are typed in the reader's order (a browser's date picker shows its
own locale's, not the reader's): the relocation steps, the visits filter and the compliance overview read
"30-11-2026" from a Dutch reader, "30/11/2026" from an English one and ISO from anyone, and say what they want
when a day cannot be read, never a 400 or 500."""

from datetime import timedelta

from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.moves.models import Relocation
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory

TODAY = clock.today()


def _order(db, desk):  # type: ignore[no-untyped-def]
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer, customer_maintains_hardware=False)
    room = RoomFactory()
    a, b = RackFactory(room=room), RackFactory(room=room)
    hw = HardwareFactory(contract=contract, u_height=1)
    mount(db, hw, MountIn(rack_id=a.id, position=5), "t")
    r = desk.form(
        "/relocations/new",
        {
            "customer_id": customer.id,
            "kind": "colocation_move",
            "action": "move",
            "reason": "rebuild",
            "hardware_id": hw.id,
            "target_rack_id": b.id,
            "target_position": 7,
            "target_face": "front",
        },
    )
    assert r.status_code == 200
    return int(r.url.path.rsplit("/", 1)[1])


def test_a_relocation_step_reads_the_day_as_the_reader_types_it(login, db):
    desk = login(Role.account_manager)
    order_id = _order(db, desk)
    page = desk.get(f"/relocations/{order_id}").text
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    assert f'value="{TODAY:%d/%m/%Y}"' in page  # the consultation's day, as an English reader writes it
    typed = TODAY - timedelta(days=1)
    r = desk.form(
        f"/relocations/{order_id}/consult",
        {"consulted_on": f"{typed:%d/%m/%Y}", "consulted_with": "Eva", "outcome": "Agreed"},
    )
    assert r.status_code == 200
    assert db.scalars(select(Relocation).where(Relocation.id == order_id)).one().consulted_on == typed
    # A day that cannot be read: the form again, with what was typed and what is wanted
    r = desk.form(f"/relocations/{order_id}/schedule", {"planned_on": "31/02/2026"})
    assert r.status_code == 422 and "Must be a date like 30/11/2026" in r.text and 'value="31/02/2026"' in r.text


def test_a_dutch_reader_types_the_day_the_dutch_way(login, db):
    desk = login(Role.account_manager)
    desk.headers["Accept-Language"] = "nl"
    order_id = _order(db, desk)
    page = desk.get(f"/relocations/{order_id}").text
    assert 'placeholder="dd-mm-jjjj"' in page and f'value="{TODAY:%d-%m-%Y}"' in page
    r = desk.form(
        f"/relocations/{order_id}/consult",
        {"consulted_on": f"{TODAY:%d-%m-%Y}", "consulted_with": "Eva", "outcome": "Akkoord"},
    )
    assert r.status_code == 200, r.text
    assert db.scalars(select(Relocation).where(Relocation.id == order_id)).one().consulted_on == TODAY
    r = desk.form(f"/relocations/{order_id}/schedule", {"planned_on": "morgen"})
    assert r.status_code == 422 and "Vul een datum in zoals 30-11-2026" in r.text


def test_the_visits_filter_and_the_compliance_overview_read_a_typed_day(login):
    desk = login(Role.account_manager)
    day = TODAY + timedelta(days=3)
    page = desk.get(f"/compliance?on={day:%d/%m/%Y}")
    assert page.status_code == 200 and f'value="{day:%d/%m/%Y}"' in page.text and "field-error" not in page.text
    assert desk.get(f"/compliance?on={day.isoformat()}").status_code == 200
    bad = desk.get("/compliance?on=yesterday")
    assert bad.status_code == 200 and "Must be a date like 30/11/2026" in bad.text and 'value="yesterday"' in bad.text
    visits = desk.get(f"/visits?on={day:%d/%m/%Y}")
    assert visits.status_code == 200 and f'value="{day:%d/%m/%Y}"' in visits.text and 'type="date"' not in visits.text
    bad = desk.get("/visits?on=2026-13-45")
    assert bad.status_code == 200 and "Must be a date like 30/11/2026" in bad.text
