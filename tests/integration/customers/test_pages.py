"""Customer and contract pages."""

from sqlalchemy import select

from dcops.auth.models import Role
from dcops.customers.models import Contract, Customer
from dcops.racks.models import Face, HardwareStatus
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory


def test_account_manager_creates_customer_and_contract(login, db):
    c = login(Role.account_manager)
    r = c.form("/customers/new", {"name": "Gelderland Games B.V.", "kind": "business", "kvk_number": "11223344"})
    customer = db.scalars(select(Customer).where(Customer.name == "Gelderland Games B.V.")).one()
    assert r.url.path == f"/customers/{customer.id}"
    r = c.form(
        "/contracts/new",
        {
            "number": "GG-1",
            "customer_id": customer.id,
            "service": "colocation",
            "customer_maintains_hardware": "on",
            "start_date": "2026-01-01",
            "payment_term_days": 30,
            "status": "active",
        },
    )
    contract = db.scalars(select(Contract).where(Contract.number == "GG-1")).one()
    assert contract.customer_maintains_hardware and contract.payment_term_days == 30
    assert "Art. 12.2, K1" in c.get(f"/contracts/{contract.id}").text
    assert "GG-1" in c.get(f"/customers/{customer.id}").text


def test_business_without_kvk_rerenders_the_form(login, db):
    c = login(Role.account_manager)
    r = c.form("/customers/new", {"name": "Zonder KvK", "kind": "business", "email": "not-an-email"})
    assert r.status_code == 422 and 'value="Zonder KvK"' in r.text and "field-error" in r.text
    r = c.form("/customers/new", {"name": "Zonder KvK", "kind": "business"})
    assert r.status_code == 422 and "needs its KvK number" in r.text


def test_unticking_the_checkbox_clears_the_responsibility(login, db):
    c = login(Role.account_manager)
    k = ContractFactory(customer_maintains_hardware=True)
    c.form(
        f"/contracts/{k.id}/edit",
        {
            "number": k.number,
            "customer_id": k.customer_id,
            "service": "colocation",
            "start_date": "2025-01-01",
            "payment_term_days": 14,
            "status": "active",
        },
    )
    db.refresh(k)
    assert k.customer_maintains_hardware is False


def test_lists_search_and_show_empty_states(login, db):
    c = login(Role.technician)
    CustomerFactory(name="Findable B.V.")
    assert "Findable B.V." in c.get("/customers", params={"q": "findable"}).text
    assert "No customers match" in c.get("/customers", params={"q": "zzzz"}).text
    assert "No contracts match" in c.get("/contracts", params={"q": "zzzz"}).text


def test_technician_cannot_open_contract_edit(login, db):
    k = ContractFactory()
    assert login(Role.technician).get(f"/contracts/{k.id}/edit").status_code == 403


def test_a_contract_s_hardware_links_the_rack_and_unit_it_is_in(login, db):
    contract = ContractFactory()
    rack = RackFactory(name="C07")
    mounted = HardwareFactory(
        contract=contract, rack=rack, position=12, face=Face.front, status=HardwareStatus.installed
    )
    spare = HardwareFactory(contract=contract, status=HardwareStatus.planned)
    db.flush()
    page = login(Role.technician).get(f"/contracts/{contract.id}").text
    assert f'<a href="/racks/{rack.id}">C07</a> U12' in page and mounted.name in page
    assert spare.name in page and "not mounted" in page
