"""The pass signing keys, kept in the database so every host signs and verifies with the same keys.

A key is an Ed25519 pair in `pass_key` (dcops.access.keys_model). The private half is stored encrypted
with AES-256-GCM under the key-encryption key (`key_encryption_key`: DCOPS_KEY_ENCRYPTION_KEY, or derived
from DCOPS_SECRET_KEY), bound to its key id, so a database dump alone cannot sign passes. Exactly one key
is current and signs new passes. Rotation adds a new current key, destroys the old private half and keeps
the old public half until the last pass it signed expires, so passes already printed still verify.

Hosts cache what they read: the public keys for REFRESH_SECONDS, and read them at once again when a pass names a key
id they have not seen (another host rotated). Signing always reads which key is current, so a key rotated
on one host signs nothing more on any host.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dcops import audit
from dcops.access.keys_model import PassKey
from dcops.access.models import VisitPass
from dcops.db import WRITE, atomic, utcnow
from dcops.errors import SigningKeyUnreadable

if TYPE_CHECKING:
    from dcops.settings import Settings

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
# How long a host trusts its copy of the public keys. Not a security bound: a key rotated in elsewhere is read
# at its first pass (a miss), and a retired key's passes expire no later than the key, which the door checks
# live; the refresh only picks up retirement dates and pruning. Long, so the door rarely pays a statement.
REFRESH_SECONDS = 60.0
MISS_REFRESH_SECONDS = 0.25  # a pass with an unknown key id reloads at most this often (forged ids cost nothing)
_NONCE = 12


def key_id(public: Ed25519PublicKey) -> bytes:
    """The first 8 bytes of SHA-256 of the raw public key."""
    return hashlib.sha256(public.public_bytes(*RAW)).digest()[:8]


def key_encryption_key(secret: str, kek: str = "") -> bytes:
    """The 32-byte AES key private keys are stored under: HKDF-SHA256 of DCOPS_KEY_ENCRYPTION_KEY, or, when that
    is not set, of DCOPS_SECRET_KEY (with its own `info`, so the derived key is no other use of the secret)."""
    material, info = (kek, b"dcops pass-key encryption") if kek else (secret, b"dcops pass-key encryption from secret")
    if not material:
        raise ValueError("a key-encryption key needs DCOPS_KEY_ENCRYPTION_KEY or DCOPS_SECRET_KEY")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material.encode())


def seal(kek: bytes, kid: bytes, private: Ed25519PrivateKey) -> bytes:
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(kek).encrypt(nonce, raw, kid)  # the key id as associated data: no swapping rows


def unseal(kek: bytes, kid: bytes, sealed: bytes) -> Ed25519PrivateKey:
    try:
        raw = AESGCM(kek).decrypt(sealed[:_NONCE], sealed[_NONCE:], kid)
    except InvalidTag:
        raise SigningKeyUnreadable(
            f"The pass signing key {kid.hex()} cannot be decrypted: DCOPS_KEY_ENCRYPTION_KEY (or DCOPS_SECRET_KEY, "
            "which it is derived from when unset) differs from the one it was stored under. Set the same value on "
            "every host, or run `dcops keys rotate` to replace the key (passes already printed keep verifying)."
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


@dataclass(frozen=True)
class PublicKey:
    kid: bytes
    key: Ed25519PublicKey
    current: bool
    retire_after: datetime | None

    def as_dict(self) -> dict[str, object]:
        """A JWK (RFC 8037 OKP) with the key id and how long verifiers should keep it."""
        x = base64.urlsafe_b64encode(self.key.public_bytes(*RAW)).rstrip(b"=").decode()
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "use": "sig",
            "kid": self.kid.hex(),
            "x": x,
            "current": self.current,
            "retire_after": self.retire_after.isoformat() if self.retire_after else None,
        }


@dataclass(frozen=True)
class Rotation:
    new: bytes
    old: bytes | None
    old_verifies_until: datetime | None  # the last expiry of an open pass the old key signed; None: none open


class Verifiers(Mapping[bytes, Ed25519PublicKey]):
    """Public keys by id, as `codec.decode` looks them up. An id this host has not seen makes it read the
    keys again first: the pass may be signed with a key another host has just rotated in."""

    def __init__(self, ring: KeyRing, now: datetime | None) -> None:
        self._ring, self._now = ring, now
        self._keys = ring._usable(now)

    def __getitem__(self, kid: bytes) -> Ed25519PublicKey:
        if kid not in self._keys and self._ring._reload_on_miss():
            self._keys = self._ring._usable(self._now)
        return self._keys[kid]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class KeyRing:
    """The signing keys in the database. `sessions` makes a session of its own for reading the public keys
    (the door calls `verifiers` with no session); signing and rotating take the caller's session when given,
    so on SQLite they run inside the caller's write transaction instead of waiting for it."""

    def __init__(self, sessions: Callable[[], Session], kek: bytes) -> None:
        self._sessions = sessions
        self._kek = kek
        self._lock = threading.Lock()
        self._cache: tuple[float, dict[bytes, PublicKey]] | None = None
        self._last_miss = float("-inf")
        self._private: dict[bytes, Ed25519PrivateKey] = {}
        # Keys this process made whose transaction may not have committed yet (the seed signs a pass and checks
        # it at the door in one transaction): known here before other sessions can read them, with when.
        self._made: dict[bytes, tuple[float, PublicKey]] = {}

    @classmethod
    def from_settings(cls, settings: Settings, sessions: Callable[[], Session]) -> KeyRing:
        return cls(sessions, key_encryption_key(settings.secret_key, settings.key_encryption_key))

    # --- signing ---------------------------------------------------------------------------------

    def signing_key(self, db: Session | None = None) -> tuple[bytes, Ed25519PrivateKey]:
        """The current signing key, made on first use. Read from the database each time (a key rotated on
        another host must sign no more); decrypted once per process."""
        if db is None:
            with self._writer() as own:
                found = self.signing_key(own)
                own.commit()
                return found
        # FOR SHARE: a rotation (FOR UPDATE) waits for passes being signed, so it sees their expiry.
        row = db.scalars(select(PassKey).where(PassKey.is_current.is_(True)).with_for_update(read=True)).first()
        if row is None or row.private_key is None:
            row = self._create_current(db)
        kid = bytes.fromhex(row.kid)
        if kid not in self._private:
            assert row.private_key is not None
            self._private[kid] = unseal(self._kek, kid, row.private_key)
        return kid, self._private[kid]

    def check(self) -> bytes:
        """At startup: the current key exists and this host can decrypt it (else SigningKeyUnreadable)."""
        kid, _ = self.signing_key()
        return kid

    def _create_current(self, db: Session) -> PassKey:
        private = Ed25519PrivateKey.generate()
        kid = key_id(private.public_key())
        row = PassKey(
            kid=kid.hex(),
            public_key=private.public_key().public_bytes(*RAW),
            private_key=seal(self._kek, kid, private),
            is_current=True,
        )
        try:
            with atomic(db):
                db.add(row)
                db.flush()
        except IntegrityError:
            # Another host made the first key at the same moment: the unique index kept one; use that.
            db.expunge(row)
            return db.scalars(select(PassKey).where(PassKey.is_current.is_(True))).one()
        self._private[kid] = private
        self._made[kid] = (time.monotonic(), PublicKey(kid, private.public_key(), True, None))
        self._cache = None
        return row

    def rotate(self, now: datetime | None = None, db: Session | None = None, actor: str = "cli") -> Rotation:
        """A new signing key, in one transaction, in the audit log. The old one's private half is destroyed; its
        public half is kept until the latest expiry of the open passes it signed (read under the lock, so none
        slips past)."""
        if db is None:
            with self._writer() as own:
                done = self.rotate(now, own, actor)
                own.commit()
                return done
        now = now or utcnow()
        with atomic(db):
            old = db.scalars(select(PassKey).where(PassKey.is_current.is_(True)).with_for_update()).first()
            until = None
            if old is not None:
                until = db.scalar(
                    select(func.max(VisitPass.valid_until)).where(
                        VisitPass.key_id == old.kid, VisitPass.revoked_at.is_(None)
                    )
                )
                old.is_current = False
                old.private_key = None
                old.retire_after = until if until and until > now else now
                db.flush()  # the unique index allows one current key: the old one steps down first
            db.execute(delete(PassKey).where(PassKey.retire_after < now))  # no pass of theirs is open any more
            new = self._create_current(db)
            audit.record(
                db,
                actor=actor,
                action="rotate",
                object_type="pass_key",
                object_id=new.kid,
                before={"current": old.kid} if old is not None else None,
                after={"current": new.kid, "previous_verifies_until": old.retire_after if old is not None else None},
            )
        self._cache = None
        return Rotation(bytes.fromhex(new.kid), bytes.fromhex(old.kid) if old else None, until)

    # --- verifying -------------------------------------------------------------------------------

    def public_keys(self) -> dict[bytes, PublicKey]:
        """Every key a pass may still be signed with, by key id. Cheap to call per door check: a copy kept for
        REFRESH_SECONDS."""
        cached = self._cache
        keys = cached[1] if cached is not None and time.monotonic() - cached[0] < REFRESH_SECONDS else self._load()
        return {**{kid: key for kid, (_, key) in self._made.items()}, **keys} if self._made else keys

    def verifiers(self, now: datetime | None = None) -> Verifiers:
        """Public keys by id, without those retired before `now`."""
        return Verifiers(self, now)

    def _usable(self, now: datetime | None) -> dict[bytes, Ed25519PublicKey]:
        now = now or datetime.now(UTC)
        return {kid: k.key for kid, k in self.public_keys().items() if k.retire_after is None or k.retire_after >= now}

    def _reload_on_miss(self) -> bool:
        with self._lock:
            if time.monotonic() - self._last_miss < MISS_REFRESH_SECONDS:
                return False
            self._last_miss = time.monotonic()
        self._load()
        return True

    def _load(self) -> dict[bytes, PublicKey]:
        with self._sessions() as db:
            rows = db.execute(select(PassKey.kid, PassKey.public_key, PassKey.is_current, PassKey.retire_after)).all()
        keys = {
            bytes.fromhex(kid): PublicKey(bytes.fromhex(kid), Ed25519PublicKey.from_public_bytes(pub), current, retire)
            for kid, pub, current, retire in sorted(rows)
        }
        for kid, (made_at, _) in list(self._made.items()):
            # Committed: the database's word counts from now on. Not there long after: its transaction was undone.
            if kid in keys or time.monotonic() - made_at > REFRESH_SECONDS:
                del self._made[kid]
        self._cache = (time.monotonic(), keys)
        return keys

    def _writer(self) -> Session:
        session = self._sessions()
        session.connection(execution_options={WRITE: True})  # SQLite: take the write lock up front
        return session
