"""The reader's language over HTTP: the header's switch (remembered), the browser's Accept-Language, the default;
pages, form errors, refusals and API problems in Dutch."""

from __future__ import annotations

from dcops import i18n
from dcops.auth.models import Role
from tests.conftest import Client


def _dutch(client: Client) -> Client:
    client.headers["Accept-Language"] = "nl-NL,nl;q=0.9,en;q=0.5"
    return client


def test_a_dutch_browser_reads_dutch_and_the_page_says_so(login):
    page = _dutch(login(Role.admin)).get("/")
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert "Afmelden" in page.text and "Sign out" not in page.text


def test_without_any_preference_the_installations_language_applies(app, anon):
    del anon.headers["Accept-Language"]
    page = anon.get("/login")
    assert '<html lang="nl">' in page.text  # DCOPS_LANGUAGE's default for the app under test: nl
    assert "Inloggen" in page.text


def test_the_switch_remembers_a_choice_over_the_browsers_language(login):
    client = _dutch(login(Role.technician))
    r = client.form("/language", {"language": "en", "next": "/hardware?status=installed"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/hardware?status=installed"
    assert "dcops_lang=en" in r.headers["set-cookie"] and "Max-Age=31536000" in r.headers["set-cookie"]
    page = client.get("/")
    assert '<html lang="en">' in page.text and "Sign out" in page.text
    client.form("/language", {"language": "nl", "next": "/"})
    assert '<html lang="nl">' in client.get("/").text


def test_the_switch_refuses_other_languages_and_never_leaves_the_site(anon):
    assert anon.form("/language", {"language": "de", "next": "/"}).status_code == 400
    for target in ("//evil.example/x", "https://evil.example/", "\\\\evil", ""):
        r = anon.form("/language", {"language": "nl", "next": target}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"


def test_the_switch_needs_the_csrf_token(anon):
    assert anon.post("/language", data={"language": "nl", "next": "/"}).status_code == 403


def test_form_errors_are_dutch(login):
    client = _dutch(login(Role.admin))
    page = client.form("/users/new", {"username": "x y", "display_name": "", "role": "admin", "password": "kort"})
    assert page.status_code == 422
    assert "Dit veld is verplicht" in page.text  # display_name left empty
    assert "Corrigeer de gemarkeerde velden hieronder." in page.text
    page = client.form("/users/new", {"username": "kees", "display_name": "Kees", "role": "admin", "password": "kort"})
    assert page.status_code == 422 and "Ten minste 10 tekens" in page.text


def test_api_problems_speak_the_callers_language(api):
    client = _dutch(api(Role.admin))
    r = client.get("/api/racks/987654")
    assert r.status_code == 404
    body = r.json()
    assert body["title"] == "Niet gevonden" and "bestaat niet" in body["detail"]
    client.headers["Accept-Language"] = "en"
    assert client.get("/api/racks/987654").json()["detail"] == "rack 987654 does not exist"


def test_after_a_refused_form_the_switch_returns_to_the_page_the_form_was_on(login, db):
    """A refusal re-renders the form at the post's URL, which answers no GET: the switch went there (405)."""
    from tests.factories import InvoiceFactory

    invoice = InvoiceFactory()
    db.flush()
    c = login(Role.account_manager)
    page = f"/invoices/{invoice.id}"
    r = c.form(f"{page}/payments", {"paid_on": "", "amount_cents": "abc"}, headers={"referer": f"http://x{page}"})
    assert r.status_code == 422
    assert f'name="next" value="{page}"' in r.text
    # Refused again: the Referer is now the post's URL, which answers no GET: the page above it
    r = c.form(f"{page}/payments", {"amount_cents": "abc"}, headers={"referer": f"http://x{page}/payments"})
    assert r.status_code == 422 and f'name="next" value="{page}"' in r.text
    for referer in (
        "",
        "http://[x",
        "//evil.example/x",
        "http://x/a%00/%C3%A9/../..",
        "http://x/invoices/99999999999999999999",
    ):
        r = c.form(f"{page}/payments", {"amount_cents": "abc"}, headers={"referer": referer})
        nxt = r.text.split('name="next" value="')[1].split('"')[0]
        assert r.status_code == 422 and nxt.startswith("/"), referer
        switched = c.form("/language", {"language": "en", "next": nxt}, follow_redirects=False)
        location = switched.headers["location"]
        assert location.startswith("/") and not location.startswith("//"), referer  # never another site
        assert c.get(location).status_code in (200, 404), (referer, location)  # a page that answers GET


def test_refusals_of_the_framework_and_the_schemas_read_in_dutch(login):
    """A 403 and the schemas' own descriptions were composed in English inside Dutch sentences ("Moet the 8
    digits of the KvK (Chamber of Commerce) number zijn"); a bound read as digits without grouping."""
    tech = _dutch(login(Role.technician))
    r = tech.get("/invoices")
    assert r.status_code == 403 and "Uw rol (technicus) mag dit niet: daarvoor is het recht" in r.text
    am = _dutch(login(Role.account_manager))
    r = am.form("/customers/new", {"name": "Bakkerij", "kind": "business", "kvk_number": "12", "country": "N"})
    assert r.status_code == 422 and "Moet de 8 cijfers van het KvK-nummer zijn" in r.text
    assert "Moet een landcode van twee letters (ISO 3166-1), bijvoorbeeld NL zijn" in r.text
    from dcops.validation import _clean

    with i18n.use("nl"):
        assert _clean("Expected int <= 1000000") == "Mag hoogstens 1.000.000 zijn"
        assert _clean("Expected array of length >= 1") == "Kies er minstens één"
