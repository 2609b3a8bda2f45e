"""Migration 0008 moves the pass keys and documents from the data directory into the database, so an
upgrade loses nothing: the current key still signs (sealed now), a retired key still verifies until its
time, documents are served from the table. On SQLite and PostgreSQL."""

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dcops import migrate
from dcops.access.keys import KeyRing, key_id
from dcops.access.keys_model import PassKey
from dcops.db import make_engine, make_sessionmaker
from dcops.documents import Document, DocumentStore
from dcops.seed import demo_pdf
from dcops.settings import Settings
from tests.conftest import _database_urls, _label, fresh_database

NOW = datetime.now(UTC)


@pytest.fixture(params=_database_urls(), ids=_label)
def at_0007(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        migrate.upgrade(url, revision="0007")
        yield url


def _key_files(folder: Path, private: Ed25519PrivateKey, retire: datetime | None, current: bool) -> bytes:
    """A key as dcops kept it on disk before 0008: <kid>.pub, <kid>.key (current only), <kid>.retire."""
    kid = key_id(private.public_key())
    pem = serialization.Encoding.PEM
    (folder / f"{kid.hex()}.pub").write_bytes(
        private.public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    if current:
        (folder / f"{kid.hex()}.key").write_bytes(
            private.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        (folder / "current").write_text(kid.hex())
    if retire is not None:
        (folder / f"{kid.hex()}.retire").write_text(retire.isoformat())
    return kid


def test_keys_and_documents_move_from_the_data_directory_into_the_database(at_0007, tmp_path):
    data = tmp_path / "var"
    (data / "pass-keys").mkdir(parents=True)
    signing, retired, expired = (Ed25519PrivateKey.generate() for _ in range(3))
    current_kid = _key_files(data / "pass-keys", signing, None, current=True)
    retired_kid = _key_files(data / "pass-keys", retired, NOW + timedelta(days=2), current=False)
    expired_kid = _key_files(data / "pass-keys", expired, NOW - timedelta(days=2), current=False)
    pdf = demo_pdf("old policy")
    good, bad = hashlib.sha256(pdf).hexdigest(), hashlib.sha256(b"x").hexdigest()
    for sha, content in ((good, pdf), (bad, b"%PDF- not what its name says")):
        (data / "documents" / sha[:2]).mkdir(parents=True, exist_ok=True)
        (data / "documents" / sha[:2] / sha).write_bytes(content)
    (data / "documents" / good[:2] / ".upload-abc").write_bytes(b"half an upload")

    settings = Settings(data_dir=data, database_url=at_0007, secret_key="upgrade-" + "s" * 40)
    migrate.upgrade(at_0007, settings=settings)

    engine = make_engine(at_0007)
    maker = make_sessionmaker(engine)
    with maker() as db:
        rows = {row.kid: row for row in db.query(PassKey)}
        assert set(rows) == {current_kid.hex(), retired_kid.hex()}  # the expired key verifies nothing any more
        assert rows[current_kid.hex()].is_current and rows[retired_kid.hex()].private_key is None
        assert rows[retired_kid.hex()].retire_after is not None
        assert DocumentStore().read(db, good) == pdf
        assert db.get(Document, bad) is None  # corrupt before: not served before, not imported now
        assert db.query(Document).count() == 1
    ring = KeyRing.from_settings(settings, maker)
    kid, private = ring.signing_key()
    assert kid == current_kid and private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    ) == signing.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert set(ring.verifiers(NOW)) == {current_kid, retired_kid} and expired_kid not in ring.public_keys()
    engine.dispose()
    assert (data / "pass-keys" / f"{current_kid.hex()}.key").exists()  # the files are left as they were


def test_without_a_data_directory_the_upgrade_imports_nothing(at_0007):
    migrate.upgrade(at_0007)
    engine = make_engine(at_0007)
    with make_sessionmaker(engine)() as db:
        assert db.query(PassKey).count() == 0 and db.query(Document).count() == 0
    engine.dispose()
