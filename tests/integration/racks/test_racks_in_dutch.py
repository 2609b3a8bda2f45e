"""Racks, hardware and the Import page in Dutch: the reader's language decides the words, the numbers and the dates,
and a refusal or a problem comes back in Dutch too."""

import re
from datetime import date

from dcops.auth.models import Role
from dcops.interop import jobs
from dcops.racks import service
from dcops.racks.models import RackKind
from dcops.racks.schemas import MountIn
from tests.factories import HardwareFactory, RackFactory, RoomFactory


def dutch(client):  # type: ignore[no-untyped-def]
    client.headers["Accept-Language"] = "nl"
    return client


def mounted(db, rack, position, **kw):  # type: ignore[no-untyped-def]
    hw = HardwareFactory(**kw)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=position), "t", date(2026, 11, 30))
    return hw


def test_sites_and_rack_pages_in_dutch(login, db):
    c = dutch(login(Role.technician))
    room = RoomFactory(code="Z1", name="Zaal 1")
    rack = RackFactory(room=room, name="E01", kind=RackKind.shared, power_budget_w=5000)
    mounted(db, rack, 10, name="db-01", u_height=2, power_draw_w=1200)
    sites = c.get("/sites").text
    assert "Locaties, serverruimtes en racks" in sites and "Rack toevoegen" in sites
    assert "<td>gedeeld</td>" in sites and "1.200 W / 5.000 W" in sites  # Dutch grouping
    page = c.get(f"/racks/{rack.id}").text
    assert "Hardware in dit rack" in page and "2 van 42 U in gebruik" in page
    assert "Vrij (voorzijde)" in page and "grootste blok 31U" in page
    assert "+ hier plaatsen" in page and "plaatsen op U1" in page  # the elevation's free units
    assert "Sites, rooms and racks" not in sites and "mount here" not in page


def test_hardware_page_shows_dutch_words_and_a_dutch_date(login, db):
    c = dutch(login(Role.technician))
    rack = RackFactory(name="E02")
    hw = mounted(db, rack, 5, name="web-01", u_height=1)
    page = c.get(f"/hardware/{hw.id}").text
    assert "Inventarisnummer" in page and "Eerste installatie" in page
    assert "30-11-2026" in page  # the day the service recorded, as a Dutch reader writes it
    assert "geïnstalleerd" in page and "Verhuizen" in page and "Label afdrukken" in page
    listing = c.get("/hardware").text
    assert "Nieuwe hardware" in listing and "1 rij" in listing


def test_a_taken_unit_is_refused_in_dutch(login, db):
    c = dutch(login(Role.technician))
    rack = RackFactory()
    mounted(db, rack, 5, name="occupant")
    hw = HardwareFactory(name="newcomer")
    r = c.form(f"/hardware/{hw.id}/mount", {"rack_id": rack.id, "position": 5, "face": "front"})
    assert r.status_code == 409
    assert "newcomer kan niet worden geplaatst op U5–U5 (voorzijde)" in r.text and "U5 bezet door occupant" in r.text
    r = c.form(f"/racks/{rack.id}/mount", {"hardware_id": "", "position": 7, "face": "front"})
    assert r.status_code == 422 and "Kies de hardware die u wilt plaatsen" in r.text
    r = c.form(f"/racks/{rack.id}/mount", {"hardware_id": hw.id, "position": 7, "face": "front"})
    assert r.url.path == f"/racks/{rack.id}" and "Hardware geplaatst" in r.text


def test_import_page_and_its_problems_in_dutch(login, maker):
    c = dutch(login(Role.account_manager))
    page = c.get("/import").text
    assert "Recente imports" in page and "Voorbeeld bekijken" in page and "NetBox-export" in page

    def upload(files):  # type: ignore[no-untyped-def]
        form = {"kind": "netbox", "action": "preview", "contracts": "", "_csrf_token": c.cookies["csrftoken"]}
        uploads = [("files", (name, content, "text/csv")) for name, content in files]
        return c.post("/import", data=form, files=uploads, follow_redirects=False)

    r = upload([])
    assert r.status_code == 422 and "Kies een of meer bestanden" in r.text
    racks = b"site,location,name,u_height\nNowhere Site,Hall 1,IMP-01,42\n"
    assert upload([("racks.csv", racks)]).status_code == 303
    job_id = jobs.claim(maker)
    assert job_id is not None
    jobs.run(maker, job_id, date(2026, 11, 30))  # the worker writes in the language of whoever queued the job
    page = c.get(f"/import/{job_id}").text
    assert "1 probleem: er zou niets worden opgeslagen." in page
    assert re.search(r"<td>racks.csv</td><td>2</td><td>site</td><td>Geen locatie \(NetBox-site\) Nowhere Site", page)


def test_the_import_guide_says_in_dutch_that_it_is_english(login):
    page = dutch(login(Role.admin)).get("/import/fields").text
    assert 'lang="en"' in page and "<h1>Bringing inventory in</h1>" in page
    assert "Hoe elk veld wordt gelezen" in dutch(login(Role.admin)).get("/import").text
