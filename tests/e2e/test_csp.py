"""The pages work under the Content-Security-Policy, in Chromium: each role opens the main pages and the browser
reports no violation (securitypolicyviolation events, console errors) and no script error; a data-confirm form
asks first, data-print prints, data-autosubmit submits, data-back goes back; the door still answers a typed pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dcops.access.models import DoorCheck, Person, Visit, VisitPass
from dcops.cabling.models import Cable
from dcops.customers.models import Breach, Contract, Customer, InsurancePolicy, Invoice, Lien, WrittenPermission
from dcops.db import make_engine, make_sessionmaker
from dcops.moves.models import HandBack, Relocation
from dcops.racks.models import Hardware, Room
from tests.e2e.conftest import _signed_in

# Runs before any page script, on every page: what the browser refuses is kept where the test can read it.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    + (e.sample ? ` (${e.sample})` : ""));
});
"""
PRINT_SPY = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


def _first(session, stmt):  # type: ignore[no-untyped-def]
    return session.scalars(stmt.limit(1)).first()


@pytest.fixture(scope="module")
def ids(live_server, live_data: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{live_data / 'dcops.sqlite3'}")
    with make_sessionmaker(engine)() as s:
        cable = _first(s, select(Cable).order_by(Cable.id))
        visit = _first(s, select(Visit).where(Visit.purpose.startswith("Patch the new uplinks")))
        valid = select(VisitPass.id).where(VisitPass.visit_id == visit.id, VisitPass.revoked_at.is_(None))
        found = {
            "room": _first(s, select(Room.id).order_by(Room.id)),
            "rack": _first(s, select(Hardware.rack_id).where(Hardware.rack_id.is_not(None)).order_by(Hardware.id)),
            "hardware": _first(s, select(Hardware.id).where(Hardware.rack_id.is_not(None)).order_by(Hardware.id)),
            "cable": cable.id,
            "port": cable.a_port_id,
            "customer": _first(s, select(Customer.id).order_by(Customer.id)),
            "contract": _first(s, select(Contract.id).order_by(Contract.id)),
            "invoice": _first(s, select(Invoice.id).order_by(Invoice.id)),
            "breach": _first(s, select(Breach.id).order_by(Breach.id)),
            "lien": _first(s, select(Lien.id).order_by(Lien.id)),
            "policy": _first(s, select(InsurancePolicy.id).order_by(InsurancePolicy.id)),
            "permission": _first(s, select(WrittenPermission.id).order_by(WrittenPermission.id)),
            "visit": visit.id,
            "pass": _first(s, valid),
            "person": _first(s, select(Person.id).order_by(Person.id)),
            "check": _first(s, select(DoorCheck.id).order_by(DoorCheck.id)),
            "relocation": _first(s, select(Relocation.id).order_by(Relocation.id)),
            "hand_back": _first(s, select(HandBack.id).order_by(HandBack.id)),
        }
    engine.dispose()
    assert all(v is not None for v in found.values()), found
    return found


def main_pages(i: dict[str, int]) -> list[str]:
    return [
        "/",
        "/sites",
        f"/rooms/{i['room']}",
        f"/racks/{i['rack']}",
        f"/racks/{i['rack']}/mount",
        "/hardware",
        "/hardware?q=a",
        f"/hardware/{i['hardware']}",
        "/hardware/new",
        f"/hardware/{i['hardware']}/edit",
        "/cables",
        f"/cables/{i['cable']}",
        "/cables/new",
        f"/ports/{i['port']}/trace",
        f"/labels?kind=hardware&rack_id={i['rack']}",
        f"/labels?kind=cable&rack_id={i['rack']}&size=25x10&cols=8",
        "/scan",
        "/relocations",
        "/relocations?view=calendar",
        "/relocations/today",
        f"/relocations/{i['relocation']}",
        "/hand-backs",
        f"/hand-backs/{i['hand_back']}",
        "/customers",
        f"/customers/{i['customer']}",
        "/contracts",
        f"/contracts/{i['contract']}",
        "/invoices",
        f"/invoices/{i['invoice']}",
        f"/breaches/{i['breach']}",
        f"/liens/{i['lien']}",
        f"/policies/{i['policy']}",
        f"/written-permissions/{i['permission']}",
        "/compliance",
        "/visits",
        "/visits/new",
        f"/visits/{i['visit']}",
        "/people",
        f"/people/{i['person']}",
        "/floor",
        "/door",
        "/door/log",
        f"/door/checks/{i['check']}",
        f"/passes/{i['pass']}",
        f"/passes/{i['pass']}?size=a6",
        "/audit",
        "/users",
        "/no-such-page",
    ]


class Watch:
    """A page's console and CSP reports, across navigations."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.reported: list[str] = []  # securitypolicyviolation events and script errors
        self.console: list[tuple[str, str, str, str]] = []  # (page, type, text, the resource it is about)
        self.error_documents: set[str] = set()  # pages that answered 403/404 on purpose: their load "fails"
        page.add_init_script(COLLECT)
        page.on("console", lambda m: self.console.append((page.url, m.type, m.text, m.location.get("url", ""))))
        page.on("pageerror", lambda err: self.reported.append(f"{page.url}: script error {err}"))

    @property
    def problems(self) -> list[str]:
        found = list(self.reported)
        for url, kind, text, about in self.console:
            if "Content Security Policy" in text or "Refused to" in text:
                found.append(f"{url}: console {kind}: {text}")
            elif kind == "error" and not (text.startswith("Failed to load resource") and about in self.error_documents):
                found.append(f"{url}: console error: {text}")
        return found

    def visit(self, path: str) -> int:
        r = self.page.goto(path)
        assert r is not None
        if r.status >= 400:
            self.error_documents.add(r.url)
        self.page.wait_for_load_state("load")
        self.reports()
        return r.status

    def reports(self) -> None:
        for report in self.page.evaluate("window.__csp || []"):
            self.reported.append(f"{self.page.url}: {report}")


@pytest.fixture
def admin(browser, live_server):  # type: ignore[no-untyped-def]
    viewport = {"width": 1366, "height": 900}
    context, page = _signed_in(browser, live_server, "admin", "demo-admin-2026", viewport=viewport)
    yield page
    context.close()


def test_the_watch_sees_a_violation_when_there_is_one(desk):
    watch = Watch(desk)
    watch.visit("/hardware")
    desk.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    desk.wait_for_timeout(200)
    watch.reports()
    assert any("style-src" in p for p in watch.problems), watch.problems


@pytest.mark.parametrize("role", ["admin", "desk", "tablet", "door"])
def test_every_role_opens_the_main_pages_without_a_violation(role, ids, request):
    page = request.getfixturevalue(role)
    watch = Watch(page)
    statuses = {path: watch.visit(path) for path in main_pages(ids)}
    assert watch.problems == []
    assert statuses["/"] == 200 and statuses["/no-such-page"] == 404
    if role == "admin":
        assert {p for p, s in statuses.items() if s != 200} == {"/no-such-page"}, statuses


def test_the_pages_look_as_they_did_without_style_attributes(admin, ids):
    """The label sheet's sizes and the meters' widths now come from classes in dcops.css."""
    page = admin
    Watch(page)
    page.goto(f"/labels?kind=hardware&rack_id={ids['rack']}&cols=2")
    label = page.locator(".label-sheet .label").first
    box = label.bounding_box()
    assert abs(box["width"] - 56 * 96 / 25.4) < 1 and abs(box["height"] - 32 * 96 / 25.4) < 1
    columns = page.locator(".label-sheet").first.evaluate("e => getComputedStyle(e).gridTemplateColumns")
    assert len(columns.split()) == 2
    page.goto(f"/labels?kind=cable&rack_id={ids['rack']}&size=25x10")
    box = page.locator(".label-sheet .label").first.bounding_box()
    assert abs(box["width"] - 25 * 96 / 25.4) < 1 and abs(box["height"] - 10 * 96 / 25.4) < 1
    page.goto(f"/racks/{ids['rack']}")
    meter = page.locator(".meter").first
    pct = int(meter.get_attribute("title").rstrip("%"))
    bar = meter.locator("span").bounding_box()["width"] / meter.bounding_box()["width"] * 100
    assert abs(bar - min(pct, 100)) <= 2.5 or (pct > 0 and bar == 5), (pct, bar)


def test_a_data_confirm_form_asks_before_it_is_submitted(desk, ids):
    """In the page's own <dialog> (base.html), not window.confirm: no browser dialog is opened at all."""
    page = desk
    watch = Watch(page)
    watch.visit(f"/visits/{ids['visit']}")
    browser_dialogs: list[str] = []
    posted: list[str] = []
    page.on("dialog", lambda d: (browser_dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)

    confirm = page.locator("#confirm-dialog")
    page.click("form[action$='/cancel'] button")
    expect(confirm).to_be_visible()
    expect(confirm.locator("#confirm-text")).to_have_text("Cancel this visit? Its passes stop working at once.")
    confirm.locator("button[value=no]").click()
    expect(confirm).to_be_hidden()
    page.wait_for_timeout(300)
    assert posted == [] and page.url.endswith(f"/visits/{ids['visit']}")

    # Accepted, the form is sent; the answer is stubbed so that the demo's visit stays as it is.
    page.route("**/visits/*/cancel", lambda route: route.fulfill(status=200, content_type="text/html", body="sent"))
    page.click("form[action$='/cancel'] button")
    confirm.locator("button[value=yes]").click()
    expect(page.locator("body")).to_have_text("sent")
    assert [u for u in posted if u.endswith(f"/visits/{ids['visit']}/cancel")]
    assert browser_dialogs == [] and watch.problems == []


def test_print_autosubmit_and_back_buttons(desk, ids):
    page = desk
    watch = Watch(page)
    page.add_init_script(PRINT_SPY)
    watch.visit(f"/passes/{ids['pass']}")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1

    watch.visit("/floor")
    escort = page.locator("select[data-autosubmit]").first
    expect(escort).to_be_visible()
    page.route("**/visits/*/escort", lambda route: route.fulfill(status=200, content_type="text/html", body="sent"))
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/escort")):
        escort.select_option(index=1)
    expect(page.locator("body")).to_have_text("sent")

    watch.visit("/hardware")
    watch.visit("/no-such-page")
    page.click("a[data-back]")
    page.wait_for_url("**/hardware")
    assert watch.problems == []


def test_the_door_answers_a_typed_pass(door, live_data):
    """A handheld scanner types the pass and Enter; the answer comes in place (htmx) under the policy."""
    page = door
    watch = Watch(page)
    watch.visit("/door")
    page.get_by_role("button", name="ZAAL-A — Server room A").click()
    engine = make_engine(f"sqlite:///{live_data / 'dcops.sqlite3'}")
    with make_sessionmaker(engine)() as s:
        code = s.scalars(
            select(VisitPass.code)
            .join(Visit)
            .where(Visit.purpose.startswith("Restore the cage partition"), VisitPass.revoked_at.is_(None))
        ).first()
    engine.dispose()
    result = page.locator(".door-result")
    for direction in ("in", "out"):  # in and out again: the demo's floor stays as it was
        if page.locator("#direction").get_attribute("data-mode") != direction:
            page.click("#direction")  # the In/Out toggle
        page.locator("#code").focus()
        page.keyboard.type(code, delay=0)
        page.keyboard.press("Enter")
        expect(result).to_have_attribute("data-decision", "allow")
        expect(result).to_contain_text("Mark van Dijk")
        expect(page.locator("#code")).to_have_value("")
    watch.reports()
    assert watch.problems == []


def test_swagger_ui_renders_the_api_from_the_vendored_bundle(desk):
    """The API's Swagger UI runs under the same policy as every page, from the bundle vendored from npm."""
    watch = Watch(desk)
    assert watch.visit("/schema/swagger") == 200
    expect(desk.locator(".opblock").first).to_be_visible(timeout=15000)
    expect(desk.locator("#swagger-container")).to_contain_text("/api/sites")
    watch.reports()
    assert watch.problems == []
