"""A technician logs cable work on the tablet: the customer's technician cabled from its private rack A06 to
the shared switch in A01; dcops shows the A3 refusal before saving and on saving, and records the breach
in one tap."""

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select, update

from dcops import clock
from dcops.customers.models import Breach
from dcops.db import make_engine, make_sessionmaker


def test_logging_a_customer_cable_into_a_shared_rack_is_refused_under_a3(tablet, live_data: Path):
    page = tablet
    page.goto("/hardware?q=hh-web-03")
    page.click("a:text-is('hh-web-03')")
    expect(page.locator("table").last).to_contain_text("sw-a06")  # its eth1 is cabled in A06
    page.click("text=Log a cable from here")
    page.select_option("#f-a_port_id", label=page.locator("#f-a_port_id option", has_text="eth2").inner_text())
    page.fill("#b-q", "sw-a01")  # the B end device-first: the switch, then one of its free ports
    page.press("#b-q", "Enter")  # as a scanner ends what it types: search now (typing alone waits 300 ms for more)
    expect(page.locator("#f-b_port_id option", has_text="ge3")).to_have_count(1)
    page.select_option("#f-b_port_id", label=page.locator("#f-b_port_id option", has_text="ge3").inner_text())
    page.select_option("#f-installed_by", "customer")
    page.select_option("#f-customer_id", label="Hollandse Hosting B.V.")
    page.fill("#f-installer_name", "Pieter Smit")
    page.select_option("#f-route", "overhead")
    verdict = page.locator("#a3 .verdict-box")
    expect(verdict).to_have_attribute("data-a3", "deny")
    expect(verdict).to_contain_text("shared rack A01")
    page.click("button:text-is('Save')")
    alert = page.locator(".alert.error")
    expect(alert).to_contain_text("Art. 13.3 (rule A3)")
    expect(page.locator("#f-installer_name")).to_have_value("Pieter Smit")
    page.click("text=Record as breach (S4, Art. 13.3)")
    expect(page.locator("h1")).to_contain_text("13.3")
    # The demo's other tests expect Hollandse in good standing: resolve the breach again.
    engine = make_engine(f"sqlite:///{live_data / 'dcops.sqlite3'}")
    with make_sessionmaker(engine)() as s:
        breach = s.scalars(select(Breach).where(Breach.article == "13.3")).one()
        assert "Pieter Smit" in breach.description
        s.execute(update(Breach).where(Breach.id == breach.id).values(resolved_on=clock.today(), resolution="test"))
        s.commit()
    engine.dispose()
