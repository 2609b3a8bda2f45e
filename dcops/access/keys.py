"""The pass signing keys, kept in the data directory (private keys mode 0600).

`<kid>.key` is a signing key (PKCS#8 PEM), `<kid>.pub` its public key, `current` names the key that
signs new passes. Rotation adds a new signing key, destroys the old private key and keeps the old
public key (with `<kid>.retire`, the moment its last pass expires) so passes already printed still
verify until then. Every worker reads the same directory; the public keys are cached per process and
re-read when the directory changes.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def key_id(public: Ed25519PublicKey) -> bytes:
    """The first 8 bytes of SHA-256 of the raw public key."""
    return hashlib.sha256(public.public_bytes(*RAW)).digest()[:8]


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


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


class KeyRing:
    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "pass-keys"
        self._cache: tuple[int, dict[bytes, PublicKey]] | None = None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Workers generating or rotating at the same moment take turns."""
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.dir / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _new_key(self) -> bytes:
        private = Ed25519PrivateKey.generate()
        kid = key_id(private.public_key())
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        pub = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        _write(self.dir / f"{kid.hex()}.key", pem, 0o600)
        _write(self.dir / f"{kid.hex()}.pub", pub, 0o644)
        _write(self.dir / "current", kid.hex().encode(), 0o644)
        return kid

    def _current_kid(self) -> str | None:
        path = self.dir / "current"
        return path.read_text().strip() if path.exists() else None

    def signing_key(self) -> tuple[bytes, Ed25519PrivateKey]:
        """The current signing key, made on first use."""
        kid = self._current_kid()
        if kid is None or not (self.dir / f"{kid}.key").exists():
            with self._locked():
                kid = self._current_kid()
                if kid is None or not (self.dir / f"{kid}.key").exists():
                    kid = self._new_key().hex()
        private = serialization.load_pem_private_key((self.dir / f"{kid}.key").read_bytes(), password=None)
        assert isinstance(private, Ed25519PrivateKey)
        return bytes.fromhex(kid), private

    def rotate(self, old_passes_expire: datetime | None, now: datetime) -> bytes:
        """A new signing key. The old one's private half is destroyed; its public half is kept until
        `old_passes_expire` (the latest expiry of passes it signed; None: none outstanding)."""
        with self._locked():
            old = self._current_kid()
            kid = self._new_key()
            if old is not None:
                (self.dir / f"{old}.key").unlink(missing_ok=True)
                until = old_passes_expire if old_passes_expire and old_passes_expire > now else now
                _write(self.dir / f"{old}.retire", until.isoformat().encode(), 0o644)
            self._prune(now)
        return kid

    def _prune(self, now: datetime) -> None:
        for retire in self.dir.glob("*.retire"):
            if datetime.fromisoformat(retire.read_text().strip()) < now:
                (self.dir / retire.name.replace(".retire", ".pub")).unlink(missing_ok=True)
                retire.unlink()

    def public_keys(self) -> dict[bytes, PublicKey]:
        """Every key a pass may still be signed with, by key id. Cheap to call per door check."""
        if not self.dir.exists():
            self.signing_key()
        stamp = self.dir.stat().st_mtime_ns
        if self._cache is not None and self._cache[0] == stamp:
            return self._cache[1]
        current = self._current_kid()
        keys: dict[bytes, PublicKey] = {}
        for pub in sorted(self.dir.glob("*.pub")):
            key = serialization.load_pem_public_key(pub.read_bytes())
            assert isinstance(key, Ed25519PublicKey)
            retire = pub.with_suffix(".retire")
            keys[bytes.fromhex(pub.stem)] = PublicKey(
                kid=bytes.fromhex(pub.stem),
                key=key,
                current=pub.stem == current,
                retire_after=datetime.fromisoformat(retire.read_text().strip()) if retire.exists() else None,
            )
        self._cache = (stamp, keys)
        return keys

    def verifiers(self, now: datetime | None = None) -> dict[bytes, Ed25519PublicKey]:
        """Public keys by id, without those retired before `now`."""
        now = now or datetime.now(UTC)
        return {kid: k.key for kid, k in self.public_keys().items() if k.retire_after is None or k.retire_after >= now}
