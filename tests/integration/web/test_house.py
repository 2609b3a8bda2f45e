"""The house in order: list filters, Cancel links, the favicon, a readable API schema, no models circle."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dcops.auth.models import Role
from tests import factories


@pytest.mark.parametrize(
    "path",
    [
        "/visits?status=requested",
        "/visits?status=approved",
        "/visits?status=nonsense",
        "/relocations?status=scheduled",
        "/relocations?status=planned",
        "/relocations?view=calendar&status=draft",
    ],
)
def test_a_status_filter_never_becomes_the_response_status(login, path):
    r = login(Role.account_manager).get(path)
    assert r.status_code == 200, r.text[:300]


def test_the_visit_filter_keeps_only_visits_in_that_status(login, db):
    customer = factories.CustomerFactory()
    requested = factories.VisitFactory(customer=customer, purpose="awaiting approval here")
    approved = factories.VisitFactory(customer=customer, purpose="already approved there", status="approved")
    page = login(Role.account_manager).get("/visits?status=requested").text
    assert requested.purpose in page and approved.purpose not in page


@pytest.mark.parametrize(
    "form",
    ["/rooms/new", "/racks/new", "/notices/new", "/breaches/new", "/policy-requests/new", "/written-permissions/new"],
)
def test_cancel_on_a_new_form_leads_somewhere(login, form):
    client = login(Role.admin)
    page = client.get(form).text
    cancel = page.split('class="btn secondary" href="')[1].split('"')[0]
    assert client.get(cancel).status_code == 200, cancel


def test_cancel_returns_to_the_record_the_form_was_opened_from(login, db):
    customer = factories.CustomerFactory()
    page = login(Role.admin).get(f"/breaches/new?customer_id={customer.id}").text
    assert f'class="btn secondary" href="/customers/{customer.id}"' in page


def test_favicon(anon):
    r = anon.get("/favicon.ico")
    assert r.status_code == 200 and r.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_api_schema_is_readable_without_signing_in_but_the_api_is_not(anon):
    r = anon.get("/schema/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert "/api/racks" in schema["paths"] and schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert anon.get("/schema/swagger").status_code == 200
    assert anon.get("/api/racks").status_code == 401


@pytest.mark.parametrize("module", ["dcops.racks.models", "dcops.cabling.models", "dcops.moves.models"])
def test_no_models_module_imports_another_packages_models(module):
    code = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.endswith('.models')))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    own = module
    assert loaded - {own} == set(), f"{module} imports {loaded - {own}} at module level"
