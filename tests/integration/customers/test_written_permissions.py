"""A2/A4/R2: written permissions record who granted what, to whom, where and when; revocable."""

from datetime import timedelta

from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.customers.models import WrittenPermission
from tests.factories import CustomerFactory, RoomFactory, UserFactory

TODAY = clock.today()
DAY = timedelta(days=1)


def _body(customer, rooms, grantor, **kw):
    return {
        "customer_id": customer.id,
        "kind": "third_party_access",
        "covers": "Jan Jansen (Acme Networks)",
        "room_ids": [r.id for r in rooms],
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + 10 * DAY).isoformat(),
        "granted_by_id": grantor.id,
        "channel": "email",
        "reference": "<abc@example.com>",
        **kw,
    }


def test_grant_edit_and_revoke_through_the_api(api, db):
    c = api(Role.account_manager)
    customer, a, b = CustomerFactory(), RoomFactory(), RoomFactory()
    r = c.post("/api/written-permissions", json=_body(customer, [a, b], c.user))
    assert r.status_code == 201, r.text
    w = r.json()
    assert sorted(w["room_ids"]) == sorted([a.id, b.id]) and w["granted_by_id"] == c.user.id
    r = c.patch(f"/api/written-permissions/{w['id']}", json={"room_ids": [a.id]})
    assert r.status_code == 200 and r.json()["room_ids"] == [a.id]
    assert c.delete(f"/api/written-permissions/{w['id']}").status_code == 405  # revoked, never deleted
    r = c.post(f"/api/written-permissions/{w['id']}/revoke")
    assert r.status_code == 200 and r.json()["revoked_by"] == c.user.username and r.json()["revoked_at"]
    assert c.post(f"/api/written-permissions/{w['id']}/revoke").status_code == 409
    assert c.patch(f"/api/written-permissions/{w['id']}", json={"note": "x"}).status_code == 409


def test_bad_grants_are_refused_per_field(api):
    c = api(Role.account_manager)
    customer, room = CustomerFactory(), RoomFactory()
    technician = UserFactory(role=Role.technician)
    r = c.post("/api/written-permissions", json=_body(customer, [room], technician))
    assert r.status_code == 422 and "account manager" in r.json()["errors"]["granted_by_id"]
    r = c.post("/api/written-permissions", json={**_body(customer, [room], c.user), "room_ids": [room.id, 99999]})
    assert r.status_code == 422 and "99999" in r.json()["errors"]["room_ids"]
    r = c.post("/api/written-permissions", json=_body(customer, [room], c.user, valid_until="2000-01-01"))
    assert r.status_code == 422 and "valid_until" in r.json()["errors"]
    r = c.post("/api/written-permissions", json=_body(customer, [], c.user))
    assert r.status_code == 400  # at least one room


def test_permission_form_with_rooms_lists_and_flags_it(login, db):
    c = login(Role.account_manager)
    customer, a, b = CustomerFactory(), RoomFactory(code="ZA"), RoomFactory(code="ZB")
    body = {**_body(customer, [], c.user), "room_ids": None}
    r = c.form("/written-permissions/new", body)
    assert r.status_code == 422 and "room_ids" in r.text
    c.get("/login")
    form = {k: str(v) for k, v in body.items() if v is not None}
    form["_csrf_token"] = c.cookies["csrftoken"]
    r = c.post("/written-permissions/new", content=_urlencode(form, rooms=[a.id, b.id]), headers=_FORM)
    assert r.status_code == 200 and "in force" in r.text and "ends within 14 days" in r.text
    w = db.scalars(select(WrittenPermission).where(WrittenPermission.customer_id == customer.id)).one()
    assert sorted(w.room_ids) == sorted([a.id, b.id])
    page = c.get(f"/customers/{customer.id}")
    assert "Jan Jansen" in page.text and "ends within 14 days" in page.text
    r = c.form(f"/written-permissions/{w.id}/revoke")
    assert r.status_code == 200 and "revoked" in r.text


_FORM = {"content-type": "application/x-www-form-urlencoded"}


def _urlencode(form, rooms):
    from urllib.parse import urlencode

    return urlencode([*form.items(), *(("room_ids", str(r)) for r in rooms)])
