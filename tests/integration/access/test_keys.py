"""Pass signing keys in the database: made once, private halves sealed under the key-encryption key,
rotated in one transaction with the old public key kept while its passes are open."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dcops import audit
from dcops.access import codec
from dcops.access.keys import KeyRing, key_encryption_key, key_id
from dcops.access.keys_model import PassKey
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.errors import SigningKeyUnreadable
from dcops.settings import Settings
from tests.conftest import Client, keyring_for


def _raw(private) -> bytes:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    return private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def test_a_key_is_made_once_stored_sealed_and_published(db, settings):
    ring = keyring_for(settings, db)
    kid, private = ring.signing_key(db)
    assert kid == key_id(private.public_key()) and len(kid) == 8
    assert keyring_for(settings, db).signing_key(db)[0] == kid  # another host finds it, does not remake it
    row = db.get(PassKey, kid.hex())
    assert row.is_current and row.private_key and _raw(private) not in row.private_key  # never in the clear
    published = [k.as_dict() for k in ring.public_keys().values()]
    assert published == [
        {**published[0], "kid": kid.hex(), "kty": "OKP", "crv": "Ed25519", "current": True, "retire_after": None}
    ]
    assert "d" not in published[0]  # never the private half


def test_rotation_keeps_old_passes_verifiable_until_they_expire(world, db, settings):
    visit = world.approved()
    code, until = visit["passes"][0]["code"], datetime.fromisoformat(visit["ends_at"])
    ring = keyring_for(settings, db)
    old = ring.signing_key(db)[0]
    now = datetime.now(UTC)
    done = ring.rotate(now, db)
    assert done.old == old and done.new != old and done.old_verifies_until == until
    assert ring.signing_key(db)[0] == done.new
    assert db.get(PassKey, old.hex()).private_key is None  # the old key signs no more, anywhere
    audit.append_pending(db)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "rotate")).one()
    assert (event.actor, event.object_type, event.object_id) == ("cli", "pass_key", done.new.hex())
    assert event.data["before"] == {"current": old.hex()}
    assert event.data["after"]["current"] == done.new.hex()
    assert event.data["after"]["previous_verifies_until"] is not None  # kept for the passes it signed
    other_host = keyring_for(settings, db)
    assert codec.verify(code, other_host.verifiers(now), now).pass_id == visit["passes"][0]["id"]
    assert old not in other_host.verifiers(until + timedelta(seconds=1))
    other_host.rotate(until + timedelta(days=1), db)  # pruned once its passes have expired
    assert old not in other_host.public_keys()
    assert db.get(PassKey, old.hex()) is None
    assert len(db.scalars(select(PassKey).where(PassKey.is_current)).all()) == 1


def test_the_key_encryption_key_comes_from_its_setting_or_the_secret():
    from_secret = key_encryption_key("s" * 40)
    assert len(from_secret) == 32 and from_secret == key_encryption_key("s" * 40)
    assert key_encryption_key("s" * 40, "k" * 40) not in (from_secret, key_encryption_key("k" * 40))
    env = {"DCOPS_SECRET_KEY": "s" * 40, "DCOPS_KEY_ENCRYPTION_KEY": "k" * 40, "DCOPS_DATA_DIR": "/nonexistent"}
    assert Settings.from_env(env).key_encryption_key == "k" * 40


def test_a_wrong_key_encryption_key_fails_clearly_and_verifying_still_works(world, db, settings, maker):
    code = world.approved()["passes"][0]["code"]
    wrong = Settings(
        data_dir=settings.data_dir,
        database_url="unused://",
        secret_key=settings.secret_key,
        key_encryption_key="not the one the key was sealed under",
    )
    ring = KeyRing.from_settings(wrong, maker)
    with pytest.raises(SigningKeyUnreadable, match="DCOPS_KEY_ENCRYPTION_KEY"):
        ring.check()
    assert codec.decode(code, ring.verifiers()).pass_id  # public keys need no key-encryption key

    from dcops.app import create_app

    app = create_app(wrong, session_maker=maker)
    with pytest.raises(BaseExceptionGroup) as failed, Client(app):  # the lifespan's startup check: it does not start
        pass
    assert failed.group_contains(SigningKeyUnreadable, match="DCOPS_KEY_ENCRYPTION_KEY")
    # Without the startup check (as here, where tests skip the lifespan) a request meeting it says why, not 500.
    user = world.desk.user
    from dcops.auth.service import TokenIn, create_token

    _, secret = create_token(db, TokenIn(user_id=user.id, name="wrong kek"), actor="test")
    desk = Client(app)
    desk.headers["Authorization"] = f"Bearer {secret}"
    r = desk.post("/api/visits", json=world.visit())
    r = desk.post(f"/api/visits/{r.json()['id']}/approve", json={})
    assert r.status_code == 503 and "DCOPS_KEY_ENCRYPTION_KEY" in r.json()["detail"], r.text
    assert Role.account_manager == user.role
