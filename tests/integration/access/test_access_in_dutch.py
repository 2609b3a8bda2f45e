"""The visits, people, door and floor screens in Dutch: a Dutch reader (Accept-Language: nl) reads the words of the
terms (bezoek, bezoekerspas, deur, TOEGANG / GEWEIGERD, begeleiding verplicht), dates the Dutch way (30-11-2026), and
is refused in Dutch."""

import re

from dcops.access.models import Visit, VisitStatus
from dcops.auth.models import Role
from tests.factories import PersonFactory

DUTCH_MOMENT = r"\d\d-\d\d-\d{4} \d\d:\d\d"  # 30-11-2026 14:05 (English: 30/11/2026 14:05)


def dutch(client):  # type: ignore[no-untyped-def]
    client.headers["Accept-Language"] = "nl"
    return client


def test_the_desk_approves_a_visit_in_dutch(world, login, db):
    desk = dutch(login(Role.account_manager))
    vid = world.desk.post("/api/visits", json=world.visit()).json()["id"]
    page = desk.get(f"/visits/{vid}")
    assert page.status_code == 200 and '<html lang="nl">' in page.text
    assert "Bezoek #" in page.text and "aangevraagd" in page.text and "Goedkeuring" in page.text
    assert "De toegangsvoorwaarden staan dit bezoek toe" in page.text and "Goedkeuren en passen uitgeven" in page.text
    assert re.search(rf"<dd>{DUTCH_MOMENT} – (\d\d:\d\d|{DUTCH_MOMENT})</dd>", page.text)  # the visit's window

    r = desk.form(f"/visits/{vid}/deny", {"note": ""})  # a form error, in Dutch
    assert r.status_code == 422 and "Geef aan waarom het bezoek wordt geweigerd" in r.text

    r = desk.form(f"/visits/{vid}/approve", {"a7_override": ""})
    assert r.status_code == 200 and "Bezoek goedgekeurd; passen uitgegeven" in r.text
    assert "goedgekeurd" in r.text and "Passen" in r.text and "Opnieuw afdrukken" in r.text and "geldig" in r.text
    assert db.get(Visit, vid).status is VisitStatus.approved

    r = desk.form(f"/visits/{vid}/approve", {"a7_override": ""})  # a refusal of the service, in Dutch
    assert (
        r.status_code == 409 and "Dit bezoek is goedgekeurd; alleen een aangevraagd bezoek wordt goedgekeurd" in r.text
    )

    pass_id = db.get(Visit, vid).passes[0].id
    printed = desk.get(f"/passes/{pass_id}")
    assert "BEZOEKER" in printed.text and "Bezoekerspas #" in printed.text and "Afdrukken" in printed.text
    assert re.search(DUTCH_MOMENT, printed.text)


def test_the_door_answers_in_dutch(world, login):
    guard = dutch(login(Role.security))
    third = PersonFactory(customer=world.customer, third_party=True, company="Acme")
    world.grant(third)
    code = world.approved(person_ids=[third.id], escort_required=True)["passes"][0]["code"]
    page = guard.get("/door")
    assert (
        "Scan een bezoekerspas" in page.text
        and "Kies de deur waar dit scherm staat" in page.text
        and "Klaar voor de volgende scan" in page.text
    )

    r = guard.form(
        "/door/check", {"code": code, "room_id": world.room.id, "direction": "in"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "TOEGANG" in r.text and "BEGELEIDING VERPLICHT" in r.text
    assert "Tijdvak" in r.text and re.search(DUTCH_MOMENT, r.text)

    r = guard.form("/door/check", {"code": "DC1:forged", "room_id": world.room.id, "direction": "in"})
    assert r.status_code == 200 and "GEWEIGERD" in r.text  # the refusal, and the pass's problem, in Dutch
    assert "De pas kan niet worden gelezen (beschadigde of onvolledige code)" in r.text

    r = guard.form("/door/check", {"code": code, "room_id": "", "direction": "in"}, headers={"HX-Request": "true"})
    assert "NIET GECONTROLEERD" in r.text and "Kies de deur (ruimte) waar dit scherm staat" in r.text

    log = dutch(login(Role.account_manager)).get("/door/log")
    assert "Deurlogboek" in log.text and "onleesbare pas" in log.text and "binnen" in log.text
    assert "toegang" in log.text and "geweigerd" in log.text and re.search(DUTCH_MOMENT, log.text)


def test_the_floor_in_dutch(world, login):
    code = world.approved()["passes"][0]["code"]
    world.scan(code)
    tech = dutch(login(Role.technician))
    page = tech.get("/floor")
    assert page.status_code == 200 and "Nu binnen (1)" in page.text and "Bezoeken vandaag" in page.text
    assert "Controles (art. 13.5, regel A5)" in page.text and "Controle vastleggen" in page.text

    r = tech.form("/floor/inspections", {"room_id": world.room.id, "findings": "Kooi A07 intact"})
    assert r.status_code == 200 and "Controle vastgelegd (art. 13.5, regel A5)" in r.text
    assert re.search(rf"<td>{DUTCH_MOMENT}</td><td>{world.room.code}</td>", r.text)


def test_people_in_dutch(world, login):
    desk = dutch(login(Role.account_manager))
    page = desk.get("/people")
    assert "Personen" in page.text and "Persoon registreren" in page.text and "sinds 01-01-2025" in page.text

    form = desk.get(f"/people/new?customer_id={world.customer.id}")
    assert "Laatste 4 tekens van het nummer" in form.text and "identiteitskaart" in form.text
    r = desk.form("/people/new", {"customer_id": world.customer.id, "name": "Jan Jansen", "third_party": "on"})
    assert r.status_code == 422 and "Het eigen bedrijf van een derde is verplicht (regel A2)" in r.text

    person = desk.get(f"/people/{world.person.id}")
    assert "bevestigd op 01-01-2025 door test" in person.text and "Persoonsgegevens wissen (R3)" in person.text
