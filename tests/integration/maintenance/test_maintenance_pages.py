"""Maintenance on the pages (rule R4): the form keeps what was typed, the page explains a refused announcement, the
steps, the list's filters, the closure-day admin page, the notice preview in both languages, and maintenance shown
on the floor view, the rack pages of affected racks and the one calendar of moves and maintenance."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dcops.auth.models import Role
from dcops.db import utcnow
from dcops.maintenance import service
from dcops.maintenance.models import ClosureDay, Impact, Maintenance, MaintenanceStatus, Scope
from dcops.maintenance.schemas import MaintenanceIn
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import (
    ClosureDayFactory,
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    MaintenanceFactory,
    RackFactory,
    RoomFactory,
)

TZ = ZoneInfo("Europe/Amsterdam")


def typed(moment) -> str:
    """A moment as an English reader types it: day first."""
    return moment.astimezone(TZ).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def rack(db):
    room = RoomFactory(code="PR")
    rack = RackFactory(room=room, name="PR01")
    hw = HardwareFactory(name="web-1", contract=ContractFactory(customer=CustomerFactory(name="Klant Een B.V.")))
    mount(db, hw, MountIn(rack_id=rack.id, position=4), "t")
    return rack


def _made(db, rack, starts, hours=2, **kw) -> Maintenance:
    body = MaintenanceIn(
        title=kw.pop("title", "Swap the PR01 PDU"),
        description="The A-side PDU is swapped.",
        scope=Scope.rack,
        rack_id=rack.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        impact=Impact.reduced,
        **kw,
    )
    return service.create(db, body, "test", service.Now(utcnow(), TZ))


def _status(db, maintenance_id: int) -> MaintenanceStatus:
    db.expire_all()  # as the requests left it
    return db.get(Maintenance, maintenance_id).status


def test_r4_the_form_keeps_what_was_typed_and_the_page_explains_a_refused_announcement(login, rack, db):
    desk = login(Role.account_manager)
    soon = utcnow() + timedelta(hours=2)
    data = {
        "title": "Re-patch PR01",
        "description": "Uplinks to the new panel.",
        "scope": "rack",
        "rack_id": "",
        "starts_at": typed(soon),
        "ends_at": "31/02/2026 10:00",
        "impact": "outage",
    }
    r = desk.form("/maintenance/new", data)
    assert r.status_code == 422
    assert "Re-patch PR01" in r.text and "31/02/2026 10:00" in r.text and "Must be a date and time like" in r.text
    r = desk.form("/maintenance/new", {**data, "ends_at": typed(soon + timedelta(hours=1))})
    assert r.status_code == 422 and "Choose the rack the work is in" in r.text
    for bad in ({"scope": "everywhere"}, {"scope": "hardware", "hardware_ids": "abc"}, {"impact": ""}):
        r = desk.form("/maintenance/new", {**data, "rack_id": rack.id, **bad})
        assert r.status_code == 422 and "Re-patch PR01" in r.text, bad
    r = desk.form("/maintenance/new", {**data, "rack_id": rack.id, "ends_at": typed(soon + timedelta(hours=1))})
    assert r.status_code == 200 and "Maintenance planned" in r.text
    assert "announcing now is refused" in r.text and "Art. 18.3, 1.14 (rule R4)" in r.text
    assert "Klant Een B.V." in r.text  # who it would affect, before it is announced
    m_id = int(r.url.path.rsplit("/", 1)[1])
    r = desk.form(f"/maintenance/{m_id}/announce")
    assert r.status_code == 403 and "Refused by the terms" in r.text and "at least two working days ahead" in r.text
    assert _status(db, m_id) is MaintenanceStatus.planned


def test_the_steps_on_the_page_from_announcement_to_done(login, rack, db):
    desk, tech = login(Role.account_manager), login(Role.technician)
    m = _made(db, rack, utcnow() + timedelta(days=10))
    page = tech.get(f"/maintenance/{m.id}").text
    assert "/announce" not in page and "/edit" not in page and "Not to be started yet" in page
    r = desk.form(f"/maintenance/{m.id}/announce")
    assert r.status_code == 200 and "Maintenance announced" in r.text and "announced in time" in r.text
    r = desk.get(f"/maintenance/{m.id}/edit")
    assert r.status_code == 200 and "Swap the PR01 PDU" in r.text
    r = desk.form(
        f"/maintenance/{m.id}/edit",
        {
            "title": "Swap the PR01 PDU",
            "description": "Both PDUs now.",
            "scope": "rack",
            "rack_id": rack.id,
            "starts_at": typed(m.starts_at),
            "ends_at": typed(m.starts_at - timedelta(hours=1)),
            "impact": "outage",
        },
    )
    assert r.status_code == 422 and "The end must come after the start" in r.text and "Both PDUs now." in r.text
    r = desk.form(f"/maintenance/{m.id}/cancel", {"reason": "x" * 6000})  # too long: the page again, as it was
    assert r.status_code == 422 and _status(db, m.id) is MaintenanceStatus.announced
    r = desk.form(f"/maintenance/{m.id}/cancel", {"reason": "Parts late"})
    assert r.status_code == 200 and "Maintenance cancelled" in r.text and "Parts late" in r.text
    r = tech.form(f"/maintenance/{m.id}/start")
    assert r.status_code == 409 and "This maintenance is cancelled" in r.text


def test_an_emergency_is_started_by_a_technician_and_finished(login, rack, db):
    tech = login(Role.technician)
    m = _made(db, rack, utcnow() - timedelta(minutes=5), emergency=True, emergency_reason="PDU smoke")
    page = tech.get(f"/maintenance/{m.id}").text
    assert "PDU smoke" in page and "announce it to the customers as soon as possible" in page
    r = tech.form(f"/maintenance/{m.id}/start")
    assert r.status_code == 200 and "Maintenance started" in r.text
    r = tech.form(f"/maintenance/{m.id}/finish")
    assert r.status_code == 200 and "Maintenance finished" in r.text
    assert _status(db, m.id) is MaintenanceStatus.done
    assert login(Role.security).form(f"/maintenance/{m.id}/announce").status_code == 403


def test_the_list_filters_and_pages(login, rack):
    for n in range(3):
        MaintenanceFactory(rack=rack, starts_at=utcnow() + timedelta(days=10 + n), title=f"Upcoming {n}")
    MaintenanceFactory(rack=rack, starts_at=utcnow() - timedelta(days=2), title="Long ago")
    c = login(Role.security)
    page = c.get("/maintenance?when=upcoming&limit=2").text
    assert "Upcoming 0" in page and "Upcoming 1" in page and "Upcoming 2" not in page and "Long ago" not in page
    assert "offset=2" in page  # the next page
    page = c.get("/maintenance?when=past").text
    assert "Long ago" in page and "Upcoming 0" not in page
    assert "No maintenance." in c.get("/maintenance?status=done").text
    assert c.get("/maintenance?status=nonsense&when=sometime").status_code == 200  # an unknown filter is no filter
    assert "/maintenance/new" not in c.get("/maintenance").text


def test_closure_days_page_adds_and_removes_for_admins_only(login, db):
    admin, desk = login(Role.admin), login(Role.account_manager)
    today = utcnow().astimezone(TZ).date()
    ClosureDayFactory(day=today - timedelta(days=3), announced_on=today - timedelta(days=9), reason="Office move")
    assert "Office move" in desk.get("/closure-days").text  # under Past
    day = today + timedelta(days=40)
    r = admin.form("/closure-days", {"day": "40/40/2026", "reason": "Company day", "announced_on": ""})
    assert r.status_code == 422 and "Must be a date like" in r.text and "Company day" in r.text
    r = admin.form("/closure-days", {"day": day.strftime("%d/%m/%Y"), "reason": "Company day", "announced_on": ""})
    assert r.status_code == 200 and "Closure day recorded" in r.text and day.strftime("%d/%m/%Y") in r.text
    assert "Add a closure day" not in desk.get("/closure-days").text and "Company day" in desk.get("/closure-days").text
    assert desk.form("/closure-days", {"day": day.isoformat(), "reason": "Again"}).status_code == 403
    closure = db.scalars(select(ClosureDay).where(ClosureDay.day == day)).one()
    assert closure.announced_on == today  # announced today when not said otherwise
    r = admin.form(f"/closure-days/{closure.id}/delete")
    assert r.status_code == 200 and "Closure day removed" in r.text and "No closure days ahead." in r.text


def test_r4_notice_preview_in_dutch_and_english(login, rack, db):
    desk = login(Role.account_manager)
    m = _made(db, rack, utcnow() + timedelta(days=10))
    preview = desk.get(f"/maintenance/{m.id}/notice").text  # before: the announcement it would be
    assert "Not announced yet" in preview and "Dear Klant Een B.V.," in preview and "web-1 (PR01 U4)" in preview
    service.announce(db, m, "test", service.Now(utcnow(), TZ))
    dutch = desk.get(f"/maintenance/{m.id}/notice?language=nl").text
    assert "Geachte Klant Een B.V.," in dutch and "Uw hardware daar: web-1 (PR01 U4)" in dutch
    assert "twee werkdagen van tevoren" in dutch


def test_maintenance_shows_on_the_floor_the_rack_page_and_the_calendar(login, rack, db):
    tech = login(Role.technician)
    starts = utcnow() + timedelta(days=3)
    m = _made(db, rack, starts, title="Cooling work on PR01")
    other_rack = RackFactory(room=RoomFactory(code="ELSE"), name="EL01")
    assert "Cooling work on PR01" in tech.get("/floor").text
    assert "Cooling work on PR01" in tech.get(f"/racks/{rack.id}").text
    assert "Cooling work on PR01" not in tech.get(f"/racks/{other_rack.id}").text
    on = starts.astimezone(TZ).date().isoformat()
    week = tech.get(f"/relocations?view=week&on={on}").text
    assert f'href="/maintenance/{m.id}"' in week and "Moves and maintenance" in week
    assert f'href="/maintenance/{m.id}"' in tech.get(f"/relocations?view=month&on={on}&room_id={rack.room_id}").text
    assert f"/maintenance/{m.id}" not in tech.get(f"/relocations?view=week&on={on}&room_id={other_rack.room_id}").text
    # A site-wide maintenance reaches every rack of the site.
    site_wide = service.create(
        db,
        MaintenanceIn(
            title="Site power test",
            description="Generator test under load.",
            scope=Scope.site,
            site_id=other_rack.room.site_id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            impact=Impact.none,
        ),
        "test",
        service.Now(utcnow(), TZ),
    )
    assert "Site power test" in tech.get(f"/racks/{other_rack.id}").text
    service.cancel(db, site_wide, "test", service.Now(utcnow(), TZ))
    assert "Site power test" not in tech.get(f"/racks/{other_rack.id}").text
