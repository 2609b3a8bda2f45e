"""Security headers on every response, whoever made it: a page, the API, a static file, a redirect, and the
errors that Litestar's router (404, 405), the CSRF check, the guards and the exception handlers answer; and
`Cache-Control: no-store` where a pass, the door or a customer's policy document is shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dcops import crud
from dcops.access.models import VisitPass
from dcops.auth.models import Role
from dcops.customers.models import InsurancePolicy
from dcops.documents import DocumentStore
from dcops.racks import service as racks
from dcops.seed import load
from dcops.web.headers import CSP, no_store
from tests.conftest import keyring_for
from tests.factories import SiteFactory
from tests.integration.test_seed_and_schema import DEMO

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def secured(r, status: int) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-security-policy"] == EXPECTED_CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    for name in ("content-security-policy", "x-frame-options"):  # set once, not added to a handler's own
        assert len(r.headers.get_list(name)) == 1


def test_the_policy_allows_nothing_inline_no_eval_and_no_other_origin():
    assert CSP == EXPECTED_CSP
    assert "unsafe" not in CSP and "*" not in CSP and "http" not in CSP


def test_a_page_an_api_answer_a_static_file_and_a_redirect(login, api, anon):
    secured(login(Role.technician).get("/hardware"), 200)
    secured(api(Role.technician).get("/api/sites"), 200)
    secured(anon.get("/static/dcops.css"), 200)
    secured(anon.get("/static/dcops.js"), 200)
    secured(anon.get("/favicon.ico"), 200)
    r = anon.get("/hardware", follow_redirects=False)  # not signed in: to the sign-in page
    secured(r, 302)
    assert r.headers["location"].startswith("/login")


def test_401_and_403_from_the_guards_and_the_csrf_check(login, api, anon):
    r = anon.get("/api/sites")
    secured(r, 401)
    assert r.headers["content-type"].startswith("application/problem+json")
    secured(api(Role.technician).get("/api/compliance"), 403)  # the guard, on the API
    secured(login(Role.technician).get("/users"), 403)  # the guard, on a page
    secured(anon.post("/login", data={"username": "x", "password": "y"}), 403)  # no CSRF token: the middleware


def test_404_and_405_that_the_router_answers_before_any_route(login, api, anon):
    secured(anon.get("/no-such-page"), 404)
    secured(api(Role.technician).get("/api/no-such-thing"), 404)
    secured(login(Role.technician).get("/hardware/999999"), 404)  # a route that found nothing
    secured(anon.delete("/login"), 405)
    secured(api(Role.admin).put("/api/passes/keys", json={}), 405)


def test_a_400_and_a_422_problem(api):
    c = api(Role.technician)
    secured(c.post("/api/sites", json={"code": "X", "name": 12}), 400)
    r = c.patch(f"/api/sites/{SiteFactory().id}", json={"code": "has space"})
    secured(r, 422)
    assert r.headers["content-type"].startswith("application/problem+json") and r.json()["errors"]


def test_a_500_on_a_page_and_on_the_api(login, api, monkeypatch):
    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    page, client = login(Role.technician), api(Role.technician)  # signing in lands on the dashboard: before
    monkeypatch.setattr(racks, "rack_usage", boom)
    r = page.get("/")
    secured(r, 500)
    assert "Internal error" in r.text
    monkeypatch.setattr(crud, "paginate", boom)
    r = client.get("/api/sites")
    secured(r, 500)
    assert r.json()["title"] == "Internal error"


def test_swagger_ui_runs_from_the_vendored_bundle_under_the_same_policy(anon):
    r = anon.get("/schema/swagger")
    assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    assert "<script>" not in r.text and "<style" not in r.text and "cdn." not in r.text
    assert 'src="/static/swagger-init.js"' in r.text and 'data-spec="/schema/openapi.json"' in r.text
    assert 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in r.text
    secured(anon.get("/static/vendor/swagger-ui/swagger-ui-bundle.js"), 200)
    secured(anon.get("/schema/openapi.json"), 200)
    secured(anon.get("/static/swagger-init.js"), 200)


def _stored(r) -> bool:  # type: ignore[no-untyped-def]
    return "no-store" not in r.headers.get("cache-control", "")


def test_passes_the_door_and_policy_documents_are_never_stored(login, api, anon, db, settings):
    load(db, DEMO, DocumentStore(), keys=keyring_for(settings, db))
    vp = db.scalars(select(VisitPass).order_by(VisitPass.id)).first()
    policy = db.scalars(select(InsurancePolicy).order_by(InsurancePolicy.id)).first()
    desk, desk_api = login(Role.account_manager), api(Role.account_manager)
    guard, guard_api = login(Role.security), api(Role.security)
    responses = {
        "pass page": desk.get(f"/passes/{vp.id}"),
        "pass QR PNG": desk.get(f"/passes/{vp.id}/qr.png"),
        "pass QR SVG": desk.get(f"/passes/{vp.id}/qr.svg"),
        "API pass": desk_api.get(f"/api/passes/{vp.id}"),
        "API pass QR PNG": desk_api.get(f"/api/passes/{vp.id}/qr.png"),
        "policy document": desk.get(f"/policies/{policy.id}/document"),
        "API policy document": desk_api.get(f"/api/policies/{policy.id}/document"),
        "door": guard.get("/door"),
        "door log": guard.get("/door/log"),
        "API door checks": guard_api.get("/api/door/checks"),
    }
    for what, r in responses.items():
        secured(r, 200)
        assert not _stored(r), what
    assert responses["pass QR PNG"].content.startswith(b"\x89PNG")
    # Elsewhere the browser may keep what it likes: the public keys, pages, static files.
    for r in (anon.get("/api/passes/keys"), desk.get("/visits"), anon.get("/static/dcops.css")):
        secured(r, 200)
        assert _stored(r)


@pytest.mark.parametrize(
    "path, stored",
    [
        ("/passes/12", False),
        ("/passes/12/qr.png", False),
        ("/api/passes/12", False),
        ("/api/passes/12/qr.svg", False),
        ("/door", False),
        ("/door/", False),
        ("/door/check", False),
        ("/api/door/checks/3", False),
        ("/policies/4/document", False),
        ("/api/policies/4/document", False),
        ("/api/passes/keys", True),
        ("/policies/4", True),
        ("/policies/4/edit", True),
        ("/doors", True),
        ("/passes-and-more", True),
        ("/visits/1", False),  # a visit's page and API show its passes' codes
        ("/api/visits/1", False),
        ("/visits", True),
    ],
)
def test_which_paths_are_no_store(path, stored):
    assert no_store(path) is not stored
