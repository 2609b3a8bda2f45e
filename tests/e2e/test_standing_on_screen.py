"""The terms on screen: a technician sees retained hardware and is refused its removal (K10); the account
manager's compliance overview lists the demo's cases with their rules."""

from playwright.sync_api import expect


def test_technician_cannot_remove_hardware_under_a_lien(tablet):
    page = tablet
    page.goto("/hardware?q=bc-node-01")
    expect(page.locator("table")).to_contain_text("LIEN (K10)")
    page.click("a:text-is('bc-node-01')")
    page.click("a:text-is('Unmount')")
    page.select_option("#f-status", "removed")
    page.select_option("#f-basis", "customer_request")  # K8: the customer asked to take it out
    page.fill("#f-message_from", "Johan Visser")
    page.fill("#f-message_on", "2026-11-29")
    page.select_option("#f-message_channel", "email")
    page.fill("#f-message_reference", "<take-out@brabantcloud.example>")
    page.click("button:text('Save')")
    alert = page.locator(".alert.error")
    expect(alert).to_contain_text("Art. 12.9 (rule K10)")
    expect(alert).to_contain_text("may not be removed from the datacenter")
    expect(page.locator("#f-message_from")).to_have_value("Johan Visser")  # what was typed is kept
    page.goto("/hardware?q=bc-node-01")
    expect(page.locator("table")).to_contain_text("installed")


def test_account_manager_sees_the_days_compliance_work(desk):
    page = desk
    page.click("text=Compliance")
    expect(page.locator("h1")).to_contain_text("Compliance on")
    expect(page.locator("#failing + table")).to_contain_text("Maasland Logistiek B.V.")
    expect(page.locator("#liens + table")).to_contain_text("Art. 12.9 (K10)")
    expect(page.locator("#uninsured + table")).to_contain_text("Nijmegen Media Groep B.V.")
    page.click("#failing + table a:text-is('Maasland Logistiek B.V.')")
    expect(page.locator("#standing")).to_contain_text("Fails to perform since")
    expect(page.locator("#standing")).to_contain_text("rule S2")
