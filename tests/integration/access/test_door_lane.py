"""The door's own lane (dcops.access.door_lane): the common check answered in front of the framework, exactly as
the app answers it, and everything else left to the app."""

from typing import Any

import pytest

from dcops.access.door_lane import DoorLane
from dcops.access.models import DoorCheck
from dcops.app import create_app
from dcops.auth.models import ApiToken, Role
from dcops.auth.service import TokenIn, create_token, revoke_token
from dcops.auth.token_cache import TokenCache
from tests.conftest import Client
from tests.factories import UserFactory
from tests.integration.auth.test_token_cache import Clock


@pytest.fixture
def lane(app, monkeypatch) -> list[Any]:  # type: ignore[no-untyped-def]
    """The answers the lane gave itself (None: it handed the call to the app). The token cache's clock stands still,
    so a slow machine cannot let a token's second run out between two calls of a test."""
    assert isinstance(app.asgi_handler.app, DoorLane)  # behind the header guard (dcops.web.header_guard)
    app.state["token_cache"] = TokenCache(clock=lambda: 0.0)  # this test's own: the app fixture binds a fresh one
    given: list[Any] = []
    check = DoorLane._check

    def counted(self: DoorLane, *args: Any) -> bytes | None:
        given.append(answer := check(self, *args))
        return answer

    monkeypatch.setattr(DoorLane, "_check", counted)
    return given


def _post(world, code: str, **kw: Any):  # type: ignore[no-untyped-def]
    return world.door.post("/api/door/checks", json={"code": code, "room_id": world.room.id, **kw})


def test_a_known_token_is_answered_by_the_lane_as_the_app_answers(world, lane, db):
    code = world.approved()["passes"][0]["code"]
    by_app = _post(world, code)  # the token is not known yet: the app resolves it (and keeps it for a second)
    assert lane == []
    by_lane = _post(world, code, direction="out")
    assert len(lane) == 1 and lane[0] is not None
    assert by_app.status_code == by_lane.status_code == 201
    assert set(by_app.json()) == set(by_lane.json()) and set(by_app.json()["check"]) == set(by_lane.json()["check"])
    body = by_lane.json()
    assert body["allowed"] is True and body["check"]["direction"] == "out" and body["person"] == world.person.name
    assert body["check"]["officer"] == world.door.user.username
    for name in ("content-type", "cache-control", "content-security-policy", "x-frame-options"):
        assert by_lane.headers[name] == by_app.headers[name], name
    assert by_lane.headers["cache-control"] == "no-store"  # who came in: never kept by a browser or proxy
    recorded = db.get(DoorCheck, body["check"]["id"])
    assert recorded is not None and recorded.passed and recorded.officer == world.door.user.username


def test_the_lane_speaks_the_readers_language(world, lane):
    code = world.approved(escort_required=True)["passes"][0]["code"]
    _post(world, code)
    r = world.door.post(
        "/api/door/checks",
        json={"code": "not a pass", "room_id": world.room.id},
        headers={"Accept-Language": "nl"},
    )
    assert lane and lane[-1] is not None
    assert r.status_code == 201 and r.json()["allowed"] is False
    english = world.door.post("/api/door/checks", json={"code": "not a pass", "room_id": world.room.id}).json()
    assert r.json()["check"]["reasons"][0]["rule"] == english["check"]["reasons"][0]["rule"] == "P1"
    assert r.json()["check"]["reasons"][0]["message"] != english["check"]["reasons"][0]["message"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"code": "x", "room_id": 99999}, 422),  # no such door: the check raised, rolled back, the app answers
        ({"code": "x\u0000", "room_id": 1}, 422),  # a control character: the app's input guard
        ({"code": "x"}, 400),  # no room: the app's validation
        ({"code": "x", "room_id": 1, "direction": "sideways"}, 400),
    ],
)
def test_what_the_lane_does_not_take_the_app_answers_its_own_way(world, lane, body, status):
    code = world.approved()["passes"][0]["code"]
    _post(world, code)  # the token is known from here on
    r = world.door.post("/api/door/checks", json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_query_string_goes_to_the_app_and_its_input_guard(world, lane):
    code = world.approved()["passes"][0]["code"]
    _post(world, code)
    body = {"code": code, "room_id": world.room.id, "direction": "out"}
    r = world.door.post("/api/door/checks?note=a%00b", json=body)
    assert r.status_code == 422 and lane == []


def test_broken_json_goes_to_the_app(world, lane):
    _post(world, world.approved()["passes"][0]["code"])
    r = world.door.post("/api/door/checks", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and lane == []


def test_a_scan_sent_twice_is_refused_by_the_app_after_the_lane_rolled_back(world, lane, db):
    code = world.approved()["passes"][0]["code"]
    _post(world, code)
    first = _post(world, code, direction="out", client_id="scan-0000000000000001")
    again = _post(world, code, direction="out", client_id="scan-0000000000000001")
    assert first.status_code == 201 and again.status_code == 409
    assert lane[-1] is None  # the lane's try was rolled back; the app's answer is the one the screen got
    assert db.query(DoorCheck).filter_by(client_id="scan-0000000000000001").count() == 1


def test_a_role_that_may_not_check_is_refused_by_the_app(world, api, lane):
    code = world.approved()["passes"][0]["code"]
    technician = api(Role.technician)
    for _ in range(2):  # the second call finds the token resolved: the lane still leaves it to the app
        r = technician.post("/api/door/checks", json={"code": code, "room_id": world.room.id})
        assert r.status_code == 403
    assert lane == []


def test_a_revoked_token_is_refused_at_the_door_within_a_second(world, settings, maker, db):
    """The lane trusts only what the worker's token cache holds, and for no longer than the cache does."""
    code = world.approved()["passes"][0]["code"]
    clock = Clock()
    app = create_app(settings, session_maker=maker)
    app.state["test_session"] = db
    app.state["token_cache"] = TokenCache(clock=clock)
    gate = Client(app)
    user = UserFactory(role=Role.security)
    token, secret = create_token(db, TokenIn(user_id=user.id, name="gate"), actor="test")
    gate.headers["Authorization"] = f"Bearer {secret}"
    scan = {"code": code, "room_id": world.room.id}
    assert gate.post("/api/door/checks", json=scan).status_code == 201
    revoke_token(db, db.get(ApiToken, token.id), actor="admin")
    clock.now += 0.5
    assert gate.post("/api/door/checks", json={**scan, "direction": "out"}).status_code == 201  # still known
    clock.now += 0.5
    assert gate.post("/api/door/checks", json=scan).status_code == 401


def test_a_body_that_is_not_declared_json_goes_to_the_app(world, lane):
    code = world.approved()["passes"][0]["code"]
    _post(world, code)
    r = world.door.post(
        "/api/door/checks",
        content=f'{{"code": "{code}", "room_id": {world.room.id}, "direction": "out"}}',
        headers={"content-type": "text/plain"},
    )
    assert lane == [] and r.status_code == 201  # the app, with its own rules for the body, took it


@pytest.mark.parametrize("depth", [2_000, 5_000])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_json_nested_thousands_deep_is_a_malformed_request_not_a_500(world, lane, depth, content_type):
    """msgspec refuses such nesting with a RecursionError (and the input guard's walk would hit one): the lane hands
    it on, and the app answers 400, on this route as on any other."""
    _post(world, world.approved()["passes"][0]["code"])
    body = b'{"code": ' + b"[" * depth + b"]" * depth + b', "room_id": 1}'
    r = world.door.post("/api/door/checks", content=body, headers={"content-type": content_type})
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == "The JSON body is nested too deeply" and lane == []
