"""The room view on the technician's tablet: each rack a CSS grid of units (no inline style, so the CSP
holds), a device exactly as tall as its units, and a run of free units to mount in."""

import re

from playwright.sync_api import expect


def test_room_view_draws_devices_by_their_units_and_mounts_from_a_free_run(tablet, tmp_path_factory):
    page = tablet
    page.click("text=Racks")
    page.locator("h3 a").first.click()
    rack = page.locator(".elevation-card .ru").first
    expect(rack).to_be_visible()
    unit_px = float(rack.evaluate("el => getComputedStyle(el).gridAutoRows").removesuffix("px"))
    for device in rack.locator("a.d").all()[:4]:
        units = int(re.search(r"\bu(\d+)\b", device.get_attribute("class") or "").group(1))  # type: ignore[union-attr]
        assert abs(device.bounding_box()["height"] - (units * unit_px - 2)) <= 1  # type: ignore[index]
    shot = tmp_path_factory.mktemp("room") / "room.png"
    page.screenshot(path=str(shot))
    print(f"room view screenshot: {shot}")
    free = rack.locator("a.f").first
    low = re.search(r"position=(\d+)", free.get_attribute("href") or "").group(1)  # type: ignore[union-attr]
    free.click()
    expect(page.locator("h1")).to_contain_text("Mount hardware in")
    expect(page.locator("#pos")).to_have_value(low)
