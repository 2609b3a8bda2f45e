"""Signing in and out, CSRF on forms, deactivation, and API tokens."""

from sqlalchemy import select

from dcops.audit import AuditEvent
from dcops.auth.models import ApiToken, Role, User
from tests.factories import PASSWORD, UserFactory


def test_login_success_is_audited_and_logout_ends_the_session(anon, db):
    user = UserFactory(username="kees")
    r = anon.form("/login", {"username": "Kees ", "password": PASSWORD})
    assert r.status_code == 200 and r.url.path == "/"
    assert "Sign out" in r.text
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [e.actor for e in events] == ["kees"]
    db.refresh(user)
    assert user.last_login_at is not None
    anon.form("/logout")
    assert anon.get("/", follow_redirects=False).status_code in (302, 303)


def test_wrong_password_keeps_the_username_and_is_audited(anon, db):
    UserFactory(username="piet")
    r = anon.form("/login", {"username": "piet", "password": "nope"})
    assert r.status_code == 401 and "Wrong username or password" in r.text and 'value="piet"' in r.text
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).first().actor == "piet"


def test_inactive_user_cannot_sign_in_and_loses_open_sessions(login, anon, db):
    client = login(Role.technician)
    client.user.active = False
    db.flush()
    assert client.get("/", follow_redirects=False).status_code in (302, 303)
    r = anon.form("/login", {"username": client.user.username, "password": PASSWORD})
    assert r.status_code == 401


def test_form_post_without_csrf_token_is_refused(login):
    client = login(Role.technician)
    r = client.post("/sites/new", data={"code": "X", "name": "Y"})
    assert r.status_code == 403


def test_login_never_redirects_off_site(anon, db):
    user = UserFactory()
    r = anon.form(
        "/login", {"username": user.username, "password": PASSWORD, "next": "//evil.example/"}, follow_redirects=False
    )
    assert r.headers["location"] == "/"


def test_admin_creates_a_token_shown_once_and_revokes_it(login, app, db):
    from tests.conftest import Client

    admin = login(Role.admin)
    tech = UserFactory(role=Role.technician)
    r = admin.form("/users/tokens", {"user_id": tech.id, "name": "monitoring"})
    assert r.status_code == 201 or r.status_code == 200
    secret = r.text.split('<code id="new-token">')[1].split("</code>")[0]
    token = db.scalars(select(ApiToken).where(ApiToken.name == "monitoring")).one()
    assert token.token_hash != secret and secret.startswith(token.prefix)
    c = Client(app)
    c.headers["Authorization"] = f"Bearer {secret}"
    assert c.get("/api/sites").status_code == 200
    admin.form(f"/users/tokens/{token.id}/revoke")
    r = c.get("/api/sites")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_garbage_tokens_are_401(anon):
    for header in ("Bearer nope", "Basic abc", "Bearer "):
        anon.headers["Authorization"] = header
        assert anon.get("/api/sites").status_code == 401


def test_admin_creates_users_with_validation(login, db):
    admin = login(Role.admin)
    r = admin.form(
        "/users/new", {"username": "Bad Name", "display_name": "", "role": "technician", "password": "short"}
    )
    assert r.status_code == 422
    for field in ("username", "display_name", "password"):
        assert f'id="f-{field}"' in r.text
    assert r.text.count("field-error") == 3 and 'value="Bad Name"' in r.text
    r = admin.form(
        "/users/new",
        {"username": "nieuw", "display_name": "Nieuw", "role": "security", "password": "long enough password"},
    )
    assert r.status_code == 200 and db.scalars(select(User).where(User.username == "nieuw")).one().role is Role.security


def test_admin_cannot_deactivate_themselves(login, db):
    admin = login(Role.admin)
    r = admin.form(f"/users/{admin.user.id}/active", {"active": "0"})
    db.refresh(admin.user)
    assert r.status_code == 409 and admin.user.active
    other = UserFactory()
    db.flush()
    page = admin.get("/users").text
    assert f'action="/users/{admin.user.id}/active"' not in page  # not offered on one's own row
    assert f'action="/users/{other.id}/active"' in page and "your own account" in page


def test_pages_and_api_send_security_headers(login, api):
    for r in (login(Role.security).get("/hardware"), api(Role.security).get("/api/sites")):
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"


def test_session_cookie_is_http_only(anon, db):
    user = UserFactory()
    r = anon.form("/login", {"username": user.username, "password": PASSWORD}, follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_token_form_with_bad_input_keeps_the_page_and_the_choice(login, db):
    admin = login(Role.admin)
    tech = UserFactory(role=Role.technician)
    r = admin.form("/users/tokens", {"user_id": tech.id, "name": ""})
    assert r.status_code == 422 and "Name: This field is required" in r.text
    assert f'<option value="{tech.id}" selected' in r.text and "<h1>Users</h1>" in r.text
    assert db.scalars(select(ApiToken)).first() is None
