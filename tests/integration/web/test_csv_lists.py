"""CSV of the list pages: every row the filters select (not one page), the page's own permission, and no cell a
spreadsheet would run as a formula."""

import csv
import io

from dcops.auth.models import Role
from dcops.racks import service
from dcops.racks.schemas import MountIn
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory


def rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_hardware_csv_takes_the_list_s_filters_and_every_row(login, db):
    c = login(Role.technician)
    rack = RackFactory()
    contract = ContractFactory(customer=CustomerFactory(name="=HYPERLINK(evil) B.V."))
    for i in range(60):  # more than one page of the list
        HardwareFactory(name=f"csv-{i:02d}", contract=contract if i % 2 else None)
    hw = HardwareFactory(name="csv-mounted")
    service.mount(db, hw, MountIn(rack_id=rack.id, position=3), "t")
    every = rows(c.get("/hardware.csv", params={"q": "csv-", "limit": 10}))
    assert len(every) == 61 and [r["name"] for r in every] == sorted(r["name"] for r in every)
    mounted = rows(c.get("/hardware.csv", params={"rack_id": rack.id}))
    assert [(r["name"], r["rack"], r["position"]) for r in mounted] == [("csv-mounted", rack.name, "3")]
    owned = rows(c.get("/hardware.csv", params={"q": "csv-", "owner": "customer"}))
    evil = [r for r in owned if r["customer"] == "'=HYPERLINK(evil) B.V."]  # kept as text, never a formula
    assert len(evil) == 30 and all(r["owner"] == "customer" for r in owned)
    page = c.get("/hardware", params={"q": "csv-"}).text
    assert 'href="/hardware.csv?q=csv-"' in page and "(61 rows)" in page


def test_racks_cables_and_customers_csv(login, db):
    tech, manager, security = login(Role.technician), login(Role.account_manager), login(Role.security)
    rack = RackFactory(name="R-CSV")
    hw = HardwareFactory(u_height=2)
    service.mount(db, hw, MountIn(rack_id=rack.id, position=1), "t")
    racks = rows(tech.get("/racks.csv"))
    assert {"rack": "R-CSV", "used_u": "2"}.items() <= next(r for r in racks if r["rack"] == "R-CSV").items()
    assert rows(tech.get("/racks.csv", params={"room_id": rack.room_id}))[0]["rack"] == "R-CSV"
    assert rows(tech.get("/cables.csv")) == []
    CustomerFactory(name="Alpha CSV B.V.")
    ContractFactory(customer=CustomerFactory(name="Beta CSV B.V."), number="C-CSV")
    found = rows(manager.get("/customers.csv", params={"q": "csv"}))
    assert [(r["name"], r["contracts"]) for r in found] == [("Alpha CSV B.V.", ""), ("Beta CSV B.V.", "C-CSV")]
    assert security.get("/customers.csv").status_code in (200, 403)  # as the customers page itself
    assert security.get("/customers.csv").status_code == security.get("/customers").status_code
