"""Bearer calls skip the cookie machinery and look their token up once a second per worker; a revoked token or a
deactivated user is refused within that second on every worker (issue 14)."""

from __future__ import annotations

from dcops.app import create_app
from dcops.auth.models import ApiToken, Role
from dcops.auth.service import TokenIn, create_token, revoke_token, set_active
from dcops.auth.token_cache import TokenCache
from tests.conftest import Client
from tests.factories import UserFactory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _workers(settings, maker, db, clock, n=2):  # type: ignore[no-untyped-def]
    """n app instances on one database, as n uvicorn workers would be, each with its own token cache."""
    clients = []
    for _ in range(n):
        app = create_app(settings, session_maker=maker)
        app.state["test_session"] = db
        app.state["token_cache"] = TokenCache(clock=clock)
        clients.append(Client(app))
    return clients


def _bearer(db, role=Role.technician):  # type: ignore[no-untyped-def]
    user = UserFactory(role=role)
    token, secret = create_token(db, TokenIn(user_id=user.id, name="cache"), actor="test")
    return user, token, {"Authorization": f"Bearer {secret}"}


def test_a_revoked_token_is_refused_within_a_second_on_every_worker(settings, maker, db):
    clock = Clock()
    workers = _workers(settings, maker, db, clock)
    _, token, bearer = _bearer(db)
    assert all(w.get("/api/sites", headers=bearer).status_code == 200 for w in workers)
    revoke_token(db, db.get(ApiToken, token.id), actor="admin")
    clock.now += 0.5  # still within the second each worker may keep its answer
    assert all(w.get("/api/sites", headers=bearer).status_code == 200 for w in workers)
    clock.now += 0.5
    assert all(w.get("/api/sites", headers=bearer).status_code == 401 for w in workers)


def test_a_deactivated_user_s_token_is_refused_within_a_second(settings, maker, db):
    clock = Clock()
    (worker,) = _workers(settings, maker, db, clock, n=1)
    user, _, bearer = _bearer(db)
    assert worker.get("/api/sites", headers=bearer).status_code == 200
    set_active(db, user, False, actor="admin")
    clock.now += TokenCache.TTL
    assert worker.get("/api/sites", headers=bearer).status_code == 401


def test_a_burst_of_calls_looks_the_token_up_once(api, count_statements):
    client = api(Role.technician)
    assert client.get("/api/sites").status_code == 200
    counter = count_statements()
    assert client.get("/api/sites").status_code == 200
    assert not any("api_token" in sql for sql in counter.statements), counter.statements


def test_api_calls_neither_read_nor_set_the_session_cookie(api, login):
    client = api(Role.technician)
    r = client.get("/api/sites")
    assert r.status_code == 200 and "set-cookie" not in r.headers
    signed_in = login(Role.admin)  # a browser's session cookie does not authenticate the API
    signed_in.headers.pop("Authorization", None)
    assert signed_in.get("/api/sites").status_code == 401
