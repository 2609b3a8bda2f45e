"""The inventory JSON API: CRUD, actions, pagination, filters and problem+json errors."""

from dcops.auth.models import Role
from tests.factories import ContractFactory, HardwareFactory, RackFactory, RoomFactory, SiteFactory

PROBLEM = "application/problem+json"


def test_site_room_rack_hardware_lifecycle(api):
    c = api(Role.technician)
    site = c.post("/api/sites", json={"code": "AMS1", "name": "Amsterdam"})
    assert site.status_code == 201, site.text
    site_id = site.json()["id"]
    room = c.post("/api/rooms", json={"site_id": site_id, "code": "Z1", "name": "Zaal 1"}).json()
    rack = c.post("/api/racks", json={"room_id": room["id"], "name": "R01", "u_height": 42, "power_budget_w": 4000})
    assert rack.status_code == 201 and rack.json()["kind"] == "shared"
    rack_id = rack.json()["id"]
    hw = c.post(
        "/api/hardware",
        json={"name": "fw-01", "asset_tag": "X-1", "u_height": 1, "mount": {"rack_id": rack_id, "position": 40}},
    )
    assert hw.status_code == 201, hw.text
    body = hw.json()
    assert body["rack_id"] == rack_id and body["position"] == 40 and body["status"] == "installed"
    assert body["owner"] == "supplier"

    patched = c.patch(f"/api/racks/{rack_id}", json={"power_budget_w": 5000})
    assert patched.status_code == 200 and patched.json()["power_budget_w"] == 5000
    assert patched.json()["name"] == "R01"

    assert c.get(f"/api/hardware/{body['id']}").json()["asset_tag"] == "X-1"
    refused = c.delete(f"/api/racks/{rack_id}")
    assert refused.status_code == 409 and refused.headers["content-type"].startswith(PROBLEM)
    assert "unmount it first" in refused.json()["detail"]
    assert c.post(f"/api/hardware/{body['id']}/unmount", json={"status": "removed"}).status_code == 200
    assert c.delete(f"/api/hardware/{body['id']}").status_code == 204
    assert c.delete(f"/api/racks/{rack_id}").status_code == 204
    assert c.get(f"/api/racks/{rack_id}").status_code == 404


def test_mount_overlap_is_a_409_problem_with_the_field(api, db):
    c = api(Role.technician)
    rack = RackFactory()
    a, b = HardwareFactory(name="db-01", u_height=2, contract=None), HardwareFactory()
    assert c.post(f"/api/hardware/{a.id}/mount", json={"rack_id": rack.id, "position": 5}).status_code == 200
    r = c.post(f"/api/hardware/{b.id}/mount", json={"rack_id": rack.id, "position": 6})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith(PROBLEM)
    problem = r.json()
    assert problem["status"] == 409 and "U6 taken by db-01" in problem["errors"]["position"]
    moved = c.post(f"/api/hardware/{a.id}/move", json={"rack_id": rack.id, "position": 20, "face": "rear"})
    assert moved.status_code == 200 and moved.json()["face"] == "rear"
    assert c.post(f"/api/hardware/{b.id}/mount", json={"rack_id": rack.id, "position": 6}).status_code == 200


def test_over_height_is_a_422_with_field_errors(api):
    c = api(Role.technician)
    rack = RackFactory(u_height=10)
    hw = HardwareFactory(u_height=2)
    r = c.post(f"/api/hardware/{hw.id}/mount", json={"rack_id": rack.id, "position": 10})
    assert r.status_code == 422 and "would reach U11" in r.json()["errors"]["position"]


def test_malformed_body_is_a_400_problem(api):
    c = api(Role.technician)
    r = c.post("/api/sites", json={"code": "X", "name": 12})
    assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["title"] == "Malformed request"
    r = c.patch(f"/api/sites/{SiteFactory().id}", json={"code": "has space"})
    assert r.status_code == 422 and "code" in r.json()["errors"]


def test_duplicate_keys_name_the_field(api):
    c = api(Role.technician)
    SiteFactory(code="DUP")
    r = c.post("/api/sites", json={"code": "DUP", "name": "Other"})
    assert r.status_code == 422 and r.json()["errors"] == {"code": "DUP is already in use"}
    room = RoomFactory(code="Z9")
    r = c.post("/api/rooms", json={"site_id": room.site_id, "code": "Z9", "name": "again"})
    assert r.status_code == 422 and "already in use in this site" in r.json()["errors"]["code"]
    r = c.post("/api/rooms", json={"site_id": 999999, "code": "Z9", "name": "nowhere"})
    assert r.status_code == 422 and r.json()["errors"]["site_id"] == "No site with id 999999"


def test_shared_rack_cannot_be_let(api, db):
    from tests.factories import CustomerFactory

    c = api(Role.technician)
    room, customer = RoomFactory(), CustomerFactory()
    r = c.post("/api/racks", json={"room_id": room.id, "name": "S1", "kind": "shared", "customer_id": customer.id})
    assert r.status_code == 422 and "Only a private rack" in r.json()["errors"]["customer_id"]
    r = c.post("/api/racks", json={"room_id": room.id, "name": "P1", "kind": "private", "customer_id": customer.id})
    assert r.status_code == 201


def test_rack_cannot_shrink_below_mounted_hardware(api, db):
    c = api(Role.technician)
    rack = RackFactory(u_height=42)
    hw = HardwareFactory()
    c.post(f"/api/hardware/{hw.id}/mount", json={"rack_id": rack.id, "position": 30})
    r = c.patch(f"/api/racks/{rack.id}", json={"u_height": 24})
    assert r.status_code == 422 and "up to U30" in r.json()["errors"]["u_height"]


def test_list_paginates_and_filters(api):
    c = api(Role.security)
    dedicated = ContractFactory(service="dedicated")
    for i in range(7):
        HardwareFactory(name=f"pg-{i}", contract=dedicated)
    HardwareFactory(name="pg-colo")
    page = c.get("/api/hardware", params={"q": "pg-", "limit": 3, "offset": 3}).json()
    assert page["total"] == 8 and page["limit"] == 3 and page["offset"] == 3 and len(page["items"]) == 3
    owned = c.get("/api/hardware", params={"q": "pg-", "owner": "customer"}).json()
    assert [h["name"] for h in owned["items"]] == ["pg-colo"]
    assert c.get("/api/hardware", params={"limit": 100000}).json()["limit"] == 500


def test_problem_for_unknown_ids(api):
    r = api(Role.security).get("/api/hardware/424242")
    assert r.status_code == 404 and r.json()["detail"] == "hardware 424242 does not exist"


def test_openapi_schema_is_served(api):
    schema = api(Role.security).get("/schema/openapi.json").json()
    assert "/api/hardware/{item_id}/mount" in schema["paths"]
    assert "bearer" in schema["components"]["securitySchemes"]
