"""The access screens over HTML: the door, the visit desk, the floor view, the printable pass, the CLI."""

import io
import json
import re

import zxingcpp
from click.testing import CliRunner
from PIL import Image
from sqlalchemy import func, select

from dcops.access.models import Inspection, Visit
from dcops.auth.models import Role
from dcops.cli import main
from tests.factories import InvoiceFactory, PersonFactory
from tests.integration.test_seed_and_schema import DEMO


def test_the_door_screen_answers_a_scan_in_place(world, login):
    guard = login(Role.security)
    code = world.approved()["passes"][0]["code"]
    page = guard.get("/door")
    assert page.status_code == 200 and 'id="code"' in page.text and world.room.code in page.text
    r = guard.form(
        "/door/check", {"code": code, "room_id": world.room.id, "direction": "in"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "ALLOW" in r.text and world.person.name in r.text and "<html" not in r.text
    r = guard.form("/door/check", {"code": "DC1:forged", "room_id": world.room.id, "direction": "in"})
    assert r.status_code == 200 and "DENY" in r.text and "Art. 13.1 (rule P1)" in r.text and "<html" in r.text
    assert "Refuse; keep the pass; call the duty manager." in r.text  # the officer's instruction
    r = guard.form("/door/check", {"code": code, "room_id": "", "direction": "in"}, headers={"HX-Request": "true"})
    assert "Choose the door" in r.text


def test_technicians_do_not_run_the_door(login):
    assert login(Role.technician).get("/door").status_code == 403


def test_the_desk_sees_the_refusal_before_approving_and_overrides_a7_with_a_reason(world, login, db):
    desk = login(Role.account_manager)
    InvoiceFactory(contract=world.contract, issue_date=world.contract.start_date)
    vid = world.desk.post("/api/visits", json=world.visit()).json()["id"]
    page = desk.get(f"/visits/{vid}")
    assert "Art. 13.7 (rule A7)" in page.text and "Approve with override" in page.text
    r = desk.form(f"/visits/{vid}/approve", {"a7_override": ""})
    assert r.status_code == 403 and "Art. 13.7 (rule A7)" in r.text
    r = desk.form(f"/visits/{vid}/approve", {"a7_override": "Hi"})
    assert r.status_code == 422 and "Hi</textarea>" in r.text  # what was typed stays
    r = desk.form(f"/visits/{vid}/approve", {"a7_override": "Emergency power work agreed"})
    assert r.status_code == 200 and "A7 overridden" in r.text and "Emergency power work agreed" in r.text
    assert db.get(Visit, vid).status.value == "approved"


def test_requesting_a_visit_keeps_what_was_typed_on_error(world, login):
    tech = login(Role.technician)
    form = tech.get(f"/visits/new?customer_id={world.customer.id}")
    assert form.status_code == 200 and world.person.name in form.text
    data = {
        "customer_id": world.customer.id,
        "purpose": "Swap a PSU",
        "starts_at": "2030-01-01T09:00",
        "ends_at": "2030-01-20T09:00",
        "room_ids": world.room.id,
        "person_ids": world.person.id,
    }
    r = tech.form("/visits/new", data)
    assert r.status_code == 422 and "14 days" in r.text and "Swap a PSU" in r.text
    r = tech.form("/visits/new", {**data, "ends_at": "2030-01-01T12:00"})
    assert r.status_code == 200 and "Visit requested" in r.text and "requested" in r.text


def test_the_people_to_choose_are_the_chosen_customers_own(world, login, db):
    tech = login(Role.technician)
    stranger = PersonFactory()  # another customer's
    first = tech.get("/visits/new")
    assert "Choose the customer first" in first.text and world.person.name not in first.text
    assert 'hx-get="/visits/new/people"' in first.text
    boxes = tech.get(f"/visits/new/people?customer_id={world.customer.id}")
    assert boxes.status_code == 200 and "<html" not in boxes.text
    assert world.person.name in boxes.text and stranger.name not in boxes.text
    for nothing in ("", "x", "99999999999", "-1"):
        r = tech.get(f"/visits/new/people?customer_id={nothing}")
        assert r.status_code == 200 and 'name="person_ids"' not in r.text
    empty = tech.get(f"/visits/new/people?customer_id={stranger.customer_id + 1000}")
    assert "no registered people yet" in empty.text
    assert login(Role.security).get(f"/visits/new/people?customer_id={world.customer.id}").status_code == 403
    # A refused request shows the posted customer's people again, with the ones ticked still ticked.
    r = tech.form("/visits/new", {"customer_id": world.customer.id, "person_ids": world.person.id, "purpose": ""})
    assert r.status_code == 422 and stranger.name not in r.text
    assert re.search(rf'value="{world.person.id}"\s+checked', r.text)


def test_the_floor_shows_who_is_inside_and_logs_an_inspection(world, login, db):
    tech = login(Role.technician)
    code = world.approved()["passes"][0]["code"]
    world.scan(code)
    page = tech.get("/floor")
    assert page.status_code == 200 and world.person.name in page.text and "Inside now (1)" in page.text
    r = tech.form("/floor/inspections", {"room_id": world.room.id, "findings": ""})
    assert r.status_code == 422 and "required" in r.text
    r = tech.form("/floor/inspections", {"room_id": world.room.id, "findings": "Cage A07 intact"})
    assert r.status_code == 200 and "rule A5" in r.text
    assert db.scalars(select(Inspection)).one().inspected_by == tech.user.username


def test_escort_assigned_from_the_floor(world, login, db):
    tech = login(Role.technician)
    third = PersonFactory(customer=world.customer, third_party=True, company="Acme")
    visit = world.desk.post("/api/visits", json=world.visit(person_ids=[third.id])).json()
    r = tech.form(f"/visits/{visit['id']}/escort", {"escort_id": tech.user.id, "back": "/floor"})
    assert r.status_code == 200 and r.url.path == "/floor"
    assert db.get(Visit, visit["id"]).escort_id == tech.user.id


def test_the_printable_pass_carries_its_qr(world, login):
    desk = login(Role.account_manager)
    p = world.approved()["passes"][0]
    page = desk.get(f"/passes/{p['id']}?size=a6")
    assert page.status_code == 200 and "VISITOR" in page.text and world.person.name in page.text
    assert f'src="/passes/{p["id"]}/qr.svg"' in page.text and 'class="pass a6"' in page.text
    png = desk.get(f"/passes/{p['id']}/qr.png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [f.text for f in found] == [p["code"]]


def test_erasing_a_person_from_their_page(world, login, db):
    desk = login(Role.account_manager)
    r = desk.form(f"/people/{world.person.id}/erase")
    assert r.status_code == 200 and "(erased)" in r.text
    db.refresh(world.person)
    assert world.person.pseudonymised_at is not None and world.person.email is None


def test_sweep_housekeeping_and_key_rotation_from_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DCOPS_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    assert run(main, ["db", "upgrade"]).exit_code == 0
    assert run(main, ["seed", "load", str(DEMO)]).exit_code == 0
    r = run(main, ["sweep", "--json"])
    assert json.loads(r.output)["housekeeping"] == {"deactivated": [], "pseudonymised": [], "kept": []}
    before = run(main, ["keys", "list"]).output
    r = run(main, ["keys", "rotate"])
    assert r.exit_code == 0 and "New signing key" in r.output
    old = re.match(r"^([0-9a-f]{16})", before).group(1)
    after = run(main, ["keys", "list"]).output
    assert f"{old}  retired, kept until" in after and after.count("current") == 1


def test_the_dashboard_shows_access_today(world, login):
    code = world.approved()["passes"][0]["code"]
    world.scan(code)
    # Security lands on the door screen (a kiosk); the dashboard shows access today to the others who read it.
    r = login(Role.security).get("/", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"] == "/door"
    admin = login(Role.admin).get("/").text
    assert "people inside now" in admin and 'href="/door"' in admin
    tech = login(Role.technician).get("/").text
    assert "approved visits today" in tech and "open the door check" not in tech


def test_the_door_log_lists_and_filters_checks(world, login):
    code = world.approved()["passes"][0]["code"]
    world.scan(code)
    world.scan("garbage")
    desk = login(Role.account_manager)
    page = desk.get("/door/log?decision=deny")
    assert page.status_code == 200 and "unreadable pass" in page.text and world.person.name not in page.text
    r = world.desk.get("/api/door/checks", params={"decision": "allow"}).json()
    assert r["total"] == 1 and r["items"][0]["person_id"] == world.person.id


def test_a_long_purpose_is_cut_at_a_word_in_lists(world, login):
    """Lists show the start of a long purpose cut at a word with an ellipsis, never mid-word; the visit's own page
    shows all of it."""
    purpose = "Replace the failing power supply of the storage array and check the redundant feed afterwards"
    visit = world.desk.post("/api/visits", json=world.visit(purpose=purpose)).json()
    c = login(Role.account_manager)
    row = re.search(rf'<a href="/visits/{visit["id"]}">#{visit["id"]}</a> ([^<]*)</td>', c.get("/visits").text)
    assert row is not None
    shown = row.group(1)
    assert shown.endswith("...") and purpose.startswith(shown[:-3]) and len(shown) <= 63
    assert purpose.split()[len(shown[:-3].split()) - 1] == shown[:-3].split()[-1]  # the last word shown is whole
    assert purpose in c.get(f"/visits/{visit['id']}").text


def test_a_text_field_sent_twice_reads_as_its_lines_not_a_500(world, login, db):
    """Only a crafted post repeats a text field; it was a list where text was expected (500)."""
    guard = login(Role.security)
    code = world.approved()["passes"][0]["code"]
    guard.get("/door")
    world.scan(code)
    body = {"code": code, "room_id": str(world.room.id), "direction": "out", "asset_tags": ["AT-1", "AT-2"],
            "_csrf_token": guard.cookies["csrftoken"]}  # fmt: skip
    r = guard.post("/door/check", data=body, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "AT-1" in r.text and "AT-2" in r.text, r.text  # both checked, as if typed apart
    desk = login(Role.account_manager)
    vid = world.desk.post("/api/visits", json=world.visit()).json()["id"]
    desk.get("/visits")
    note = {"note": ["Not needed", "this week"], "_csrf_token": desk.cookies["csrftoken"]}
    assert desk.post(f"/visits/{vid}/deny", data=note).status_code == 200
    assert db.get(Visit, vid).decision_note == "Not needed\nthis week"


def test_a_visit_whose_purpose_was_not_chosen_is_not_requested(world, login, db):
    """An unchosen purpose ("— choose —") posts empty: it was read as the schema's default (maintain), and K2
    then allowed a visit nobody said was for maintenance."""
    c = login(Role.account_manager)
    data = {
        "customer_id": world.customer.id,
        "purpose_kind": "",
        "purpose": "A tour",
        "starts_at": "2030-01-01T09:00",
        "ends_at": "2030-01-01T12:00",
        "room_ids": world.room.id,
        "person_ids": world.person.id,
    }
    before = db.scalar(select(func.count()).select_from(Visit))
    r = c.form("/visits/new", data)
    assert r.status_code == 422 and "This field is required" in r.text and "A tour" in r.text
    assert db.scalar(select(func.count()).select_from(Visit)) == before
