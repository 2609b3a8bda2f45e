"""The hardware list page: every filter joins only what it needs, pages come in name order from the index, and
the count and the page take two statements whatever the filter."""

import re

from dcops.auth.models import Role
from dcops.racks import service
from dcops.racks.schemas import MountIn
from tests.factories import ContractFactory, HardwareFactory, RackFactory, RoomFactory, SiteFactory


def names(page: str) -> list[str]:
    return re.findall(r'<a href="/hardware/\d+">(lst-[^<]+)</a>', page)


def test_each_filter_pages_in_name_order_with_its_count(login, db, count_statements):
    c = login(Role.security)
    site = SiteFactory()
    room = RoomFactory(site=site)
    rack = RackFactory(room=room)
    customer_contract = ContractFactory(service="colocation")
    dedicated = ContractFactory(service="dedicated", customer=customer_contract.customer)
    for i in range(6):
        hw = HardwareFactory(name=f"lst-in-{i}", contract=customer_contract if i % 2 else dedicated)
        service.mount(db, hw, MountIn(rack_id=rack.id, position=1 + i), "t")
    for i in range(4):
        HardwareFactory(name=f"lst-out-{i}", contract=None)
    everything = names(c.get("/hardware", params={"limit": 500}).text)
    assert everything == sorted(everything) and len(everything) == 10

    def listed(**params: object) -> tuple[list[str], str]:
        page = c.get("/hardware", params={"limit": 2, **params}).text
        return names(page), page

    assert listed(site_id=site.id, offset=2)[0] == ["lst-in-2", "lst-in-3"]
    assert "3–4 of 6" in listed(room_id=room.id, offset=2)[1]
    assert listed(rack_id=rack.id, offset=4)[0] == ["lst-in-4", "lst-in-5"]
    assert listed(customer_id=customer_contract.customer_id, offset=0)[0] == ["lst-in-0", "lst-in-1"]
    owned, page = listed(owner="customer", offset=2)
    assert owned == ["lst-in-5"] and "3–3 of 3" in page
    supplier, page = listed(owner="supplier", offset=2)  # 3 dedicated (D1) and 4 under no contract
    assert supplier == ["lst-in-4", "lst-out-0"] and "3–4 of 7" in page
    assert listed(status="planned")[0] == ["lst-out-0", "lst-out-1"]

    counter = count_statements()
    c.get("/hardware", params={"room_id": room.id, "owner": "customer", "offset": 1})
    page_statements = [s for s in counter.work if "hardware" in s]
    assert len(page_statements) == 1  # the last page: its rows tell the total, nothing to count
    counter = count_statements()
    assert "1–2 of 10" in c.get("/hardware", params={"limit": 2}).text
    page_statements = [s for s in counter.work if "hardware" in s]
    assert len(page_statements) == 2  # a full page: the page and the count


def test_search_ignores_case_and_takes_wildcards_literally(login, db):
    """The search box matches name, asset tag, serial and model, whatever the case, on both databases; what was
    typed is matched as text (% and _ are no wildcards, a backslash is a backslash)."""
    c = login(Role.security)
    HardwareFactory(name="lst-Edge_01", serial="SN-ABC")
    HardwareFactory(name="lst-edge-02", model="Dell R650 100%")
    HardwareFactory(name="lst-core\\03")

    def found(q: str) -> list[str]:
        return names(c.get("/hardware", params={"q": q, "limit": 500}).text)

    assert found("EDGE") == ["lst-Edge_01", "lst-edge-02"]
    assert found("sn-abc") == ["lst-Edge_01"]  # the serial
    assert found("r650") == ["lst-edge-02"]  # the model
    assert found("edge_") == ["lst-Edge_01"]  # _ is not "any character"
    assert found("100%") == ["lst-edge-02"] and found("%") == ["lst-edge-02"]
    assert found("core\\03") == ["lst-core\\03"]
