"""Login throttling: after repeated failures an account (or a network address) waits, the right password too; the
form says how long, the answer is 429 with Retry-After, and a flood leaves one audit event a minute, not one each."""

import time

from sqlalchemy import select

from dcops.audit import AuditEvent
from dcops.auth.middleware import LoginFloodMiddleware
from dcops.auth.throttle import PER_ACCOUNT, LoginThrottle
from tests.factories import PASSWORD, UserFactory


def _try(client, username: str, password: str):
    return client.form("/login", {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(anon, db):
    UserFactory(username="guess-me")
    for _ in range(5):
        assert _try(anon, "guess-me", "wrong-password").status_code == 401
    r = _try(anon, "guess-me", PASSWORD)
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60
    assert "Too many failed sign-ins for this account" in r.text and 'value="guess-me"' in r.text
    assert _try(anon, "guess-me", "wrong-again").status_code == 429
    failed_or_throttled = AuditEvent.action.in_(("login_failed", "login_throttled"))
    events = db.scalars(select(AuditEvent).where(failed_or_throttled).order_by(AuditEvent.seq)).all()
    assert [e.action for e in events] == ["login_failed"] * 5 + ["login_throttled"]  # the flood: one event


def test_another_account_is_not_held_up_by_one_under_attack(anon):
    UserFactory(username="victim")
    UserFactory(username="bystander")
    for _ in range(6):
        _try(anon, "victim", "nope-nope-nope")
    r = _try(anon, "bystander", PASSWORD)
    assert r.status_code == 200 and r.url.path == "/"


def test_one_address_trying_many_accounts_is_throttled_too(anon):
    for n in range(30):
        _try(anon, f"user-{n}", "nope-nope-nope")
    started = time.monotonic()
    r = _try(anon, "someone-else", "nope-nope-nope")
    assert r.status_code == 429 and "this network address" in r.text
    # Tarpitted: the refusal comes no sooner than a second later, so one connection guesses once a second.
    assert time.monotonic() - started >= LoginFloodMiddleware.TARPIT
    assert "connection" not in r.headers


def test_past_the_tarpit_s_capacity_a_flood_is_refused_at_once_and_disconnected(anon, monkeypatch):
    monkeypatch.setattr(LoginFloodMiddleware, "MAX_TARPITTED", 0)
    for n in range(30):
        _try(anon, f"user-{n}", "nope-nope-nope")
    r = _try(anon, "someone-else", "nope-nope-nope")
    assert r.status_code == 429 and r.headers["connection"] == "close"


def test_the_wait_grows_with_the_failures():
    throttle = LoginThrottle()
    for _ in range(5):
        throttle.failed("kees", "10.0.0.1")
    first = throttle.wait("kees", "10.0.0.2")
    assert first is not None and first.reason == "account" and first.seconds <= 60
    for limit in PER_ACCOUNT[:1]:  # the minute passes ...
        throttle.limiter.clear(limit, "login", "account", "kees")
    for _ in range(5):  # ... and five more fail
        throttle.failed("kees", "10.0.0.3")
    second = throttle.wait("kees", "10.0.0.4")
    assert second is not None and 60 < second.seconds <= 15 * 60  # now a quarter of an hour
    throttle.succeeded("kees")
    assert throttle.wait("kees", "10.0.0.5") is None
