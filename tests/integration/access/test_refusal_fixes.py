"""A refused visit approval offers, beside each reason, the way to its fix (`reasons_list` with the page's
fixes): A1 to the person's competence, A2 to a new written permission for that person, rooms and days (the form
opens prefilled), A7 to the customer's standing and invoices and to the override, K2/D2 to the customer's
contracts. On the visit's page and on the page a refused approval shows again; in English and in Dutch."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from dcops import clock
from dcops.auth.models import Role
from tests.factories import InvoiceFactory, PersonFactory

TODAY = clock.today()


def _visit(world, **kw) -> int:  # type: ignore[no-untyped-def]
    r = world.desk.post("/api/visits", json=world.visit(**kw))
    assert r.status_code == 201, r.text
    return r.json()["id"]


FIX = re.compile(r'<a class="fix" href="([^"]+)">→ ([^<]+)</a>')


def _fixes(page: str) -> dict[str, str]:
    """label -> url of every fix link on the page."""
    return {html.unescape(label): html.unescape(url) for url, label in FIX.findall(page)}


def test_a1_leads_to_the_person_s_competence_and_an_inactive_person_to_the_active_flag(world, login):
    lisa = PersonFactory(customer=world.customer, name="Lisa Jansen", competence_confirmed_on=None)
    gone = PersonFactory(customer=world.customer, name="Gert Oud", active=False)
    visit = _visit(world, person_ids=[lisa.id, gone.id])
    page = login(Role.account_manager).get(f"/visits/{visit}").text
    fixes = _fixes(page)
    assert fixes["Confirm Lisa Jansen's competence"] == f"/people/{lisa.id}/edit#f-competence_confirmed_on"
    assert fixes["Register Gert Oud as active again"] == f"/people/{gone.id}/edit#f-active"
    # each beside its own reason
    items = re.findall(r"<li>(.*?)</li>", page, re.S)
    assert any("Lisa Jansen has not been confirmed competent" in i and "#f-competence_confirmed_on" in i for i in items)
    assert any("Gert Oud is no longer registered as active" in i and "#f-active" in i for i in items)
    edit = login(Role.account_manager).get(f"/people/{lisa.id}/edit").text
    assert 'id="f-competence_confirmed_on"' in edit and 'id="f-active"' in edit  # where the links land


def test_a2_leads_to_a_written_permission_prefilled_for_that_person_rooms_and_days(world, login):
    third = PersonFactory(customer=world.customer, name="Piet Monteur", third_party=True, company="Acme Koeling")
    visit = _visit(world, person_ids=[third.id])
    desk = login(Role.account_manager)
    url = _fixes(desk.get(f"/visits/{visit}").text)["Record a written permission for Piet Monteur"]
    assert url.startswith("/written-permissions/new?")
    query = parse_qs(urlsplit(url).query)
    assert query["customer_id"] == [str(world.customer.id)] and query["person_id"] == [str(third.id)]
    assert query["room_ids"] == [str(world.room.id)] and query["kind"] == ["third_party_access"]
    form = desk.get(url).text
    assert re.search(rf'<option value="{third.id}"\s+selected>', form)
    assert re.search(rf'value="{world.room.id}"\s+checked', form)
    assert re.search(r'<option value="third_party_access"\s+selected>', form)
    assert ">Piet Monteur (Acme Koeling)</textarea>" in form
    assert f'value="{TODAY:%d/%m/%Y}"' in form  # the visit's days, as the reader types them
    # The permission made from it lets the visit through.
    data = {
        **{k: v[0] for k, v in query.items() if k != "room_ids"},
        "room_ids": world.room.id,
        "granted_by_id": desk.user.id,
        "channel": "email",
        "reference": "<ok@acme.example>",
    }
    r = desk.form("/written-permissions/new", data)
    assert r.status_code == 200, r.text
    r = desk.form(f"/visits/{visit}/approve", {})
    assert r.status_code == 200 and "Visit approved" in r.text


def test_a7_leads_to_the_standing_and_to_the_override(world, login):
    InvoiceFactory(contract=world.contract, issue_date=TODAY - timedelta(days=60))
    visit = _visit(world)
    desk = login(Role.account_manager)
    page = desk.get(f"/visits/{visit}").text
    fixes = _fixes(page)
    assert fixes[f"{world.customer.name}'s standing and invoices"] == f"/customers/{world.customer.id}#standing"
    assert fixes["Override A7 with your written reason"] == "#a7_override" and 'id="a7_override"' in page
    customer = desk.get(f"/customers/{world.customer.id}").text
    assert 'id="standing"' in customer and 'id="invoices"' in customer


def test_k2_leads_to_the_customer_s_contracts(world, login):
    visit = _visit(world, room_ids=[world.other_room.id])
    desk = login(Role.account_manager)
    assert _fixes(desk.get(f"/visits/{visit}").text) == {
        f"Contracts of {world.customer.name}": f"/customers/{world.customer.id}#contracts"
    }
    assert 'id="contracts"' in desk.get(f"/customers/{world.customer.id}").text


def test_a_refused_approval_shows_its_reasons_with_their_fixes(world, login):
    lisa = PersonFactory(customer=world.customer, name="Lisa Jansen", competence_confirmed_on=None)
    visit = _visit(world, person_ids=[lisa.id])
    r = login(Role.account_manager).form(f"/visits/{visit}/approve", {})
    assert r.status_code == 403
    alert = r.text[r.text.index('role="alert"') : r.text.index('id="approval"')]
    assert "Art. 13.1 (rule A1)" in alert and f"/people/{lisa.id}/edit#f-competence_confirmed_on" in alert


def test_no_override_link_where_other_reasons_block_the_approval(world, login):
    InvoiceFactory(contract=world.contract, issue_date=TODAY - timedelta(days=60))
    lisa = PersonFactory(customer=world.customer, competence_confirmed_on=None)
    visit = _visit(world, person_ids=[lisa.id])
    fixes = _fixes(login(Role.account_manager).get(f"/visits/{visit}").text)
    assert "Override A7 with your written reason" not in fixes  # no override form to lead to while A1 blocks
    assert f"{world.customer.name}'s standing and invoices" in fixes


def test_the_fixes_read_in_dutch(world, login):
    InvoiceFactory(contract=world.contract, issue_date=TODAY - timedelta(days=60))
    lisa = PersonFactory(customer=world.customer, name="Lisa Jansen", competence_confirmed_on=None)
    third = PersonFactory(customer=world.customer, name="Piet Monteur", third_party=True, company="Acme")
    visit = _visit(world, person_ids=[lisa.id, third.id], room_ids=[world.room.id, world.other_room.id])
    desk = login(Role.account_manager)
    desk.headers["Accept-Language"] = "nl"
    fixes = _fixes(desk.get(f"/visits/{visit}").text)
    assert fixes["Bekwaamheid van Lisa Jansen bevestigen"].endswith("#f-competence_confirmed_on")
    assert fixes["Schriftelijke toestemming voor Piet Monteur vastleggen"].startswith("/written-permissions/new?")
    assert fixes[f"Nakoming en facturen van {world.customer.name}"].endswith("#standing")
    assert fixes[f"Overeenkomsten van {world.customer.name}"].endswith("#contracts")
