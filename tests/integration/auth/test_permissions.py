"""The permission matrix, enforced route by route: every route of the app, every role, and anonymous."""

import re

import pytest

from dcops.auth.models import Role
from dcops.auth.permissions import MATRIX, Perm, allows

SAMPLE_PATH_VALUES = {"int": "999999", "str": "mount", "path": "/dcops.css"}


def routes(app):
    """(method, path, perm) for every handler the app serves."""
    out = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", [])):
                if method in ("HEAD", "OPTIONS"):
                    continue
                out.append((method, route.path, handler.opt.get("perm")))
    return out


def concrete(path: str) -> str:
    return re.sub(r"\{[^:}]+:([a-z]+)\}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path)


def test_every_route_declares_its_permission(app):
    missing = [(m, p) for m, p, perm in routes(app) if perm is None]
    assert missing == []


def test_matrix_states_the_issues_constraints():
    assert not allows(Role.technician, Perm.customers_write)
    assert not allows(Role.security, Perm.inventory_write)
    assert all(allows(role, Perm.public) for role in Role)
    assert MATRIX[Role.admin] >= MATRIX[Role.account_manager] | MATRIX[Role.technician] | MATRIX[Role.security]


def _call(client, method, path):
    kw = {"follow_redirects": False}
    if method == "GET":
        return client.get(path, **kw)
    if path.startswith("/api/"):
        return client.request(method, path, json={}, **kw)
    return client.form(path, {}, **kw) if method == "POST" else client.request(method, path, **kw)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_route_admits_exactly_the_roles_the_matrix_names(app, login, api, role):
    page_client, api_client = login(role), api(role)
    wrong = []
    for method, path, perm in routes(app):
        if path in ("/logout", "/login"):
            continue  # signing out or in again would end this client's session mid-test
        client = api_client if path.startswith("/api/") else page_client
        status = _call(client, method, concrete(path)).status_code
        expected_denied = not allows(role, perm)
        if (status == 403) != expected_denied or status == 401:
            wrong.append((method, path, perm.value, status))
    assert wrong == [], f"{role.value}: routes answering against the matrix"


def test_anonymous_sees_only_the_login_page(app, anon):
    leaks = []
    for method, path, perm in routes(app):
        r = _call(anon, method, concrete(path))
        if perm is Perm.public:
            continue
        if path.startswith("/api/"):
            ok = r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
        else:
            ok = r.status_code in (302, 303) and r.headers["location"].startswith("/login")
        if not ok:
            leaks.append((method, path, r.status_code))
    assert leaks == []


def test_anonymous_get_redirects_back_after_login(anon, db):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    r = anon.get("/hardware?q=web", follow_redirects=False)
    assert r.headers["location"] == "/login?next=/hardware?q=web"
    r = anon.form("/login", {"username": user.username, "password": PASSWORD, "next": "/hardware?q=web"})
    assert r.url.path == "/hardware"
