"""Server-side sessions: signing out, deactivation, a new password or an admin end a session at once (a replayed
cookie signs nobody in); idle and absolute timeouts; the API never takes the session cookie (no CSRF there)."""

from datetime import timedelta

from sqlalchemy import select, update

from dcops.auth import service
from dcops.auth.models import Role, UserSession
from dcops.db import utcnow
from tests.conftest import Client
from tests.factories import UserFactory


def _replay(app, cookies) -> Client:
    """Another browser carrying the same cookies: what an attacker with a copied cookie would send."""
    other = Client(app)
    for name, value in cookies.items():
        other.cookies.set(name, value)
    return other


def _signed_in(client) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def test_a_replayed_cookie_signs_nobody_in_after_logout(app, login, db):
    client = login(Role.technician)
    copied = dict(client.cookies)
    assert _signed_in(_replay(app, copied))
    client.form("/logout")
    assert not _signed_in(client) and not _signed_in(_replay(app, copied))
    ended = db.scalars(select(UserSession).where(UserSession.user_id == client.user.id)).one()
    assert ended.ended_at is not None and ended.end_reason == "signed out"


def test_deactivating_a_user_or_changing_its_password_ends_its_sessions_at_once(app, login, db):
    client = login(Role.technician)
    service.set_password(db, client.user, "a-brand-new-password", "admin")
    assert not _signed_in(client)
    again = login(Role.technician)
    service.set_active(db, again.user, False, "admin")
    assert not _signed_in(again)
    reasons = {s.end_reason for s in db.scalars(select(UserSession)).all()}
    assert {"password changed", "account deactivated"} <= reasons


def test_an_idle_or_expired_session_ends(app, login, db):
    idle = login(Role.technician)
    db.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=8, minutes=1)))
    assert not _signed_in(idle)  # 8 hours without use
    old = login(Role.technician)
    db.execute(
        update(UserSession).where(UserSession.user_id == old.user.id).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    assert not _signed_in(old)  # 12 hours after sign-in, however active


def test_admins_see_and_end_active_sessions(login, db):
    tech = login(Role.technician)
    admin = login(Role.admin)
    page = admin.get("/users").text
    assert "Signed-in sessions" in page and tech.user.username in page
    mine = db.scalars(select(UserSession).where(UserSession.user_id == tech.user.id)).one()
    r = admin.form(f"/users/sessions/{mine.id}/end")
    assert r.status_code == 200 and f"The session of {tech.user.username} is ended" in r.text
    assert not _signed_in(tech)
    assert login(Role.technician).form(f"/users/sessions/{mine.id}/end").status_code == 403


def test_the_api_takes_bearer_tokens_only_so_a_cross_site_form_cannot_write(login, api):
    browser = login(Role.account_manager)
    # A signed-in browser, tricked by another site into posting a text/plain form to the API:
    r = browser.post(
        "/api/customers",
        content='{"name": "Evil B.V.", "kind": "consumer"}',
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    r = browser.post("/api/customers", json={"name": "Evil B.V.", "kind": "consumer"})
    assert r.status_code == 401  # the session cookie alone never authenticates the API
    assert (
        api(Role.account_manager).post("/api/customers", json={"name": "Good B.V.", "kind": "consumer"}).status_code
        == 201
    )


def test_sign_in_records_where_from(anon, db):
    user = UserFactory(username="joke")
    anon.form("/login", {"username": "joke", "password": "correct-horse-battery"}, headers={"User-Agent": "Tablet/1"})
    session = db.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert session.user_agent == "Tablet/1" and session.expires_at - session.created_at == timedelta(hours=12)
