"""An account manager brings racks in from a NetBox export on the Import page: the preview runs in the background
with its progress shown, lists what would change, and the import lands on a click."""

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from dcops.db import make_engine, make_sessionmaker
from dcops.racks.models import Rack

FILES = {
    "sites.csv": b"name,slug\nE2E Import Site,e2e1\n",
    "locations.csv": b"site,name,slug\nE2E Import Site,E2E Hall,e2e-hall\n",
    "racks.csv": b"site,location,name,u_height\n"
    b"E2E Import Site,E2E Hall,E2E-01,42\nE2E Import Site,E2E Hall,E2E-02,46\n",
}


def test_preview_then_import_from_the_page(desk, live_data: Path):
    page = desk
    page.click("nav >> text=Import")
    expect(page.locator("h1")).to_have_text("Import")
    uploads = [{"name": n, "mimeType": "text/csv", "buffer": b} for n, b in FILES.items()]
    page.set_input_files("input[name=files]", uploads)
    page.click("button:text-is('Preview')")
    expect(page.locator("h1")).to_contain_text("Preview")
    # The page polls while a worker runs it, then shows the counts without a reload.
    expect(page.locator("#job")).to_contain_text("No problems: this is what importing would do.", timeout=15_000)
    expect(page.locator("#job table").first).to_contain_text("racks")
    page.click("button:text-is('Import these files')")
    expect(page.locator("#job")).to_contain_text("Imported.", timeout=15_000)
    engine = make_engine(f"sqlite:///{live_data / 'dcops.sqlite3'}")
    with make_sessionmaker(engine)() as s:
        heights = dict(s.execute(select(Rack.name, Rack.u_height).where(Rack.name.like("E2E-%"))).all())
    engine.dispose()
    assert heights == {"E2E-01": 42, "E2E-02": 46}
