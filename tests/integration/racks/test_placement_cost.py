"""Mount, move and unmount over HTTP cost at most six statements each (issue 14), the refusal of a taken unit
still names who holds it, and the statements do not grow with the rack or the inventory."""

from dcops.auth.models import Role
from dcops.terms import Service
from tests.factories import ContractFactory, HardwareFactory, RackFactory


def _work(counter) -> list[str]:  # type: ignore[no-untyped-def]
    """The placement's own statements. Not counted: transaction control, PostgreSQL's advisory lock that orders the
    audit chain's appenders (it must be a statement of its own so the append's snapshot follows it), and the bearer
    token's lookup (once a second per worker, test_token_cache.py; a slow machine crosses that second)."""
    skip = ("FROM api_token", "pg_advisory_xact_lock")
    return [s for s in counter.work if not any(k in s for k in skip)]


def _dedicated():  # type: ignore[no-untyped-def]
    return HardwareFactory(contract=ContractFactory(service=Service.dedicated))


def test_mount_move_and_unmount_cost_at_most_six_statements(api, count_statements):
    c = api(Role.technician)
    rack = RackFactory()
    other = RackFactory(room=rack.room)
    for n in range(10):  # a rack and an inventory that are not empty
        c.post(f"/api/hardware/{_dedicated().id}/mount", json={"rack_id": rack.id, "position": 20 + n})
    hw = _dedicated()
    costs = {}
    for action, call in [
        ("mount", lambda: c.post(f"/api/hardware/{hw.id}/mount", json={"rack_id": rack.id, "position": 1})),
        ("move", lambda: c.post(f"/api/hardware/{hw.id}/move", json={"rack_id": other.id, "position": 3})),
        ("unmount", lambda: c.post(f"/api/hardware/{hw.id}/unmount", json={"status": "planned"})),
    ]:
        counter = count_statements()
        r = call()
        assert r.status_code == 200, r.text
        costs[action] = len(_work(counter))
    assert all(cost <= 6 for cost in costs.values()), costs


def test_a_taken_unit_is_refused_naming_who_holds_it(api):
    c = api(Role.technician)
    rack = RackFactory()
    first, second = _dedicated(), _dedicated()
    assert c.post(f"/api/hardware/{first.id}/mount", json={"rack_id": rack.id, "position": 5}).status_code == 200
    r = c.post(f"/api/hardware/{second.id}/mount", json={"rack_id": rack.id, "position": 5})
    assert r.status_code == 409 and r.json()["errors"] == {"position": r.json()["detail"]}
    assert f"U5 taken by {first.name}" in r.json()["detail"]
    assert c.get(f"/api/hardware/{second.id}").json()["rack_id"] is None  # nothing of the refused booking stays
