"""K9: no new colocation hardware without a valid policy on file; policy documents and requests."""

from datetime import timedelta

from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.customers.models import InsurancePolicy, PolicyRequest
from dcops.documents import Document
from dcops.seed import demo_pdf
from dcops.terms import Service
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    InsurancePolicyFactory,
    RackFactory,
)

TODAY = clock.today()
DAY = timedelta(days=1)


def _upload(client, customer_id, content=None, **fields):
    data = {
        "customer_id": str(customer_id),
        "insurer": "Achmea",
        "policy_number": "P-1",
        "insured_cents": "5000000",
        "valid_from": (TODAY - DAY).isoformat(),
        "valid_until": (TODAY + 365 * DAY).isoformat(),
        **fields,
    }
    files = {"document": ("polis.pdf", content if content is not None else demo_pdf("polis"), "application/pdf")}
    return client.post("/api/policies", data=data, files=files)


def test_mounting_colocation_hardware_needs_a_valid_policy(api, login, db):
    uninsured = CustomerFactory(insured=False)
    hw = HardwareFactory(contract=ContractFactory(customer=uninsured))
    rack = RackFactory()
    r = api(Role.technician).post(f"/api/hardware/{hw.id}/mount", json={"rack_id": rack.id, "position": 1})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K9"
    assert r.json()["reasons"][0]["article"] == "12.8"
    page = login(Role.technician).form(f"/hardware/{hw.id}/mount", {"rack_id": rack.id, "position": 1, "face": "front"})
    assert page.status_code == 403 and "rule K9" in page.text and 'value="1"' in page.text

    expired = InsurancePolicyFactory(customer=uninsured, valid_from=TODAY - 400 * DAY, valid_until=TODAY - DAY)
    assert (
        api(Role.technician).post(f"/api/hardware/{hw.id}/mount", json={"rack_id": rack.id, "position": 1}).status_code
        == 403
    )
    expired.valid_until = TODAY
    db.flush()
    assert (
        api(Role.technician).post(f"/api/hardware/{hw.id}/mount", json={"rack_id": rack.id, "position": 1}).status_code
        == 200
    )


def test_dedicated_and_supplier_hardware_need_no_customer_policy(api):
    uninsured = CustomerFactory(insured=False)
    dedicated = HardwareFactory(contract=ContractFactory(customer=uninsured, service=Service.dedicated))
    switch = HardwareFactory(contract=None)
    rack = RackFactory()
    c = api(Role.technician)
    assert c.post(f"/api/hardware/{dedicated.id}/mount", json={"rack_id": rack.id, "position": 1}).status_code == 200
    assert c.post(f"/api/hardware/{switch.id}/mount", json={"rack_id": rack.id, "position": 2}).status_code == 200


def test_create_and_mount_in_one_call_is_refused_whole(api, db):
    contract = ContractFactory(customer=CustomerFactory(insured=False))
    r = api(Role.technician).post(
        "/api/hardware",
        json={
            "name": "new-01",
            "asset_tag": "NEW-01",
            "contract_id": contract.id,
            "mount": {"rack_id": RackFactory().id, "position": 1},
        },
    )
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K9"
    assert api(Role.technician).get("/api/hardware", params={"q": "NEW-01"}).json()["total"] == 0


def test_policy_upload_is_stored_by_hash_and_answers_open_requests(api, settings, db):
    customer = CustomerFactory(insured=False)
    c = api(Role.account_manager)
    req = c.post(
        "/api/policy-requests",
        json={"customer_id": customer.id, "requested_on": (TODAY - 20 * DAY).isoformat(), "channel": "email"},
    )
    assert req.status_code == 201
    pdf = demo_pdf("Policy P-1")
    r = _upload(c, customer.id, pdf)
    assert r.status_code == 201, r.text
    policy = r.json()
    assert policy["document_type"] == "application/pdf" and policy["document_size"] == len(pdf)
    stored = db.get(Document, policy["document_sha256"])  # in the database, not on this host's disk
    assert stored.content == pdf and stored.media_type == "application/pdf"
    assert not (settings.data_dir / "documents").exists()
    doc = c.get(f"/api/policies/{policy['id']}/document")
    assert doc.status_code == 200 and doc.content == pdf and doc.headers["content-type"] == "application/pdf"
    assert "attachment" in doc.headers["content-disposition"]
    assert api(Role.technician).get(f"/api/policies/{policy['id']}/document").status_code == 403
    assert api(Role.technician).get(f"/api/policies/{policy['id']}").status_code == 200
    answered = c.get(f"/api/policy-requests/{req.json()['id']}").json()
    assert answered["policy_id"] == policy["id"] and answered["answered_on"] == TODAY.isoformat()


def test_policy_upload_refuses_bad_documents_and_dates(api, db):
    customer = CustomerFactory(insured=False)
    c = api(Role.account_manager)
    r = _upload(c, customer.id, b"GIF89a not allowed")
    assert r.status_code == 422 and "PDF, PNG or JPEG" in r.json()["errors"]["document"]
    r = _upload(c, customer.id, valid_until=(TODAY - 10 * DAY).isoformat())
    assert r.status_code == 422 and "valid_until" in r.json()["errors"]
    r = c.post("/api/policies", data={"customer_id": str(customer.id)}, files={"x": ("a", b"b")})
    assert r.status_code == 422 and "insurer" in r.json()["errors"]
    assert db.scalars(select(InsurancePolicy).where(InsurancePolicy.customer_id == customer.id)).all() == []


def test_policy_pages_upload_view_and_edit(login, db):
    customer = CustomerFactory(insured=False)
    c = login(Role.account_manager)
    c.get("/login")
    data = {
        "customer_id": str(customer.id),
        "insurer": "Allianz",
        "policy_number": "AZ-9",
        "insured_cents": "12500,00",
        "currency": "EUR",
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + 20 * DAY).isoformat(),
        "_csrf_token": c.cookies["csrftoken"],
    }
    r = c.post("/policies/new", data=data, files={"document": ("scan.txt", b"plain text", "text/plain")})
    assert r.status_code == 422 and "PDF, PNG or JPEG" in r.text and 'value="Allianz"' in r.text
    r = c.post("/policies/new", data=data, files={"document": ("scan.png", b"\x89PNG\r\n\x1a\n....", "image/png")})
    assert r.status_code == 200 and "€12,500.00" in r.text and "ends within 30 days" in r.text
    policy = db.scalars(select(InsurancePolicy).where(InsurancePolicy.customer_id == customer.id)).one()
    assert c.get(f"/policies/{policy.id}/document").content.startswith(b"\x89PNG")
    r = c.post(
        f"/policies/{policy.id}/edit",
        data={**data, "insurer": "Allianz NL"},
        files={"document": ("", b"", "application/octet-stream")},
    )
    assert r.status_code == 200 and "Allianz NL" in r.text
    db.expire_all()
    assert policy.document_type == "image/png"  # no new file: the old one stays


def test_policy_request_form_and_overdue_flag(login, db):
    customer = CustomerFactory(insured=False)
    c = login(Role.account_manager)
    r = c.form(
        "/policy-requests/new",
        {"customer_id": customer.id, "requested_on": (TODAY - 15 * DAY).isoformat(), "channel": "letter"},
    )
    assert r.status_code == 200 and "unanswered" in r.text
    req = db.scalars(select(PolicyRequest).where(PolicyRequest.customer_id == customer.id)).one()
    assert req.requested_by == c.user.username
