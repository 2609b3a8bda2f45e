"""A customer's language and its contacts by role, through the API and the customer's page; the compliance overview
flags a customer a kind of written notice cannot reach (R2)."""

from __future__ import annotations

from sqlalchemy import select

from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.customers.models import Contact
from tests.factories import ContactFactory, CustomerFactory


def _contact(customer, **kw):  # type: ignore[no-untyped-def]
    return {
        "customer_id": customer.id,
        "name": "Eva Mulder",
        "email": "eva@maasland.example",
        "roles": ["billing"],
        **kw,
    }


def test_contacts_are_added_changed_and_removed_through_the_api(api, db):
    customer = CustomerFactory()
    am = api(Role.account_manager)
    r = am.post("/api/contacts", json=_contact(customer, phone="+31 6 1234 5678"))
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["roles"] == ["billing"] and made["phone"] == "+31 6 1234 5678"
    r = am.patch(f"/api/contacts/{made['id']}", json={"roles": ["technical", "access"]})
    assert r.status_code == 200 and r.json()["roles"] == ["technical", "access"]
    listed = am.get("/api/contacts", params={"customer_id": customer.id}).json()
    assert [c["email"] for c in listed["items"]] == ["eva@maasland.example"]
    assert am.get(f"/api/customers/{customer.id}").json()["contacts"][0]["roles"] == ["technical", "access"]
    assert am.delete(f"/api/contacts/{made['id']}").status_code == 204
    assert db.scalars(select(Contact).where(Contact.customer_id == customer.id)).all() == []
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "customer contact")).all()
    assert actions == ["create", "update", "delete"]


def test_bad_contacts_are_refused_per_field(api):
    """The body's shape is checked before the service (400, naming the field), the rules by the service (422); a
    change through PATCH is checked whole, with the plain words of dcops.validation (422)."""
    customer = CustomerFactory()
    am = api(Role.account_manager)
    existing = ContactFactory(customer=customer, email="eva@maasland.example")
    cases = [
        ({"email": "eva@maasland"}, "email", 400, "regex"),
        ({"email": "eva,bob@maasland.example"}, "email", 400, "regex"),
        ({"roles": ["sales"]}, "roles[0]", 400, "Invalid enum value"),
        ({"name": "Eva\nBcc: x@evil.example"}, "name", 400, "regex"),
        ({"roles": []}, "roles", 422, "at least one role"),
        ({}, "email", 422, "already in use"),
    ]
    for change, field, status, says in cases:
        r = am.post("/api/contacts", json=_contact(customer, **change))
        assert r.status_code == status, (change, r.text)
        assert field in r.json()["errors"] and says in r.json()["errors"][field], (change, r.json())
    for change, field, says in [
        ({"email": "eva@maasland"}, "email", "Must be an e-mail address like name@example.com"),
        ({"name": "Eva\nBcc: x@evil.example"}, "name", "Must be text on one line"),
        ({"roles": ["sales"]}, "roles", "Choose one of the listed values"),
    ]:
        r = am.patch(f"/api/contacts/{existing.id}", json=change)
        assert r.status_code == 422 and r.json()["errors"][field] == says, r.text
    assert api(Role.technician).post("/api/contacts", json=_contact(customer, email="t@x.example")).status_code == 403
    assert api(Role.technician).get("/api/contacts").status_code == 200


def test_a_contact_stays_with_its_customer(api):
    contact = ContactFactory()
    other = CustomerFactory()
    r = api(Role.account_manager).patch(f"/api/contacts/{contact.id}", json={"customer_id": other.id})
    assert r.status_code == 422 and "customer_id" in r.json()["errors"]


def test_the_customer_s_language_is_dutch_unless_set_to_english(api):
    am = api(Role.account_manager)
    r = am.post(
        "/api/customers", json={"name": "Schelde BV", "kind": "business", "country": "BE", "vat_number": "BE0412345678"}
    )
    assert r.status_code == 201 and r.json()["language"] == "nl"
    cid = r.json()["id"]
    assert am.patch(f"/api/customers/{cid}", json={"language": "en"}).json()["language"] == "en"
    r = am.patch(f"/api/customers/{cid}", json={"language": "fr"})
    assert r.status_code == 422 and "language" in r.json()["errors"]
    assert "contact_name" not in am.get(f"/api/customers/{cid}").json()  # contacts replace the one contact person


def _post(client, path, data):  # type: ignore[no-untyped-def]
    """A form post whose roles are ticked boxes: the name repeats, once per role."""
    if "csrftoken" not in client.cookies:
        client.get("/login")
    return client.post(path, data={**data, "_csrf_token": client.cookies["csrftoken"]}, follow_redirects=False)


def test_contacts_on_the_customer_s_page_add_edit_remove(login, db):
    customer = CustomerFactory()
    page = login(Role.account_manager)
    shown = page.get(f"/customers/{customer.id}")
    assert "No contacts yet" in shown.text and shown.text.count("reach nobody") == 4  # three roles, and the empty list
    assert f'href="/contacts/new?customer_id={customer.id}"' in shown.text

    form = page.get(f"/contacts/new?customer_id={customer.id}")
    assert form.status_code == 200 and 'name="roles" value="access"' in form.text
    body = {"customer_id": str(customer.id), "name": "Pieter Smit", "email": "pieter@", "roles": ["access"]}
    bad = _post(page, "/contacts/new", body)
    assert bad.status_code == 422 and 'value="Pieter Smit"' in bad.text and "e-mail address like" in bad.text
    assert 'value="access" checked' in bad.text
    assert _post(page, "/contacts/new", {**body, "email": "pieter@hh.example", "roles": []}).status_code == 422

    body = {**body, "email": "pieter@hh.example", "roles": ["access", "technical"]}
    r = _post(page, "/contacts/new", body)
    assert r.status_code in (302, 303) and r.headers["location"] == f"/customers/{customer.id}#contacts"
    contact = db.scalars(select(Contact).where(Contact.customer_id == customer.id)).one()
    assert contact.roles == ["technical", "access"]
    shown = page.get(f"/customers/{customer.id}")
    assert "pieter@hh.example" in shown.text and shown.text.count("reach nobody") == 1  # billing still reaches nobody

    edit = page.get(f"/contacts/{contact.id}/edit")
    assert 'value="access" checked' in edit.text and 'value="billing" checked' not in edit.text
    r = _post(page, f"/contacts/{contact.id}/edit", {**body, "roles": ["billing", "technical", "access"]})
    assert r.status_code in (302, 303) and "reach nobody" not in page.get(f"/customers/{customer.id}").text
    contact_id = contact.id
    r = _post(page, f"/contacts/{contact_id}/delete", {})
    assert r.headers["location"] == f"/customers/{customer.id}#contacts"
    db.expire_all()
    assert db.get(Contact, contact_id) is None
    assert login(Role.technician).get(f"/contacts/new?customer_id={customer.id}").status_code == 403


def test_the_customer_form_sets_its_language(login, db):
    customer = CustomerFactory()
    page = login(Role.account_manager)
    form = page.get(f"/customers/{customer.id}/edit")
    assert '<option value="en"' in form.text and "Nederlands" in form.text
    r = page.form(
        f"/customers/{customer.id}/edit",
        {
            "name": customer.name,
            "kind": "business",
            "country": "NL",
            "kvk_number": customer.kvk_number,
            "language": "en",
        },
    )
    assert r.status_code == 200
    db.refresh(customer)
    assert customer.language == "en" and "English" in page.get(f"/customers/{customer.id}").text


def test_r2_the_compliance_overview_flags_a_customer_a_kind_of_notice_cannot_reach(api, db):
    """R2: written notices go only to contacts with the kind's role; a customer without one is listed, per role."""
    customer = CustomerFactory(name="Maasland Logistiek B.V.")
    ContactFactory(customer=customer, roles=["billing", "technical"])
    am = api(Role.account_manager)
    section = next(s for s in am.get("/api/compliance").json()["sections"] if s["key"] == "contacts")
    [line] = [x for x in section["lines"] if x["subject"] == customer.name]
    assert (line["rule"], line["article"]) == ("R2", "31.5") and line["link"] == f"/customers/{customer.id}#contacts"
    assert "no access contact (visit approved, visit refused, visit cancelled, pass reissued)" in line["message"]
    assert "billing" not in line["message"]
    ContactFactory(customer=customer, roles=["access"])
    section = next(s for s in am.get("/api/compliance").json()["sections"] if s["key"] == "contacts")
    assert customer.name not in [x["subject"] for x in section["lines"]]
