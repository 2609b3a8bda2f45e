"""The header's search: each kind for the roles that may read it; a scanned label URL or pass text opens its object."""

from __future__ import annotations

from datetime import UTC, datetime

from dcops.access.models import VisitPass
from dcops.auth.models import Role
from dcops.auth.permissions import MATRIX, Perm
from tests.factories import CustomerFactory, HardwareFactory, PersonFactory, RackFactory, VisitFactory


def test_hardware_is_found_by_name_asset_tag_or_serial(login, db):
    hw = HardwareFactory(name="core-switch-ams", asset_tag="AT-77321", serial="SN-XQ-9")
    tech = login(Role.technician)
    for q in ("core-switch", "77321", "xq-9"):
        page = tech.get("/search", params={"q": q})
        assert page.status_code == 200 and f'href="/hardware/{hw.id}"' in page.text, q


def test_each_kind_only_for_roles_that_may_read_it(login, db, monkeypatch):
    # Every staff role reads customers today; the customers' own accounts will not: take it from security here.
    monkeypatch.setitem(MATRIX, Role.security, MATRIX[Role.security] - {Perm.customers_read})
    customer = CustomerFactory(name="Zeeland Zorg B.V.")
    person = PersonFactory(name="Zeeland Zorgvuldig", customer=customer)
    RackFactory(name="ZZ01")
    manager = login(Role.account_manager).get("/search", params={"q": "Zeeland"}).text
    assert f'href="/customers/{customer.id}"' in manager and f'href="/people/{person.id}"' in manager
    security = login(Role.security).get("/search", params={"q": "Zeeland"}).text
    assert f'href="/people/{person.id}"' in security
    assert f'href="/customers/{customer.id}"' not in security


def test_a_scanned_label_url_opens_its_object_and_no_other_site(login, db):
    rack = RackFactory()
    tech = login(Role.technician)
    r = tech.get("/search", params={"q": f"http://dcops.example/racks/{rack.id}"}, follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"] == f"/racks/{rack.id}"
    r = tech.get("/search", params={"q": "https://evil.example/login"}, follow_redirects=False)
    assert r.status_code == 200  # not an object of this site: a search, nothing opened


def test_a_pass_text_opens_its_visit_and_an_unknown_one_says_so(login, db):
    visit = VisitFactory()
    person = PersonFactory(customer=visit.customer)
    moment = datetime(2026, 3, 2, 8, tzinfo=UTC)
    db.add(
        VisitPass(
            visit_id=visit.id,
            person_id=person.id,
            key_id="k1",
            code="DC1:ABCDEF0123",
            valid_from=moment,
            valid_until=moment,
            issued_by="test",
        )
    )
    db.flush()
    desk = login(Role.security)
    r = desk.get("/search", params={"q": "DC1:ABCDEF0123"}, follow_redirects=False)
    assert r.headers["location"] == f"/visits/{visit.id}"
    page = desk.get("/search", params={"q": "DC1:NOTISSUED"})
    assert page.status_code == 200 and "No pass with this code" in page.text


def test_odd_queries_are_answered_not_failed(login):
    tech = login(Role.technician)
    for q in ("", "x", "%_%", "a" * 5000, "'; drop table rack; --", "\u202e\u0000"):
        assert tech.get("/search", params={"q": q}).status_code in (200, 422), q
    assert "Type at least two characters" in tech.get("/search", params={"q": "x"}).text


def test_the_header_offers_the_search_box(login):
    assert 'action="/search"' in login(Role.technician).get("/").text
