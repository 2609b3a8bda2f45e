"""A technician on a tablet mounts waiting hardware by tapping a free unit in the elevation."""

from playwright.sync_api import expect


def choose(page, select: str, text: str) -> None:
    """Pick the option whose label contains `text`, as a person scanning the list would."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value=value)


def test_tap_free_unit_mount_and_see_it_in_the_elevation(tablet):
    page = tablet
    page.click("text=Racks")
    page.click("a:text-is('B05')")  # vacant private rack in the demo
    expect(page.locator("h1")).to_contain_text("Rack B05")
    page.locator("a[aria-label='mount at U20']").first.click()
    expect(page.locator("h1")).to_contain_text("Mount hardware in B05")
    expect(page.locator("#pos")).to_have_value("20")
    choose(page, "#hw", "spare-sw-01")
    page.click("button:text('Mount')")
    expect(page.locator(".alert.success")).to_contain_text("Hardware mounted")
    expect(page.locator("svg.elevation").first).to_contain_text("spare-sw-01")
    expect(page.locator("a[aria-label='mount at U20']")).to_have_count(0)


def test_a_taken_unit_is_refused_on_screen_with_the_occupant(tablet):
    page = tablet
    page.goto("/hardware?q=hh-web-09")
    page.click("a:text-is('hh-web-09')")
    page.click("a:text-is('Mount')")
    choose(page, "#f-rack_id", "/ A06 ")
    page.fill("#f-position", "2")
    page.click("button:text('Save')")
    expect(page.locator(".alert.error")).to_be_visible()
    expect(page.locator(".invalid .field-error")).to_contain_text("U2 taken by hh-web-03")
    expect(page.locator("#f-position")).to_have_value("2")


def test_rack_elevation_screenshot_for_review(tablet, tmp_path_factory):
    """Renders the fullest demo rack; the PNG is kept in the test's temp dir for a human to look at."""
    page = tablet
    page.goto("/sites")
    page.click("a:text-is('A07')")
    expect(page.locator("svg.elevation")).to_have_count(2)
    expect(page.locator("svg.elevation").first).to_contain_text("Brabant Cloud Services… · customer (K1)")
    page.screenshot(path=str(tmp_path_factory.mktemp("shots") / "rack-a07.png"), full_page=True)
