"""A technician on the floor, in English and in Dutch: "+ mount here" on a free unit of Hollandse Hosting's private
rack A06 offers only the hardware that may go there (K1) and says why the rest is not listed; a cable is logged
with the device-first picker (typing, tapping the hardware, choosing a free port), warned about first while both
ends are ports of one device; the Scan page opens a typed code.

The live server is shared by the browser tests: what these tests change is put back at their end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select, update

from dcops.cabling.models import Cable, CableEnd
from dcops.db import make_engine, make_sessionmaker
from dcops.racks.models import Hardware, HardwareStatus, Rack, RackUnit
from tests.e2e.conftest import _signed_in

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "locale": "en-GB",
        "heading": "Mount hardware in A06",
        "left_out": "1 other item is not listed: it is hardware of another customer than Hollandse Hosting B.V.",
        "rule": "(Art. 12.2, rule K1)",
        "mounted": "Hardware mounted",
        "warning": "Warning: a cable between two ports of one device (hh-web-06).",
        "confirm": "tick the box to save it anyway",
        "allowed": "Rule A3 (Art. 13.3): allowed.",
        "recorded": "Cable recorded",
    },
    "nl": {
        "locale": "nl-NL",
        "heading": "Hardware plaatsen in A06",
        "left_out": "1 ander stuk hardware staat er niet bij: het is van een andere klant dan Hollandse Hosting B.V.",
        "rule": "(art. 12.2, regel K1)",
        "mounted": "Hardware geplaatst",
        "warning": "Let op: een kabel tussen twee poorten van één apparaat (hh-web-06).",
        "confirm": "vink het vakje aan om hem toch op te slaan",
        "allowed": "Regel A3 (art. 13.3): toegestaan.",
        "recorded": "Kabel vastgelegd",
    },
}


@pytest.fixture(params=["en", "nl"])
def floor(request, browser, live_server):  # type: ignore[no-untyped-def]
    """The demo technician's tablet (portrait, touch) in one language."""
    words = WORDS[request.param]
    viewport = {"width": 800, "height": 1280}
    context, page = _signed_in(
        browser, live_server, "tom", "demo-tech-2026", locale=words["locale"], viewport=viewport, has_touch=True
    )
    yield page, words
    context.close()


def choose(page, select: str, port: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the port named `port` (its kind is in the reader's language: "eth1 (copper)", "eth1 (koper)")."""
    value = page.locator(f"{select} option", has_text=re.compile(rf"^{port} \(")).first.get_attribute("value")
    page.select_option(select, value=value)


def _database(live_data: Path):  # type: ignore[no-untyped-def]
    return make_engine(f"sqlite:///{live_data / 'dcops.sqlite3'}")


def test_mount_here_offers_only_what_may_go_into_the_private_rack(floor, live_data: Path):
    page, words = floor
    page.goto("/sites")
    page.click("a:text-is('A06')")
    free = page.locator("svg.elevation a.el-mount").first
    box = free.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a free unit is a tap target (WCAG 2.5.5)
    unit = re.search(r"position=(\d+)", free.get_attribute("href") or "").group(1)  # type: ignore[union-attr]
    free.click()
    expect(page.locator("h1")).to_contain_text(words["heading"])
    expect(page.locator("#pos")).to_have_value(unit)
    options = page.locator("#hw option").all_inner_texts()
    assert any("hh-web-09" in o for o in options)  # Hollandse's own (and the supplier's spare-sw-01, unless mounted)
    assert not any("ml-app-11" in o for o in options)  # Maasland Logistiek's: not for Hollandse's rack
    expect(page.locator(".left-out")).to_contain_text(words["left_out"])
    expect(page.locator(".left-out")).to_contain_text(words["rule"])
    engine = _database(live_data)
    try:
        value = page.locator("#hw option", has_text="hh-web-09").first.get_attribute("value")
        page.select_option("#hw", value=value)
        page.locator("form.card button[type=submit]").click()
        expect(page.locator(".alert.success")).to_contain_text(words["mounted"])
        expect(page.locator("svg.elevation").first).to_contain_text("hh-web-09")
    finally:  # hh-web-09 waits unmounted again, planned for B03, for the other browser tests
        with make_sessionmaker(engine)() as s:
            hw = s.scalars(select(Hardware).where(Hardware.name == "hh-web-09")).one()
            b03 = s.scalars(select(Rack.id).where(Rack.name == "B03")).one()
            s.execute(delete(RackUnit).where(RackUnit.hardware_id == hw.id))
            s.execute(
                update(Hardware)
                .where(Hardware.id == hw.id)
                .values(
                    rack_id=None,
                    position=None,
                    face=None,
                    status=HardwareStatus.planned,
                    planned_rack_id=b03,
                    first_installed_on=None,
                    intake_state=None,
                )
            )
            s.commit()
        engine.dispose()


def test_a_cable_is_logged_device_first_with_the_same_device_warning(floor, live_data: Path):
    page, words = floor
    page.goto("/cables/new")
    # A end: typed, found alone, its free ports offered at once
    page.fill("#a-q", "hh-web-06")
    expect(page.locator("#f-a_port_id")).to_be_visible()
    choose(page, "#f-a_port_id", "eth1")
    # B end on the same device: the warning shows before saving, and saving needs the confirmation
    page.fill("#b-q", "GRV-0030")  # its asset tag
    expect(page.locator("#f-b_port_id option", has_text="eth1")).to_have_count(1)
    choose(page, "#f-b_port_id", "eth2")
    expect(page.locator("#same-device")).to_contain_text(words["warning"])
    expect(page.locator("#same-device input[name=same_device]")).to_be_visible()
    page.locator("#cable-form .actions button[type=submit]").first.click()
    expect(page.locator(".alert.error")).to_contain_text(words["confirm"])
    expect(page.locator("#same-device")).to_contain_text(words["warning"])
    page.fill("#f-label", f"CBL-FLOOR-{words['locale']}")  # typed first: the last change is the port's, waited for
    # B end elsewhere: several found, one tapped; a taken port is not offered
    page.fill("#b-q", "sw-a0")
    page.locator("#b-found button.pick-hw", has_text="sw-a06").click()
    expect(page.locator("#b-found button.pick-hw", has_text="sw-a06")).to_have_attribute("aria-pressed", "true")
    ports = page.locator("#f-b_port_id option").all_inner_texts()
    assert any(p.startswith("ge2 (") for p in ports) and not any(p.startswith("ge1 (") for p in ports)  # CBL-DEMO-08
    choose(page, "#f-b_port_id", "ge2")
    expect(page.locator("#same-device")).not_to_contain_text(words["warning"])
    expect(page.locator("#a3")).to_contain_text(words["allowed"])
    page.locator("#cable-form .actions button[type=submit]").first.click()
    engine = _database(live_data)
    try:
        expect(page.locator(".alert.error")).to_have_count(0)
        expect(page.locator(".alert.success")).to_contain_text(words["recorded"], timeout=15000)
        expect(page.locator("dl.props")).to_contain_text("hh-web-06")
        expect(page.locator("dl.props")).to_contain_text("sw-a06")
    finally:  # the demo's ports free again for the other browser tests
        with make_sessionmaker(engine)() as s:
            made = s.scalars(select(Cable.id).where(Cable.label.like("CBL-FLOOR-%"))).all()
            s.execute(delete(CableEnd).where(CableEnd.cable_id.in_(made)))
            s.execute(delete(Cable).where(Cable.id.in_(made)))
            s.commit()
        engine.dispose()


def test_the_scan_page_opens_a_typed_code(floor, live_data: Path):
    page, words = floor
    engine = _database(live_data)
    with make_sessionmaker(engine)() as s:
        hw_id = s.scalars(select(Hardware.id).where(Hardware.name == "hh-web-06")).one()
    engine.dispose()
    page.goto("/scan")
    page.fill("#scan-code", f"https://dcops.example/hardware/{hw_id}")  # what its label's QR holds
    page.locator("form.scan-code button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/hardware/{hw_id}$"))
    expect(page.locator("h1")).to_contain_text("hh-web-06")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_new_screens_pass_axe_and_have_44_px_targets(browser, live_server, live_data: Path, language):
    """The mount form, the cable picker with both ends chosen and its warning showing, and the Scan page's field."""
    from tests.e2e.test_accessibility import SMALL_TARGETS, _violations

    words = WORDS[language]
    viewport = {"width": 800, "height": 1280}
    # axe is injected as an inline script: the CSP is bypassed for it (the other tests here run under it)
    context, page = _signed_in(
        browser, live_server, "tom", "demo-tech-2026", locale=words["locale"], viewport=viewport, bypass_csp=True
    )
    engine = _database(live_data)
    with make_sessionmaker(engine)() as s:
        a06 = s.scalars(select(Rack.id).where(Rack.name == "A06")).one()
    engine.dispose()
    problems: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found = _violations(page) + [f"small target {t}" for t in page.evaluate(SMALL_TARGETS)]
        if found:
            problems[name] = found

    page.goto(f"/racks/{a06}/mount?position=30")
    check("mount here")
    page.goto("/scan")
    check("scan")
    page.goto("/cables/new")
    page.fill("#a-q", "hh-web-06")
    choose(page, "#f-a_port_id", "eth1")
    page.fill("#b-q", "hh-web-0")
    page.locator("#b-found button.pick-hw", has_text="hh-web-06").click()
    choose(page, "#f-b_port_id", "eth2")
    expect(page.locator("#same-device")).to_contain_text(words["warning"])
    check("cable picker")
    context.close()
    assert not problems, "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)
