"""A technician carries out today's scheduled move on the tablet: the hardware lands in its new rack, the
order is done, and the vacated space waits for its hand-back inspection (A6)."""

from playwright.sync_api import expect


def test_technician_carries_out_a_scheduled_move(tablet):
    page = tablet
    page.goto("/relocations/today")
    card = page.locator(".card.move", has_text="Power work on B01")
    expect(card).to_contain_text("nmg-media-06")
    expect(card).to_contain_text("B01 U8 → B03 U25")
    card.locator("button:text-is('Carry out')").click()
    dialog = page.locator("#confirm-dialog")  # what moves where, asked before anything moves
    expect(dialog).to_contain_text("move nmg-media-06 from B01 U8 to B03 U25")
    dialog.locator("button:text-is('Carry out')").click()
    expect(page.locator(".alert.success")).to_contain_text("Moved")
    expect(page.locator(".card.move", has_text="Power work on B01")).to_have_count(0)  # done: off today's list
    page.goto("/hardware?q=nmg-media-06")
    page.click("a:text-is('nmg-media-06')")
    expect(page.locator("dl.props")).to_contain_text("B03")
    page.goto("/hand-backs")
    expect(page.locator("table")).to_contain_text("B01 U8–U9")
    page.click("tr:has-text('B01 U8–U9') >> text=Inspect")
    page.check("#f-as_received")
    page.click("button:text('Record inspection')")
    expect(page.locator("dl.props")).to_contain_text("as received")


def test_the_emergency_shows_its_reason_and_the_elevation_marks_pending_moves(tablet):
    page = tablet
    page.goto("/relocations/today")
    expect(page.locator(".card.move", has_text="Cooling failure")).to_contain_text("Water from the cooling unit")
    page.goto("/relocations?view=month")
    expect(page.locator(".cal")).to_be_visible()
    page.goto("/hardware?q=hh-web-01")
    page.click("a:text-is('hh-web-01')")
    page.click("dl.props a:has-text('A01')")
    expect(page.locator("svg.elevation").first).to_contain_text("MOVE")


def test_wide_lists_scroll_inside_the_page_on_a_tablet_in_portrait(tablet):
    """A list wider than the tablet (the relocations, with their kinds and windows) scrolls in the page's content;
    the page itself, with its menu, stays as wide as the screen."""
    page = tablet
    for path in ("/relocations", "/hardware", "/cables", "/visits"):
        page.goto(path)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (path, widths)
    page.goto("/relocations")
    main = page.eval_on_selector("main", "m => [m.scrollWidth, m.clientWidth]")
    assert main[0] > main[1]  # the relocations table is wider than the screen: it scrolls, in <main>
