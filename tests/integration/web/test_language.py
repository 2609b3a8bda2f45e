"""The reader's language over HTTP: the header's switch (remembered), the browser's Accept-Language, the default;
pages, form errors, refusals and API problems in Dutch."""

from __future__ import annotations

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
