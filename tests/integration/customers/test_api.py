"""Customers and contracts through the JSON API."""

from dcops.auth.models import Role
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory


def test_customer_and_contract_lifecycle(api):
    c = api(Role.account_manager)
    r = c.post("/api/customers", json={"name": "Acme B.V.", "kind": "business", "kvk_number": "87654321"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    k = c.post(
        "/api/contracts", json={"number": "K-1", "customer_id": cid, "service": "dedicated", "start_date": "2026-01-01"}
    )
    assert k.status_code == 201 and k.json()["payment_term_days"] == 14 and k.json()["owner"] == "supplier"
    assert c.get("/api/contracts", params={"customer_id": cid}).json()["total"] == 1
    assert c.patch(f"/api/contracts/{k.json()['id']}", json={"payment_term_days": 30}).json()["payment_term_days"] == 30
    assert c.delete(f"/api/customers/{cid}").status_code == 409  # it has a contract
    assert c.delete(f"/api/contracts/{k.json()['id']}").status_code == 204
    assert c.delete(f"/api/customers/{cid}").status_code == 204


def test_business_needs_kvk_consumer_does_not_keep_one(api):
    c = api(Role.account_manager)
    r = c.post("/api/customers", json={"name": "NoKvK B.V.", "kind": "business"})
    assert r.status_code == 422 and "KvK" in r.json()["errors"]["kvk_number"]
    r = c.post("/api/customers", json={"name": "Jan", "kind": "consumer", "kvk_number": "12345678"})
    assert r.status_code == 201 and r.json()["kvk_number"] is None
    r = c.post("/api/customers", json={"name": "Bad", "kind": "business", "kvk_number": "123"})
    assert r.status_code == 400


def test_contract_dates_and_term_are_checked(api):
    c = api(Role.account_manager)
    cust = CustomerFactory()
    r = c.post(
        "/api/contracts",
        json={
            "number": "K-2",
            "customer_id": cust.id,
            "service": "colocation",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert r.status_code == 422 and "end before it starts" in r.json()["errors"]["end_date"]
    r = c.post(
        "/api/contracts",
        json={
            "number": "K-3",
            "customer_id": cust.id,
            "service": "colocation",
            "start_date": "2026-05-01",
            "payment_term_days": 0,
        },
    )
    assert r.status_code == 400


def test_service_of_a_contract_with_hardware_cannot_flip_ownership(api):
    c = api(Role.account_manager)
    contract = ContractFactory(service="colocation")
    HardwareFactory(contract=contract)
    r = c.patch(f"/api/contracts/{contract.id}", json={"service": "dedicated"})
    assert r.status_code == 422
    assert "rule D1" in r.json()["errors"]["service"] and "rule K1" in r.json()["errors"]["service"]


def test_technician_reads_but_cannot_edit_contracts(api):
    c = api(Role.technician)
    contract = ContractFactory()
    assert c.get(f"/api/contracts/{contract.id}").status_code == 200
    r = c.patch(f"/api/contracts/{contract.id}", json={"payment_term_days": 30})
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert "customers:write" in r.json()["detail"]
