"""An order's page offers "Carry out" exactly when the terms let it be carried out today (K4 on the planned day, K6
at once: `service.may_execute`, which asks `terms.relocation.may_carry_out_on`), asks for confirmation naming what
moves where, and otherwise says what is needed first with a link to that step. In English and in Dutch."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from dcops import clock
from dcops.auth.models import Role
from dcops.moves import service as moves
from dcops.moves.models import Relocation
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory

TODAY = clock.today()
D = timedelta(days=1)
EXECUTE = re.compile(r'<form method="post" action="/relocations/(\d+)/execute"([^>]*)>')


@pytest.fixture
def move(api, login, db):
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer, customer_maintains_hardware=False)
    room = RoomFactory()
    a = RackFactory(room=room, name="RA", power_budget_w=5000)
    b = RackFactory(room=room, name="RB", power_budget_w=5000)
    hw = HardwareFactory(contract=contract, name="srv-move", power_draw_w=300)
    mount(db, hw, MountIn(rack_id=a.id, position=10), "t")
    return SimpleNamespace(am=api(Role.account_manager), customer=customer, a=a, b=b, hw=hw, login=login)


def _order(p, consulted=None, planned=None, **kw):  # type: ignore[no-untyped-def]
    body = {
        "customer_id": p.customer.id,
        "kind": "colocation_move",
        "reason": "Room A is being rebuilt",
        "items": [{"hardware_id": p.hw.id, "target_rack_id": p.b.id, "target_position": 20}],
        **kw,
    }
    r = p.am.post("/api/relocations", json=body)
    assert r.status_code == 201, r.text
    order = r.json()["id"]
    if consulted is not None:
        consult = {"consulted_on": consulted.isoformat(), "consulted_with": "Eva", "outcome": "Agreed"}
        assert p.am.post(f"/api/relocations/{order}/consult", json=consult).status_code == 200
    if planned is not None:
        r = p.am.post(f"/api/relocations/{order}/schedule", json={"planned_on": planned.isoformat()})
        assert r.status_code == 200, r.text
    return order


def _buttons(page: str) -> list[str]:
    return [attrs for _, attrs in EXECUTE.findall(page)]


STATES = {
    "draft": ({}, False, "#consult"),
    "consulted, not scheduled": ({"consulted": TODAY - D}, False, "#schedule"),
    "scheduled for today": ({"consulted": TODAY - D, "planned": TODAY}, True, None),
    "scheduled for tomorrow": ({"consulted": TODAY - D, "planned": TODAY + D}, False, "#schedule"),
    "emergency, never consulted": ({"emergency": True, "emergency_reason": "Water on U20"}, True, None),
}


@pytest.mark.parametrize("state", list(STATES))
def test_carry_out_is_offered_exactly_when_the_terms_allow_it(move, db, state):
    setup, allowed, step = STATES[state]
    order_id = _order(move, **setup)
    assert moves.may_execute(db.get(Relocation, order_id), TODAY).allowed is allowed  # the rule, asked directly
    for role in (Role.account_manager, Role.technician):
        page = move.login(role).get(f"/relocations/{order_id}").text
        assert bool(_buttons(page)) is allowed, (state, role)
        if allowed:
            assert "Needed first" not in page
            continue
        assert "Art. 12.4 (rule K4)" in page  # what the terms say, with its rule
        line = re.search(r'<p class="next-step" id="next-step">(.*?)</p>', page, re.S)
        assert line is not None and "Needed first:" in line.group(1)
        if role is Role.account_manager:  # planners get the link to the step's form on this page
            assert f'href="{step}"' in line.group(1)
            assert f'id="{step[1:]}"' in page
        else:  # a technician cannot take that step: the line says who does
            assert "href=" not in line.group(1) and "by an account manager" in line.group(1)


def test_carrying_out_asks_what_moves_where(move):
    order_id = _order(move, consulted=TODAY - D, planned=TODAY)
    page = move.login(Role.technician).get(f"/relocations/{order_id}").text
    [attrs] = _buttons(page)
    assert 'data-confirm="Carry out now: move srv-move from RA U10 to RB U20 (front)?"' in attrs
    assert 'data-confirm-ok="Carry out"' in attrs and 'data-confirm-no="Go back"' in attrs
    assert '<dialog id="confirm-dialog"' in page  # the dialog dcops.js opens
    today = move.login(Role.technician).get("/relocations/today").text
    assert f"/relocations/{order_id}/execute" in today
    assert 'data-confirm="Carry out now: move srv-move from RA U10 to RB U20 (front)?"' in today


def test_a_refused_post_still_refuses_what_the_page_does_not_offer(move):
    """The page hides the button; the service, not the page, is the guard."""
    order_id = _order(move)
    tech = move.login(Role.technician)
    r = tech.form(f"/relocations/{order_id}/execute", {})
    assert r.status_code == 403 and "Art. 12.4 (rule K4)" in r.text and not _buttons(r.text)


def test_today_s_moves_list_only_what_may_be_carried_out_today(move, db):
    today_id = _order(move, consulted=TODAY - D, planned=TODAY)
    other = HardwareFactory(contract=move.hw.contract, name="srv-later")
    mount(db, other, MountIn(rack_id=move.a.id, position=30), "t")
    later = _order(
        move,
        consulted=TODAY - D,
        planned=TODAY + 2 * D,
        items=[{"hardware_id": other.id, "target_rack_id": move.b.id, "target_position": 30}],
    )
    page = move.login(Role.technician).get("/relocations/today").text
    assert f'id="order-{today_id}"' in page and f'id="order-{later}"' not in page


def test_the_dialog_and_the_next_step_read_in_dutch(move):
    draft = _order(move)
    desk = move.login(Role.account_manager)
    desk.headers["Accept-Language"] = "nl"
    page = desk.get(f"/relocations/{draft}").text
    assert not _buttons(page)
    assert "Eerst nodig:" in page and 'href="#consult">het overleg met de klant vastleggen (K4)</a>' in page
    assert 'data-label="Ja"' in page and 'data-label="Nee"' in page  # the dialog's own buttons
    scheduled = _order(move, consulted=TODAY - D, planned=TODAY)
    [attrs] = _buttons(desk.get(f"/relocations/{scheduled}").text)
    assert 'data-confirm="Nu uitvoeren: srv-move verhuizen van RA U10 naar RB U20 (voorzijde)?"' in attrs
    assert 'data-confirm-ok="Uitvoeren"' in attrs and 'data-confirm-no="Terug"' in attrs
